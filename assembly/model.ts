// The one file that knows the VAE: the layer table and memory layout, initialisation, forward, backward and
// one training step. Everything lives in linear memory: a small state record (step count, RNG streams),
// one flat block each for parameters, gradients and Adam's two moments, and the activations of one batch.
//
// Layers, in order (E encoder layers, input D, latent L), as the facade's layer table gives them (abi.ts LAYER_*,
// src/files/layout.ts): dense, Conv2d or ConvTranspose2d, each with its input and output shape [C, H, W]:
//   encoder.i   (i < E)   x or the previous output → activation
//   encoder.mean          the flattened encoder output → L
//   encoder.logvar        the same → L
//   decoder.i             [z, c] or the previous output → activation (decoder.0 is dense)
//   decoder.out           → D   (logits for Bernoulli, means for the Gaussian)
// An example's values are laid out [C, H, W] as in PyTorch, so flatten and reshape move nothing.
// A conditional VAE (C = conditionDim > 0; Sohn, Lee & Yan 2015) joins the condition c to the input of the encoder's
// first dense layer (the input x itself in an MLP, the flattened convolution output otherwise) and to the decoder's
// input [z, c]; each joined layer is then one GEMM over the joined rows.
//
// Every pointer and size lives in one record in linear memory (Layout), not in wasm globals, so that the other
// instances of a thread pool, which share this memory, attach to the same model with model_attach. The forward,
// backward and the other jobs are in ./jobs/.
import { arena_alloc, arena_mark, arena_reset } from './arena';
import { BARRIER_BYTES, MAX_POOL } from '~lib/barrier';
import { SKIP_AUTO } from './kernels/dense';
import { skip_list_bytes } from './kernels/skip-zeros';
import { rng_seed, uniform_fill, RNG_STATE_BYTES } from './kernels/gaussian';
import {
  STATE_BYTES, STATE_HEADER_BYTES, STREAMS, STREAM_INIT, STREAM_RECORD_BYTES, GENERATOR_BYTES, SYNC_BYTES, LAYER_DENSE,
  LAYER_SPEC_FIELDS, SPEC_KIND, SPEC_IN_C, SPEC_IN_H, SPEC_IN_W, SPEC_OUT_C, SPEC_OUT_H, SPEC_OUT_W, SPEC_KERNEL_H,
  SPEC_KERNEL_W, SPEC_STRIDE, SPEC_PADDING, SPEC_ACTIVATED,
} from './abi';
import { convFanIn, convScratchBytes } from './jobs/conv-layers';
import { LIKELIHOODS, LIKELIHOOD_RECORD_BYTES, likelihoods, likelihoodInit, tableTensors, logvarIn } from './likelihood-model';
import { LIKELIHOOD_TABLE } from './abi';

// The ABI's record sizes are the ones the kernels and the barrier use: a mismatch is a compile error.
if (RNG_STATE_BYTES != <usize>GENERATOR_BYTES) ERROR('abi.ts GENERATOR_BYTES is not kernels/gaussian.ts RNG_STATE_BYTES');
if (STATE_BYTES != STATE_HEADER_BYTES + STREAMS * STREAM_RECORD_BYTES) ERROR('abi.ts STATE_BYTES does not add up');
if (BARRIER_BYTES != <usize>SYNC_BYTES) ERROR('abi.ts SYNC_BYTES is not ~lib/barrier BARRIER_BYTES');

// The state record (step, seed, one record per RNG stream) is laid out as abi.ts says.
const RNG_RECORD = <usize>STREAM_RECORD_BYTES;

// The divergence guard. Log-variances are clamped to [LOGVAR_MIN, LOGVAR_MAX] where the encoder produces them
// (the bounds of Stable Diffusion's DiagonalGaussianDistribution): σ² stays within [e⁻³⁰, e²⁰], so exp(logVar) in
// the KL and σ = exp(½·logVar) can neither overflow nor vanish. A step whose loss is not finite, or whose
// gradient holds a value beyond ±GRADIENT_LIMIT (NaN and ±∞ included), is skipped before Adam runs; the limit
// keeps g², and with it Adam's second moment, finite in f32 (1e19² = 1e38 < 3.4e38).
export { LOGVAR_MIN, LOGVAR_MAX } from './abi'; // abi.ts: the facade clamps decoder log-variances the same way
export const GRADIENT_LIMIT: f32 = 1e19;

/**
 * Jobs hand out work in chunks (jobs/schedule.ts): at least 16 rows of the batch, or 64 columns of a weight
 * gradient. Alone, a product over 16 rows runs within 2% of one over 128 (measured).
 */
export const CHUNK_ROWS: i32 = 16;
export const CHUNK_COLUMNS: i32 = 64;

// Layer record fields (u32 each): where its tensors live, then its spec (abi.ts SPEC_*) from SPEC on. FAN_IN and
// FAN_OUT are the values per example in and out (C·H·W); a dense layer's weight is (FAN_OUT, FAN_IN).
export const FAN_IN = 0, FAN_OUT = 1, WEIGHT = 2, BIAS = 3, WEIGHT_GRAD = 4, BIAS_GRAD = 5, INPUT = 6, OUTPUT = 7,
  INPUT_GRAD = 8, OUTPUT_GRAD = 9, ACCUMULATE_DX = 10, WEIGHT_FLOATS = 11, SPEC = 12;
export const KIND = SPEC + SPEC_KIND, IN_C = SPEC + SPEC_IN_C, IN_H = SPEC + SPEC_IN_H, IN_W = SPEC + SPEC_IN_W,
  OUT_C = SPEC + SPEC_OUT_C, OUT_H = SPEC + SPEC_OUT_H, OUT_W = SPEC + SPEC_OUT_W, KERNEL_H = SPEC + SPEC_KERNEL_H,
  KERNEL_W = SPEC + SPEC_KERNEL_W, STRIDE = SPEC + SPEC_STRIDE, PADDING = SPEC + SPEC_PADDING, ACTIVATED = SPEC + SPEC_ACTIVATED;
const FIELDS = SPEC + LAYER_SPEC_FIELDS;

/** A layer's spec record (abi.ts SPEC_*), read in place through specOf: the fields in SPEC_* order. */
@unmanaged export class LayerSpec {
  kind: i32; inC: i32; inH: i32; inW: i32; outC: i32; outH: i32; outW: i32;
  kernelH: i32; kernelW: i32; stride: i32; padding: i32; activated: i32;
}
if (offsetof<LayerSpec>() != <usize>LAYER_SPEC_FIELDS << 2 || offsetof<LayerSpec>('padding') != <usize>SPEC_PADDING << 2) {
  ERROR('model.ts LayerSpec does not follow abi.ts SPEC_*');
}

/** The model's record: its configuration, where each region lives, and the job the threads run next. */
@unmanaged export class Layout {
  inputDim: i32; latentDim: i32; encoderLayers: i32; activation: i32; likelihood: i32; conditionDim: i32;
  layerCount: i32; paramFloats: i32; capacity: i32;
  joinAt: i32;           // the layer the condition joins (the encoder's first dense layer)
  poolSize: i32;         // the most threads a job of this model runs on (each has its convolution scratch)
  widestIn: i32;         // the largest fan-in of a dense layer (the stride of the zero-skipping lists' row records)
  skipPolicy: i32;       // kernels/dense.ts SKIP_*: the results are the same bits under every policy
  state: usize; layers: usize; sync: usize;
  decisions: usize;      // i32 per layer: whether its weight gradient skips zeros in this job (0: not decided yet)
  params: usize; grads: usize; adamM: usize; adamV: usize;
  wt: usize;             // each layer's Wᵀ (the forward's B operand), at its weight's offset in the block
  results: usize;        // f64 × 4: loss, reconstruction, kl, KL objective (per example for a step; sums for evaluate)
  activationsMark: usize; carveTop: usize;
  xBuf: usize; mu: usize; logvar: usize; eps: usize; z: usize; dmu: usize; dlogvar: usize; dz: usize;
  logits: usize; dlogits: usize;
  lists: usize;          // zero-skipping scratch (kernels/skip-zeros.ts); each share uses its own records
  conditions: usize; joinedX: usize; djoinedX: usize; joinedZ: usize; djoinedZ: usize; // (B, C), (B, in+C) ×2, (B, L+C) ×2
  convScratch: usize; convScratchBytes: usize; // one region per thread for the convolution kernels
  rowNll: usize; rowKl: usize; rowWeight: usize; rowMax: usize; rowSum: usize; rowOut: usize; // f64 × B each
  // The job (model_prepare): what model_run does next, and the step's applied flag.
  job: i32; batch: i32; samples: i32; applied: i32;
  beta: f32; lr: f32; beta1: f32; beta2: f32; epsilon: f32; freeBits: f64;
}

/** This instance's view of the model (every instance of a pool points at the same record). */
export let M: Layout = changetype<Layout>(0);

// Not @inline: the layer table is read a few times per layer per step, and inlining it into init and reserve
// costs kilobytes of wasm (the bundle budget) for no measurable speed.
export function field(layer: i32, f: i32): usize {
  return <usize>load<u32>(M.layers + ((<usize>(layer * FIELDS + f)) << 2));
}
function setField(layer: i32, f: i32, value: usize): void {
  store<u32>(M.layers + ((<usize>(layer * FIELDS + f)) << 2), <u32>value);
}
/** Layer l's spec record, in place (valid while the model lives). */
export function specOf(l: i32): LayerSpec { return changetype<LayerSpec>(M.layers + ((<usize>(l * FIELDS + SPEC)) << 2)); }
export function meanLayer(): i32 { return M.encoderLayers; }
export function logvarLayer(): i32 { return M.encoderLayers + 1; }
export function firstDecoderLayer(): i32 { return M.encoderLayers + 2; }
export function outLayer(): i32 { return M.layerCount - 1; }
export function isDense(l: i32): bool { return field(l, KIND) == LAYER_DENSE; }
function floats(n: i32): usize { return (<usize>n + 3) & ~(<usize>3); } // tensors start 16-byte aligned
export function stream(s: i32): usize { return M.state + <usize>STATE_HEADER_BYTES + RNG_RECORD * <usize>s; }
/** Layer l's Wᵀ (in, out) in the transposed block. */
export function transposedWeight(l: i32): usize { return M.wt + (field(l, WEIGHT) - M.params); }

/**
 * Lays out the model from its layer table (`count` records of abi.ts LAYER_SPEC_FIELDS u32 at `spec`, in model
 * order, the first `encoderLayers` of them the encoder's) and initialises it like PyTorch's nn.Linear, nn.Conv2d and
 * nn.ConvTranspose2d. `poolSize` threads get convolution scratch. 0 on failure.
 */
export function model_init(
  spec: usize, count: i32, encoderLayers: i32, joinAt: i32, inDim: i32, latent: i32, act: i32, lik: i32, seed: u32, cond: i32, poolSize: i32
): i32 {
  const record = arena_alloc(offsetof<Layout>() + LIKELIHOOD_RECORD_BYTES); // the likelihood table's record follows
  if (record == 0) return 0;
  M = changetype<Layout>(record);
  M.inputDim = inDim; M.latentDim = latent; M.encoderLayers = encoderLayers; M.activation = act; M.likelihood = lik;
  M.conditionDim = cond; M.skipPolicy = SKIP_AUTO; M.joinAt = joinAt; M.poolSize = poolSize;
  M.layerCount = count;
  M.state = arena_alloc(<usize>STATE_BYTES);
  M.layers = arena_alloc(<usize>(count * FIELDS) << 2);
  M.sync = arena_alloc(BARRIER_BYTES);
  M.decisions = arena_alloc(<usize>count << 2);
  if (M.state == 0 || M.layers == 0 || M.sync == 0 || M.decisions == 0) return 0;
  store<u32>(M.state + 4, seed);
  for (let s = 0; s < STREAMS; s++) rng_seed(stream(s), seed, <u32>s);
  for (let l = 0; l < count; l++) defineLayer(l, spec + ((<usize>(l * LAYER_SPEC_FIELDS)) << 2));
  setField(meanLayer(), ACCUMULATE_DX, 1); // backward runs logvar first, then mean adds into the same dx

  // Parameter block: weight then bias per layer, each tensor 16-byte aligned.
  let offset: usize = 0;
  for (let l = 0; l < count; l++) {
    setField(l, WEIGHT, offset); offset += floats(<i32>field(l, WEIGHT_FLOATS));
    setField(l, BIAS, offset); offset += floats(<i32>field(l, OUT_C));
  }
  // A likelihood table follows the layer records; its decoder.logvar (initialised to 0) follows the layers' tensors.
  if (LIKELIHOODS && lik == LIKELIHOOD_TABLE) {
    const end = likelihoodInit(spec + ((<usize>(count * LAYER_SPEC_FIELDS)) << 2), <i32>offset);
    if (end < 0) return 0;
    offset = <usize>end;
  }
  M.paramFloats = <i32>offset;
  const bytes = offset << 2;
  M.params = arena_alloc(bytes); M.grads = arena_alloc(bytes); M.adamM = arena_alloc(bytes); M.adamV = arena_alloc(bytes);
  M.wt = arena_alloc(bytes);
  M.results = arena_alloc(32);
  if (M.params == 0 || M.grads == 0 || M.adamM == 0 || M.adamV == 0 || M.wt == 0 || M.results == 0) return 0;
  let scratch: usize = 0;
  // @ts-ignore: CONV_LAYERS is asc's --use constant (asconfig.json)
  if (CONV_LAYERS) for (let l = 0; l < count; l++) if (!isDense(l)) scratch = max(scratch, convScratchBytes(l));
  M.convScratchBytes = scratch;
  if (scratch > 0 && (M.convScratch = arena_alloc(scratch * <usize>poolSize)) == 0) return 0;
  for (let l = 0; l < count; l++) {
    const w = field(l, WEIGHT) << 2, b = field(l, BIAS) << 2;
    setField(l, WEIGHT_GRAD, M.grads + w); setField(l, BIAS_GRAD, M.grads + b);
    setField(l, WEIGHT, M.params + w); setField(l, BIAS, M.params + b);
    // reset_parameters of nn.Linear, nn.Conv2d and nn.ConvTranspose2d: weight and bias ~ U(−1/√fan_in, 1/√fan_in),
    // fan_in = in (Linear), in·kH·kW (Conv2d), out·kH·kW (ConvTranspose2d: its weight's second dimension).
    // @ts-ignore: asc's --use constant
    const fanIn = CONV_LAYERS && !isDense(l) ? convFanIn(l) : <i32>field(l, FAN_IN);
    const bound = <f32>(1.0 / Math.sqrt(<f64>fanIn));
    uniform_fill(field(l, WEIGHT), <i32>field(l, WEIGHT_FLOATS), stream(STREAM_INIT), -bound, bound);
    uniform_fill(field(l, BIAS), <i32>field(l, OUT_C), stream(STREAM_INIT), -bound, bound);
  }
  // uniform_fill pads to whole vectors: clear what it wrote past each tensor so the block is deterministic.
  clearParameterPadding();
  M.activationsMark = arena_mark();
  return 1;
}

/** Points this instance at a model that another instance on the same (shared) memory laid out. */
export function model_attach(record: usize): void {
  M = changetype<Layout>(record);
}

/** The model's record, for model_attach. */
export function model_layout(): usize { return changetype<usize>(M); }

/** Copies layer l's spec record and derives its sizes: values per example in and out, and its weight's floats. */
function defineLayer(l: i32, spec: usize): void {
  for (let f = 0; f < LAYER_SPEC_FIELDS; f++) setField(l, SPEC + f, load<u32>(spec + (<usize>f << 2)));
  const inC = field(l, IN_C), outC = field(l, OUT_C);
  setField(l, FAN_IN, inC * field(l, IN_H) * field(l, IN_W));
  setField(l, FAN_OUT, outC * field(l, OUT_H) * field(l, OUT_W));
  setField(l, WEIGHT_FLOATS, isDense(l) ? inC * outC : inC * outC * field(l, KERNEL_H) * field(l, KERNEL_W));
  setField(l, ACCUMULATE_DX, 0);
}

function clearParameterPadding(): void {
  const layerCount = M.layerCount;
  for (let l = 0; l < layerCount; l++) {
    const wEnd = field(l, WEIGHT) + (field(l, WEIGHT_FLOATS) << 2);
    memory.fill(wEnd, 0, field(l, BIAS) - wEnd);
    const bEnd = field(l, BIAS) + (field(l, OUT_C) << 2);
    const next = l + 1 < layerCount ? field(l + 1, WEIGHT) : M.params + (<usize>M.paramFloats << 2);
    memory.fill(bEnd, 0, next - bEnd);
  }
}

/** Ensures activations for `batch` examples; re-lays them above the parameters when it grows. 0 on failure. */
export function model_reserve(batch: i32): i32 {
  if (batch <= M.capacity) return 1;
  // Every buffer is carved from one region: pointers first, then one arena_alloc grows and zeroes it all
  // (one call site instead of ~30 inlined copies of the allocator: kilobytes of wasm).
  const mark = M.activationsMark, layerCount = M.layerCount;
  arena_reset(mark);
  M.carveTop = mark;
  const rows = <usize>batch, D = <usize>M.inputDim, L = <usize>M.latentDim;
  M.xBuf = carve(rows * (D << 2));
  const P = LIKELIHOODS ? field(outLayer(), FAN_OUT) : D; // the likelihood's parameters per example (P ≥ D)
  M.logits = carve(rows * (P << 2));
  M.dlogits = carve(rows * (P << 2));
  if (LIKELIHOODS && likelihoods().blocks > 0) {
    likelihoods().dsRows = carve(rows * (<usize>likelihoods().logvarFloats << 2));
    likelihoods().uniforms = carve(rows * (D << 2));
  }
  const latentBytes = rows * (L << 2);
  M.mu = carve(latentBytes); M.logvar = carve(latentBytes); M.eps = carve(latentBytes); M.z = carve(latentBytes);
  M.dmu = carve(latentBytes); M.dlogvar = carve(latentBytes); M.dz = carve(latentBytes);
  // Zero-skipping lists: the rows form for the widest layer (each 4-row block has its records, so row chunks never
  // share one), or the panels form of one column chunk per thread (jobs/schedule.ts columnLists).
  let widest = 0;
  for (let l = 0; l < layerCount; l++) if (isDense(l)) widest = max(widest, <i32>field(l, FAN_IN));
  M.widestIn = widest;
  M.lists = carve(max(skip_list_bytes(batch, 0, widest), <usize>MAX_POOL * skip_list_bytes(0, CHUNK_COLUMNS, batch)));
  M.rowNll = carve(rows << 3); M.rowKl = carve(rows << 3); M.rowWeight = carve(rows << 3); M.rowMax = carve(rows << 3);
  M.rowSum = carve(rows << 3); M.rowOut = carve(rows << 3);
  const C = <usize>M.conditionDim;
  const join = M.joinAt;
  if (C > 0) {
    M.conditions = carve(rows * (C << 2));
    M.joinedX = carve(rows * (field(join, FAN_IN) << 2));
    M.joinedZ = carve(rows * ((L + C) << 2));
    M.djoinedZ = carve(rows * ((L + C) << 2));
    if (join > 0) M.djoinedX = carve(rows * (field(join, FAN_IN) << 2));
  }
  // Hidden activations and their gradients.
  for (let l = 0; l < layerCount; l++) {
    if (field(l, ACTIVATED) == 0) continue;
    setField(l, OUTPUT, carve(rows * (field(l, FAN_OUT) << 2)));
    setField(l, OUTPUT_GRAD, carve(rows * (field(l, FAN_OUT) << 2)));
  }
  if (arena_alloc(M.carveTop - mark) != mark) { M.capacity = 0; return 0; }
  // Wire each layer's input to the previous output; the condition's layers to the joined buffers.
  const E = M.encoderLayers, first = firstDecoderLayer(), o = outLayer();
  for (let l = 0; l <= logvarLayer(); l++) {
    const from = l <= E ? l - 1 : E - 1; // both heads read the encoder's output
    if (C > 0 && (l == join || (l == logvarLayer() && join == meanLayer()))) {
      wire(l, M.joinedX, join > 0 ? M.djoinedX : 0);
    } else {
      wire(l, from < 0 ? M.xBuf : field(from, OUTPUT), from < 0 ? 0 : field(from, OUTPUT_GRAD));
    }
  }
  setField(meanLayer(), OUTPUT, M.mu); setField(meanLayer(), OUTPUT_GRAD, M.dmu);
  setField(logvarLayer(), OUTPUT, M.logvar); setField(logvarLayer(), OUTPUT_GRAD, M.dlogvar);
  wire(first, C > 0 ? M.joinedZ : M.z, C > 0 ? M.djoinedZ : M.dz);
  for (let l = first + 1; l <= o; l++) wire(l, field(l - 1, OUTPUT), field(l - 1, OUTPUT_GRAD));
  setField(o, OUTPUT, M.logits); setField(o, OUTPUT_GRAD, M.dlogits);
  M.capacity = batch;
  return 1;
}

function wire(l: i32, input: usize, inputGrad: usize): void {
  setField(l, INPUT, input); setField(l, INPUT_GRAD, inputGrad);
}

/** The next `bytes` (rounded up to 16) of the region model_reserve lays out; arena_alloc then backs them. */
function carve(bytes: usize): usize {
  const p = M.carveTop;
  M.carveTop += (bytes + 15) & ~(<usize>15);
  return p;
}

/** Sets the zero-skipping policy (kernels/dense.ts SKIP_*). Every policy gives the same bits; tests prove it. */
export function model_set_skip_policy(policy: i32): void {
  M.skipPolicy = policy;
}

/** Restarts a stream from the model's seed (evaluate() does, so the same call gives the same number). */
export function model_reseed(s: i32): void {
  rng_seed(stream(s), load<u32>(M.state + 4), <u32>s);
}

export function model_stream(s: i32): usize { return stream(s); }
export function model_state(): usize { return M.state; }
export function model_state_bytes(): i32 { return STATE_BYTES; }
export function model_parameters(): usize { return M.params; }
export function model_adam_m(): usize { return M.adamM; }
export function model_adam_v(): usize { return M.adamV; }
export function model_step(): i32 { return load<i32>(M.state); }
export function model_parameter_floats(): i32 { return M.paramFloats; }
export function model_results(): usize { return M.results; }
export function model_input(): usize { return M.xBuf; }
export function model_conditions(): usize { return M.conditions; }
export function model_row_results(): usize { return M.rowOut; }
export function model_mean(): usize { return M.mu; }
export function model_logvar(): usize { return M.logvar; }
export function model_eps(): usize { return M.eps; }
export function model_latent(): usize { return M.z; }
export function model_output(): usize { return M.logits; }
export function model_capacity(): i32 { return M.capacity; }
/** The barrier record (~lib/barrier) the host also uses to hand out jobs (src/wasm/threads/). */
export function model_sync(): usize { return M.sync; }

// Tensors in file order: for each layer its weight ((out, in), or PyTorch's convolution layouts) then its bias (out).
// A likelihood table's decoder.logvar comes last (likelihood-model.ts).
export function model_tensor_count(): i32 { return M.layerCount * 2 + (LIKELIHOODS ? tableTensors() : 0); }
export function model_tensor_ptr(t: i32): usize {
  if (LIKELIHOODS && t == M.layerCount * 2) return logvarIn(M.params);
  return field(t >> 1, (t & 1) == 0 ? WEIGHT : BIAS);
}
export function model_tensor_grad_ptr(t: i32): usize {
  if (LIKELIHOODS && t == M.layerCount * 2) return logvarIn(M.grads);
  return field(t >> 1, (t & 1) == 0 ? WEIGHT_GRAD : BIAS_GRAD);
}
export function model_tensor_floats(t: i32): i32 {
  if (LIKELIHOODS && t == M.layerCount * 2) return likelihoods().logvarFloats;
  return <i32>field(t >> 1, (t & 1) == 0 ? WEIGHT_FLOATS : OUT_C);
}
