// The one file that knows the VAE: the layer table and memory layout, initialisation, forward, backward and
// one training step. Everything lives in linear memory: a small state record (step count, RNG streams),
// one flat block each for parameters, gradients and Adam's two moments, and the activations of one batch.
//
// Layers, in order (H hidden layers h₀..h_{H-1}, input D, latent L):
//   encoder.i   (i < H)   D+C|h_{i-1} → h_i, activation
//   encoder.mean          h_{H-1} → L
//   encoder.logvar        h_{H-1} → L
//   decoder.i   (i < H)   L+C|h_{H-i} → h_{H-1-i}, activation
//   decoder.out           h_0 → D   (logits for Bernoulli, means for the Gaussian)
// A conditional VAE (C = conditionDim > 0; Sohn, Lee & Yan 2015) joins the condition c to the encoder's input
// [x, c] and to the decoder's input [z, c]; the first layer of each side is then one GEMM over the joined rows.
import { arena_alloc, arena_mark, arena_reset } from './arena';
import { dense_forward, dense_backward_input, dense_backward_params, SKIP_AUTO } from './kernels/dense';
import { skip_list_bytes } from './kernels/skip-zeros';
import { EPILOGUE_NONE, EPILOGUE_RELU, EPILOGUE_LEAKY_RELU } from './kernels/gemm';
import { activation_forward, activation_backward, clamp_forward, clamp_backward, fusable, RELU, SIGMOID } from './kernels/activations';
import { first_outside } from './kernels/checks';
import { rng_seed, normal_fill, uniform_fill, reparameterize_forward, reparameterize_backward } from './kernels/gaussian';
import { bernoulli_logits_loss, gaussian_unit_loss, kl_forward, kl_backward } from './kernels/losses';
import { adam_step } from './kernels/optim';
import {
  kl_rows, log_weight_rows, logsumexp_update, logmeanexp_finish, free_bits_backward, concat_rows, take_columns,
} from './kernels/estimators';

export const BERNOULLI: i32 = 0;
export const GAUSSIAN: i32 = 1;

// RNG streams: one seed, independent sequences for each use, so that evaluating or sampling never shifts training.
export const STREAM_INIT: i32 = 0;
export const STREAM_TRAIN: i32 = 1;   // ε of training steps
export const STREAM_SHUFFLE: i32 = 2; // epoch permutations (drawn by the facade through rng_below)
export const STREAM_SAMPLE: i32 = 3;  // z of sample()
export const STREAM_EVAL: i32 = 4;    // ε of evaluate(), re-seeded at each call
const STREAMS: i32 = 5;
const RNG_RECORD: usize = 80;         // 64 bytes of xoshiro state + 16 bytes of scratch for normal_fill

// State record: step (i32), seed (u32), 8 bytes spare, then the RNG records. With the parameter block and
// Adam's moments it is the whole training state: saving and resuming copy these and nothing else.
const STATE_BYTES: usize = 16 + RNG_RECORD * <usize>STREAMS;

// The divergence guard. Log-variances are clamped to [LOGVAR_MIN, LOGVAR_MAX] where the encoder produces them
// (the bounds of Stable Diffusion's DiagonalGaussianDistribution): σ² stays within [e⁻³⁰, e²⁰], so exp(logVar) in
// the KL and σ = exp(½·logVar) can neither overflow nor vanish. A step whose loss is not finite, or whose
// gradient holds a value beyond ±GRADIENT_LIMIT (NaN and ±∞ included), is skipped before Adam runs; the limit
// keeps g², and with it Adam's second moment, finite in f32 (1e19² = 1e38 < 3.4e38).
export const LOGVAR_MIN: f32 = -30;
export const LOGVAR_MAX: f32 = 20;
const GRADIENT_LIMIT: f32 = 1e19;

// Layer record fields (u32 each).
const IN = 0, OUT = 1, W = 2, B = 3, DW = 4, DB = 5, X = 6, Y = 7, DX = 8, DY = 9, ACT = 10, ACCUMULATE_DX = 11;
const FIELDS = 12;

let inputDim = 0, latentDim = 0, hiddenCount = 0, activation = 0, likelihood = 0, conditionDim = 0;
let state: usize = 0, layers: usize = 0, layerCount = 0;
let params: usize = 0, grads: usize = 0, adamM: usize = 0, adamV: usize = 0, paramFloats = 0;
let capacity = 0, activationsMark: usize = 0, carveTop: usize = 0;
let xBuf: usize = 0, mu: usize = 0, logvar: usize = 0, eps: usize = 0, z: usize = 0;
let dmu: usize = 0, dlogvar: usize = 0, dz: usize = 0, logits: usize = 0, dlogits: usize = 0, wt: usize = 0;
let lists: usize = 0;            // zero-skipping scratch (kernels/skip-zeros.ts)
let conditions: usize = 0, joinedX: usize = 0, joinedZ: usize = 0, djoinedZ: usize = 0; // (B, C), (B, D+C), (B, L+C) ×2
let rowNll: usize = 0, rowWeight: usize = 0, rowMax: usize = 0, rowSum: usize = 0, rowOut: usize = 0; // f64 × B each
let skipPolicy: i32 = SKIP_AUTO; // kernels/dense.ts SKIP_*: the results are the same bits under every policy
let results: usize = 0; // f64 × 4: loss, reconstruction, kl (per example for a step; sums for evaluate)

// Not @inline: the layer table is read a few times per layer per step, and inlining it into init and reserve
// costs kilobytes of wasm (the bundle budget) for no measurable speed.
function field(layer: i32, f: i32): usize {
  return <usize>load<u32>(layers + ((<usize>(layer * FIELDS + f)) << 2));
}
function setField(layer: i32, f: i32, value: usize): void {
  store<u32>(layers + ((<usize>(layer * FIELDS + f)) << 2), <u32>value);
}
function meanLayer(): i32 { return hiddenCount; }
function logvarLayer(): i32 { return hiddenCount + 1; }
function firstDecoderLayer(): i32 { return hiddenCount + 2; }
function outLayer(): i32 { return 2 * hiddenCount + 2; }
function floats(n: i32): usize { return (<usize>n + 3) & ~(<usize>3); } // tensors start 16-byte aligned
function stream(s: i32): usize { return state + 16 + RNG_RECORD * <usize>s; }

/** Lays out the model for `hidden` (H × u32 dims) and initialises it like PyTorch's nn.Linear. 0 on failure. */
export function model_init(inDim: i32, latent: i32, hidden: usize, count: i32, act: i32, lik: i32, seed: u32, cond: i32): i32 {
  inputDim = inDim; latentDim = latent; hiddenCount = count; activation = act; likelihood = lik; conditionDim = cond;
  layerCount = 2 * count + 3;
  state = arena_alloc(STATE_BYTES);
  layers = arena_alloc(<usize>(layerCount * FIELDS) << 2);
  if (state == 0 || layers == 0) return 0;
  store<u32>(state + 4, seed);
  for (let s = 0; s < STREAMS; s++) rng_seed(stream(s), seed, <u32>s);

  const encoderIn = inDim + cond, decoderIn = latent + cond;
  const encoderOut = count > 0 ? hiddenDim(hidden, count - 1) : encoderIn;
  for (let i = 0; i < count; i++) defineLayer(i, i == 0 ? encoderIn : hiddenDim(hidden, i - 1), hiddenDim(hidden, i), true);
  defineLayer(meanLayer(), encoderOut, latent, false);
  defineLayer(logvarLayer(), encoderOut, latent, false);
  for (let i = 0; i < count; i++) {
    defineLayer(firstDecoderLayer() + i, i == 0 ? decoderIn : hiddenDim(hidden, count - i), hiddenDim(hidden, count - 1 - i), true);
  }
  defineLayer(outLayer(), count > 0 ? hiddenDim(hidden, 0) : decoderIn, inDim, false);
  setField(meanLayer(), ACCUMULATE_DX, 1); // backward runs logvar first, then mean adds into the same dx

  // Parameter block: weight then bias per layer, each tensor 16-byte aligned.
  let offset: usize = 0;
  for (let l = 0; l < layerCount; l++) {
    setField(l, W, offset); offset += floats(<i32>(field(l, IN) * field(l, OUT)));
    setField(l, B, offset); offset += floats(<i32>field(l, OUT));
  }
  paramFloats = <i32>offset;
  const bytes = offset << 2;
  params = arena_alloc(bytes); grads = arena_alloc(bytes); adamM = arena_alloc(bytes); adamV = arena_alloc(bytes);
  results = arena_alloc(32);
  if (params == 0 || grads == 0 || adamM == 0 || adamV == 0 || results == 0) return 0;
  for (let l = 0; l < layerCount; l++) {
    const w = field(l, W) << 2, b = field(l, B) << 2;
    setField(l, DW, grads + w); setField(l, DB, grads + b);
    setField(l, W, params + w); setField(l, B, params + b);
    // nn.Linear.reset_parameters: weight and bias ~ U(−1/√fan_in, 1/√fan_in)
    const bound = <f32>(1.0 / Math.sqrt(<f64>field(l, IN)));
    uniform_fill(field(l, W), <i32>(field(l, IN) * field(l, OUT)), stream(STREAM_INIT), -bound, bound);
    uniform_fill(field(l, B), <i32>field(l, OUT), stream(STREAM_INIT), -bound, bound);
  }
  // uniform_fill pads to whole vectors: clear what it wrote past each tensor so the block is deterministic.
  clearParameterPadding();
  activationsMark = arena_mark();
  return 1;
}

function hiddenDim(hidden: usize, i: i32): i32 {
  return <i32>load<u32>(hidden + (<usize>i << 2));
}

function defineLayer(l: i32, inDim: i32, outDim: i32, act: bool): void {
  setField(l, IN, inDim); setField(l, OUT, outDim); setField(l, ACT, act ? 1 : 0); setField(l, ACCUMULATE_DX, 0);
}

function clearParameterPadding(): void {
  for (let l = 0; l < layerCount; l++) {
    const wEnd = field(l, W) + ((field(l, IN) * field(l, OUT)) << 2);
    memory.fill(wEnd, 0, field(l, B) - wEnd);
    const bEnd = field(l, B) + (field(l, OUT) << 2);
    const next = l + 1 < layerCount ? field(l + 1, W) : params + (<usize>paramFloats << 2);
    memory.fill(bEnd, 0, next - bEnd);
  }
}

/** Ensures activations for `batch` examples; re-lays them above the parameters when it grows. 0 on failure. */
export function model_reserve(batch: i32): i32 {
  if (batch <= capacity) return 1;
  // Every buffer is carved from one region: pointers first, then one arena_alloc grows and zeroes it all
  // (one call site instead of ~30 inlined copies of the allocator: kilobytes of wasm).
  arena_reset(activationsMark);
  carveTop = activationsMark;
  const rows = <usize>batch;
  xBuf = carve(rows * (<usize>inputDim << 2));
  logits = carve(rows * (<usize>inputDim << 2));
  // + one vector: reconstructionRows runs the loss kernels row by row, and their padded gradient writes (padding.ts)
  // may pass the last row's end by up to 3 floats.
  dlogits = carve(rows * (<usize>inputDim << 2) + 16);
  const latentBytes = rows * (<usize>latentDim << 2);
  mu = carve(latentBytes); logvar = carve(latentBytes); eps = carve(latentBytes); z = carve(latentBytes);
  dmu = carve(latentBytes); dlogvar = carve(latentBytes); dz = carve(latentBytes);
  let wtFloats: usize = 0, listBytes: usize = 0;
  for (let l = 0; l < layerCount; l++) {
    const inDim = <i32>field(l, IN);
    wtFloats = max(wtFloats, field(l, IN) * field(l, OUT));
    listBytes = max(listBytes, max(skip_list_bytes(batch, 0, inDim), skip_list_bytes(0, inDim, batch)));
  }
  wt = carve(wtFloats << 2);
  lists = carve(listBytes);
  rowNll = carve(rows << 3); rowWeight = carve(rows << 3); rowMax = carve(rows << 3);
  rowSum = carve(rows << 3); rowOut = carve(rows << 3);
  const C = <usize>conditionDim;
  if (C > 0) {
    conditions = carve(rows * (C << 2));
    joinedX = carve(rows * ((<usize>inputDim + C) << 2));
    joinedZ = carve(rows * ((<usize>latentDim + C) << 2));
    djoinedZ = carve(rows * ((<usize>latentDim + C) << 2));
  }
  // Hidden activations and their gradients.
  for (let l = 0; l < layerCount; l++) {
    if (field(l, ACT) == 0) continue;
    setField(l, Y, carve(rows * (field(l, OUT) << 2)));
    setField(l, DY, carve(rows * (field(l, OUT) << 2)));
  }
  if (arena_alloc(carveTop - activationsMark) != activationsMark) { capacity = 0; return 0; }
  // Wire each layer's input to the previous output.
  const H = hiddenCount;
  const encoderIn = C > 0 ? joinedX : xBuf, decoderIn = C > 0 ? joinedZ : z, decoderDIn = C > 0 ? djoinedZ : dz;
  for (let i = 0; i < H; i++) {
    setField(i, X, i == 0 ? encoderIn : field(i - 1, Y));
    setField(i, DX, i == 0 ? 0 : field(i - 1, DY));
  }
  const encX = H > 0 ? field(H - 1, Y) : encoderIn, encDX = H > 0 ? field(H - 1, DY) : 0;
  setField(meanLayer(), X, encX); setField(meanLayer(), DX, encDX); setField(meanLayer(), Y, mu); setField(meanLayer(), DY, dmu);
  setField(logvarLayer(), X, encX); setField(logvarLayer(), DX, encDX); setField(logvarLayer(), Y, logvar); setField(logvarLayer(), DY, dlogvar);
  for (let i = 0; i < H; i++) {
    const l = firstDecoderLayer() + i;
    setField(l, X, i == 0 ? decoderIn : field(l - 1, Y));
    setField(l, DX, i == 0 ? decoderDIn : field(l - 1, DY));
  }
  const o = outLayer();
  setField(o, X, H > 0 ? field(o - 1, Y) : decoderIn); setField(o, DX, H > 0 ? field(o - 1, DY) : decoderDIn);
  setField(o, Y, logits); setField(o, DY, dlogits);
  capacity = batch;
  return 1;
}

/** The next `bytes` (rounded up to 16) of the region model_reserve lays out; arena_alloc then backs them. */
function carve(bytes: usize): usize {
  const p = carveTop;
  carveTop += (bytes + 15) & ~(<usize>15);
  return p;
}

function layerForward(l: i32, batch: i32): void {
  const outDim = <i32>field(l, OUT);
  // ReLU and leaky ReLU are applied by gemm to each finished tile (no second pass over y); tanh and sigmoid after.
  const act = field(l, ACT) != 0, fused = act && fusable(activation);
  const epilogue = !fused ? EPILOGUE_NONE : activation == RELU ? EPILOGUE_RELU : EPILOGUE_LEAKY_RELU;
  dense_forward(field(l, Y), field(l, X), field(l, W), field(l, B), wt, lists, batch, <i32>field(l, IN), outDim, epilogue, skipPolicy);
  if (act && !fused) activation_forward(activation, field(l, Y), batch * outDim);
}

function layerBackward(l: i32, batch: i32): void {
  const inDim = <i32>field(l, IN), outDim = <i32>field(l, OUT);
  if (field(l, ACT) != 0) activation_backward(activation, field(l, DY), field(l, Y), batch * outDim);
  dense_backward_params(field(l, DW), field(l, DB), field(l, DY), field(l, X), lists, batch, inDim, outDim, false, skipPolicy);
  if (field(l, DX) != 0) dense_backward_input(field(l, DX), field(l, DY), field(l, W), batch, inDim, outDim, field(l, ACCUMULATE_DX) != 0);
}

/** Encoder: x → (μ, logVar) for `batch` rows of the input buffer. */
export function model_encode(batch: i32): void {
  if (conditionDim > 0) concat_rows(joinedX, xBuf, inputDim, conditions, conditionDim, batch);
  for (let l = 0; l <= logvarLayer(); l++) layerForward(l, batch);
  clamp_forward(logvar, batch * latentDim, LOGVAR_MIN, LOGVAR_MAX);
}

/** Decoder: z → logits (or Gaussian means) in the output buffer. */
export function model_decode(batch: i32): void {
  if (conditionDim > 0) concat_rows(joinedZ, z, latentDim, conditions, conditionDim, batch);
  for (let l = firstDecoderLayer(); l <= outLayer(); l++) layerForward(l, batch);
}

/** Decoder with the likelihood's mean applied: Bernoulli probabilities σ(logits), or the Gaussian means. */
export function model_decode_mean(batch: i32): void {
  model_decode(batch);
  if (likelihood == BERNOULLI) activation_forward(SIGMOID, logits, batch * inputDim);
}

/** z ~ N(0, I) from the sample stream, then model_decode_mean. */
export function model_sample(batch: i32): void {
  normal_fill(z, batch * latentDim, stream(STREAM_SAMPLE));
  model_decode_mean(batch);
}

/** z ~ q(z|x) for each row, drawn from the sample stream (after model_encode's μ and logVar). */
export function model_encode_sample(batch: i32): void {
  const n = batch * latentDim;
  model_encode(batch);
  normal_fill(eps, n, stream(STREAM_SAMPLE));
  reparameterize_forward(z, mu, logvar, eps, n);
}

/** One posterior sample per row: forward through the loss. Leaves the summed terms in results[1], results[2]. */
function forwardLoss(batch: i32, epsStream: i32, scale: f32): void {
  const n = batch * latentDim;
  model_encode(batch);
  normal_fill(eps, n, stream(epsStream));
  reparameterize_forward(z, mu, logvar, eps, n);
  model_decode(batch);
  const rec = likelihood == BERNOULLI
    ? bernoulli_logits_loss(dlogits, logits, xBuf, batch * inputDim, scale)
    : gaussian_unit_loss(dlogits, logits, xBuf, batch * inputDim, scale);
  store<f64>(results, rec, 8);
  store<f64>(results, kl_forward(mu, logvar, n), 16);
}

/**
 * Forward and backward for `batch` rows: the gradients of (1/batch)·Σ(reconstruction + β·KL) overwrite the
 * gradient block (every weight and bias gradient is written once per step, so it is not zeroed first; the padding
 * between tensors stays zero from the arena). Results hold per-example means.
 * Kept apart from Adam so a batch can later be split across workers and the gradients reduced.
 */
export function model_compute_gradients(batch: i32, beta: f32, freeBits: f64): void {
  const scale = <f32>(1.0 / <f64>batch);
  forwardLoss(batch, STREAM_TRAIN, scale);
  for (let l = outLayer(); l >= firstDecoderLayer(); l--) layerBackward(l, batch);
  if (conditionDim > 0) take_columns(dz, djoinedZ, batch, latentDim + conditionDim, latentDim);
  const n = batch * latentDim;
  kl_backward(dmu, dlogvar, mu, logvar, n, beta * scale);
  // results[3]: the KL term the gradient is of, per example: Σⱼ max(λ, KLⱼ) under free bits, else the KL.
  store<f64>(results, freeBits > 0
    ? free_bits_backward(dmu, dlogvar, mu, logvar, batch, latentDim, freeBits)
    : load<f64>(results, 16) / <f64>batch, 24);
  reparameterize_backward(dmu, dlogvar, dz, logvar, eps, n);
  clamp_backward(dlogvar, logvar, n, LOGVAR_MIN, LOGVAR_MAX);
  for (let l = logvarLayer(); l >= 0; l--) layerBackward(l, batch);
  const rec = load<f64>(results, 8) / <f64>batch, kl = load<f64>(results, 16) / <f64>batch;
  store<f64>(results, rec + <f64>beta * kl, 0);
  store<f64>(results, rec, 8);
  store<f64>(results, kl, 16);
}

/** Adam over the whole parameter block with the current gradients; advances the step count. */
export function model_apply_adam(lr: f32, beta1: f32, beta2: f32, epsilon: f32): void {
  const t = load<i32>(state) + 1;
  store<i32>(state, t);
  adam_step(params, grads, adamM, adamV, paramFloats, lr, beta1, beta2, epsilon, t);
}

/** 1 when the last computed loss and gradients pass the divergence guard (see GRADIENT_LIMIT), else 0. */
export function model_gradients_finite(): i32 {
  return i32(isFinite<f64>(load<f64>(results, 0))) & i32(first_outside(grads, paramFloats, -GRADIENT_LIMIT, GRADIENT_LIMIT) < 0);
}

/**
 * One training step on the `batch` rows of the input buffer: forward, loss, backward, then Adam only when the
 * guard passes. Returns 1 when the step was applied, 0 when it was skipped (weights, moments and step count
 * untouched; the training stream has still advanced, so a retry draws new noise).
 */
export function model_train_step(batch: i32, beta: f32, lr: f32, beta1: f32, beta2: f32, epsilon: f32, freeBits: f64): i32 {
  model_compute_gradients(batch, beta, freeBits);
  if (!model_gradients_finite()) return 0;
  model_apply_adam(lr, beta1, beta2, epsilon);
  return 1;
}

/** Negative-ELBO terms summed over `batch` rows with ε from the evaluation stream (results[1], results[2]). */
export function model_evaluate(batch: i32): void {
  forwardLoss(batch, STREAM_EVAL, 0);
}

/**
 * Per-row estimates of log p(x) into the row results (f64 each), with ε from the evaluation stream: for k = 1 the
 * ELBO with the closed-form KL; for k > 1 the importance-weighted bound L_k (kernels/estimators.ts).
 */
export function model_log_likelihood(batch: i32, k: i32): void {
  const n = batch * latentDim;
  model_encode(batch);
  if (k > 1) {
    for (let r = 0; r < batch; r++) { store<f64>(rowMax + (<usize>r << 3), -Infinity); store<f64>(rowSum + (<usize>r << 3), 0); }
  }
  for (let i = 0; i < k; i++) {
    normal_fill(eps, n, stream(STREAM_EVAL));
    reparameterize_forward(z, mu, logvar, eps, n);
    model_decode(batch);
    reconstructionRows(batch);
    if (k == 1) {
      kl_rows(rowWeight, mu, logvar, batch, latentDim);
      for (let r = 0; r < batch; r++) {
        const at = <usize>r << 3;
        store<f64>(rowOut + at, -(load<f64>(rowNll + at) + load<f64>(rowWeight + at)));
      }
      return;
    }
    log_weight_rows(rowWeight, rowNll, z, eps, logvar, batch, latentDim);
    logsumexp_update(rowMax, rowSum, rowWeight, batch);
  }
  logmeanexp_finish(rowOut, rowMax, rowSum, batch, k);
}

/** rowNll[r] = −log p(x_r | z_r), from the logits of the last decode (dlogits is scratch here). */
function reconstructionRows(batch: i32): void {
  const rowBytes = <usize>inputDim << 2;
  for (let r = 0; r < batch; r++) {
    const o = <usize>r * rowBytes;
    const nll = likelihood == BERNOULLI
      ? bernoulli_logits_loss(dlogits + o, logits + o, xBuf + o, inputDim, 0)
      : gaussian_unit_loss(dlogits + o, logits + o, xBuf + o, inputDim, 0);
    store<f64>(rowNll + (<usize>r << 3), nll);
  }
}

/** Sets the zero-skipping policy (kernels/dense.ts SKIP_*). Every policy gives the same bits; tests prove it. */
export function model_set_skip_policy(policy: i32): void {
  skipPolicy = policy;
}

/** Restarts a stream from the model's seed (evaluate() does, so the same call gives the same number). */
export function model_reseed(s: i32): void {
  rng_seed(stream(s), load<u32>(state + 4), <u32>s);
}

export function model_stream(s: i32): usize { return stream(s); }
export function model_state(): usize { return state; }
export function model_state_bytes(): i32 { return <i32>STATE_BYTES; }
export function model_parameters(): usize { return params; }
export function model_adam_m(): usize { return adamM; }
export function model_adam_v(): usize { return adamV; }
export function model_step(): i32 { return load<i32>(state); }
export function model_parameter_floats(): i32 { return paramFloats; }
export function model_results(): usize { return results; }
export function model_input(): usize { return xBuf; }
export function model_conditions(): usize { return conditions; }
export function model_row_results(): usize { return rowOut; }
export function model_mean(): usize { return mu; }
export function model_logvar(): usize { return logvar; }
export function model_eps(): usize { return eps; }
export function model_latent(): usize { return z; }
export function model_output(): usize { return logits; }
export function model_capacity(): i32 { return capacity; }

// Tensors in file order: for each layer its weight (out, in) then its bias (out).
export function model_tensor_count(): i32 { return layerCount * 2; }
export function model_tensor_ptr(t: i32): usize { return field(t >> 1, (t & 1) == 0 ? W : B); }
export function model_tensor_grad_ptr(t: i32): usize { return field(t >> 1, (t & 1) == 0 ? DW : DB); }
export function model_tensor_rows(t: i32): i32 { return <i32>field(t >> 1, OUT); }
/** Columns of a weight (its fan-in); 0 marks a bias, which is 1-D. */
export function model_tensor_cols(t: i32): i32 { return (t & 1) == 0 ? <i32>field(t >> 1, IN) : 0; }
