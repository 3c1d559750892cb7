// The jobs a model runs: a training step, its gradients alone, evaluation, encode, decode, sample and the IWAE
// bound. Each is written once for `threads` threads that share the model's memory (the pool of src/threads/),
// and the single-threaded exports at the end run the same code with threads = 1.
//
// The split never changes a value: every output is computed by one thread, by the same kernel, from the same
// operands in the same order as on one thread, so the bytes do not depend on the thread count.
//   Row shares. The batch is cut into blocks of 4 rows and thread t takes blocks [t·n/T, (t+1)·n/T). A row's
//     forward pass, its losses and its input gradients (dx) read only that row, so a thread runs all of them for
//     its rows without waiting. Whole blocks keep a share's element count a multiple of 4 (except at the batch's
//     end), so the padded writes of element-wise kernels (kernels/padding.ts) stay inside the share.
//   Column shares. Weight gradients dW = dyᵀ·x sum over every row, so they wait for all rows (one barrier) and
//     split dW's columns instead, in units of 16 (a cache line); bias gradients split their columns the same way.
//   Thread 0 alone: drawing ε (one stream, in order), the per-row losses summed in row order, and the free-bits
//     mask (a batch-wide mean per latent dimension). Other threads meanwhile wait at a barrier.
//   The guard and Adam split the parameter block: each thread checks its share, they meet at a barrier, and only
//     if every share passed does each thread apply Adam to its share, so no element is touched out of order.
// A training step has 4 barriers (6 with free bits): after ε and the transposes, before the weight gradients,
// before the results are summed, and between the guard and Adam.
import {
  M, field, stream, transposedWeight, meanLayer, logvarLayer, firstDecoderLayer, outLayer,
  IN, OUT, B, DW, DB, X, Y, DX, DY, ACT, ACCUMULATE_DX, W,
  BERNOULLI, STREAM_TRAIN, STREAM_SAMPLE, STREAM_EVAL, LOGVAR_MIN, LOGVAR_MAX, GRADIENT_LIMIT,
} from './model';
import { barrier } from '~lib/barrier';
import { LANES } from '~lib/lanes';
import { transpose_rows, dense_forward_transposed, dense_backward_input, dense_weight_gradient, column_sums_strided } from './kernels/dense';
import { EPILOGUE_NONE, EPILOGUE_RELU, EPILOGUE_LEAKY_RELU } from './kernels/gemm';
import { activation_forward, activation_backward, clamp_forward, clamp_backward, fusable, RELU, SIGMOID } from './kernels/activations';
import { first_outside } from './kernels/checks';
import { normal_fill, reparameterize_forward, reparameterize_backward } from './kernels/gaussian';
import { bernoulli_logits_loss, gaussian_unit_loss, kl_backward } from './kernels/losses';
import { adam_step } from './kernels/optim';
import {
  kl_rows, log_weight_rows, logsumexp_update, logmeanexp_finish, free_bits_backward, concat_rows, take_columns,
} from './kernels/estimators';

// Job kinds (model_prepare); src/threads/ hands the same numbers to its workers.
export const JOB_TRAIN: i32 = 1;
export const JOB_GRADIENTS: i32 = 2;
export const JOB_EVALUATE: i32 = 3;
export const JOB_ENCODE: i32 = 4;
export const JOB_ENCODE_SAMPLE: i32 = 5;
export const JOB_DECODE: i32 = 6;
export const JOB_DECODE_MEAN: i32 = 7;
export const JOB_SAMPLE: i32 = 8;
export const JOB_LOG_LIKELIHOOD: i32 = 9;

// This instance's place in the running job.
let tid = 0, threads = 1;

function sync(): void { barrier(M.sync, threads); }

/** Thread t's first unit of `units` split evenly (t = threads gives the end). */
function shareOf(units: i32, t: i32): i32 { return <i32>((<i64>units * <i64>t) / <i64>threads); }
function rowStart(batch: i32): i32 { return min(batch, shareOf((batch + 3) >> 2, tid) << 2); }
function rowEnd(batch: i32): i32 { return min(batch, shareOf((batch + 3) >> 2, tid + 1) << 2); }
// Column shares (and the transposes' row shares) come in units of 16 floats, one cache line, so that two threads
// never write the same line: false sharing on every row of a 784×400 block cost ≈ 0.15 ms per job when measured.
function columnStart(n: i32): i32 { return min(n, shareOf((n + 15) >> 4, tid) << 4); }
function columnEnd(n: i32): i32 { return min(n, shareOf((n + 15) >> 4, tid + 1) << 4); }
/** Byte offset of row r of a (B, width) f32 buffer. */
function rowAt(r: i32, width: i32): usize { return (<usize>r * <usize>width) << 2; }

/**
 * This thread's share of the list scratch for the forward of one row share: records of the rows form sit at their
 * 4-row block's index times the widest layer's record, so shares never overlap whichever layers they are at.
 */
function rowLists(r0: i32): usize {
  let widest: usize = 0;
  for (let l = 0; l < M.layerCount; l++) widest = max(widest, field(l, IN));
  return M.lists + <usize>(r0 >> 2) * ((widest + 1) << 2);
}

/** The same for a column share of the weight gradients: records (B + 1 i32 each) from t·⌈panels/T⌉. */
function columnLists(batch: i32): usize {
  let widest: i32 = 0;
  for (let l = 0; l < M.layerCount; l++) widest = max(widest, <i32>field(l, IN));
  const panels = widest / (2 * LANES), each = (panels + threads - 1) / threads;
  return M.lists + <usize>(tid * each) * ((<usize>batch + 1) << 2);
}

/** This thread's rows of each W in layers [first, last], transposed into the Wᵀ block. */
function transposeShares(first: i32, last: i32): void {
  for (let l = first; l <= last; l++) {
    const inDim = <i32>field(l, IN), outDim = <i32>field(l, OUT);
    const r0 = columnStart(outDim), r1 = columnEnd(outDim); // W's rows are Wᵀ's columns
    if (r1 > r0) transpose_rows(transposedWeight(l) + (<usize>r0 << 2), outDim, field(l, W) + rowAt(r0, inDim), r1 - r0, inDim);
  }
}

function layerForwardRows(l: i32, r0: i32, r1: i32): void {
  const inDim = <i32>field(l, IN), outDim = <i32>field(l, OUT), rows = r1 - r0;
  // ReLU and leaky ReLU are applied by gemm to each finished tile (no second pass over y); tanh and sigmoid after.
  const act = field(l, ACT) != 0, fused = act && fusable(M.activation);
  const epilogue = !fused ? EPILOGUE_NONE : M.activation == RELU ? EPILOGUE_RELU : EPILOGUE_LEAKY_RELU;
  const y = field(l, Y) + rowAt(r0, outDim);
  dense_forward_transposed(y, field(l, X) + rowAt(r0, inDim), transposedWeight(l), field(l, B), rowLists(r0), rows, inDim, outDim, epilogue, M.skipPolicy);
  if (act && !fused) activation_forward(M.activation, y, rows * outDim);
}

/** The row part of a layer's backward: the activation's mask on dy, then dx = dy·W for the share's rows. */
function layerBackwardRows(l: i32, r0: i32, r1: i32): void {
  const inDim = <i32>field(l, IN), outDim = <i32>field(l, OUT), rows = r1 - r0;
  const dy = field(l, DY) + rowAt(r0, outDim);
  if (field(l, ACT) != 0) activation_backward(M.activation, dy, field(l, Y) + rowAt(r0, outDim), rows * outDim);
  if (field(l, DX) != 0) dense_backward_input(field(l, DX) + rowAt(r0, inDim), dy, field(l, W), rows, inDim, outDim, field(l, ACCUMULATE_DX) != 0);
}

/** The column part: this thread's columns of dW = dyᵀ·x over the whole batch, and its columns of db = Σ dy. */
function layerWeightGradientShare(l: i32, batch: i32): void {
  const inDim = <i32>field(l, IN), outDim = <i32>field(l, OUT);
  const c0 = columnStart(inDim), c1 = columnEnd(inDim);
  if (c1 > c0) {
    dense_weight_gradient(field(l, DW) + (<usize>c0 << 2), field(l, DY), field(l, X) + (<usize>c0 << 2), columnLists(batch),
      batch, inDim, outDim, c1 - c0, false, M.skipPolicy);
  }
  const o0 = columnStart(outDim), o1 = columnEnd(outDim);
  if (o1 > o0) column_sums_strided(field(l, DB) + (<usize>o0 << 2), field(l, DY) + (<usize>o0 << 2), outDim, batch, o1 - o0, false);
}

/** Encoder for rows [r0, r1): x → (μ, logVar), logVar clamped (see model.ts, the divergence guard). */
function encodeRows(r0: i32, r1: i32): void {
  if (r1 <= r0) return;
  const D = M.inputDim, C = M.conditionDim, L = M.latentDim;
  if (C > 0) concat_rows(M.joinedX + rowAt(r0, D + C), M.xBuf + rowAt(r0, D), D, M.conditions + rowAt(r0, C), C, r1 - r0);
  for (let l = 0; l <= logvarLayer(); l++) layerForwardRows(l, r0, r1);
  clamp_forward(M.logvar + rowAt(r0, L), (r1 - r0) * L, LOGVAR_MIN, LOGVAR_MAX);
}

/** Decoder for rows [r0, r1): z → logits (or Gaussian means); with `mean`, the likelihood's mean applied. */
function decodeRows(r0: i32, r1: i32, mean: bool): void {
  if (r1 <= r0) return;
  const D = M.inputDim, C = M.conditionDim, L = M.latentDim;
  if (C > 0) concat_rows(M.joinedZ + rowAt(r0, L + C), M.z + rowAt(r0, L), L, M.conditions + rowAt(r0, C), C, r1 - r0);
  for (let l = firstDecoderLayer(); l <= outLayer(); l++) layerForwardRows(l, r0, r1);
  if (mean && M.likelihood == BERNOULLI) activation_forward(SIGMOID, M.logits + rowAt(r0, D), (r1 - r0) * D);
}

/** z = μ + σ·ε for rows [r0, r1). */
function reparameterizeRows(r0: i32, r1: i32): void {
  const L = M.latentDim, o = rowAt(r0, L);
  if (r1 > r0) reparameterize_forward(M.z + o, M.mu + o, M.logvar + o, M.eps + o, (r1 - r0) * L);
}

/** rowNll[r] = −log p(x_r | z_r) from the last decode's logits, and its gradient ×scale into dlogits. */
function reconstructionRows(r0: i32, r1: i32, scale: f32): void {
  const D = M.inputDim;
  for (let r = r0; r < r1; r++) {
    const o = rowAt(r, D);
    const nll = M.likelihood == BERNOULLI
      ? bernoulli_logits_loss(M.dlogits + o, M.logits + o, M.xBuf + o, D, scale)
      : gaussian_unit_loss(M.dlogits + o, M.logits + o, M.xBuf + o, D, scale);
    store<f64>(M.rowNll + (<usize>r << 3), nll);
  }
}

/** One posterior sample per row through the losses: rowNll and rowKl for rows [r0, r1) (ε already drawn). */
function forwardLossRows(r0: i32, r1: i32, scale: f32): void {
  encodeRows(r0, r1);
  reparameterizeRows(r0, r1);
  decodeRows(r0, r1, false);
  reconstructionRows(r0, r1, scale);
  if (r1 > r0) kl_rows(M.rowKl + (<usize>r0 << 3), M.mu + rowAt(r0, M.latentDim), M.logvar + rowAt(r0, M.latentDim), r1 - r0, M.latentDim);
}

/** Σ of `rows` f64 in row order: the same sum whatever the shares were. */
function sumRows(p: usize, rows: i32): f64 {
  let s: f64 = 0;
  for (let r = 0; r < rows; r++) s += load<f64>(p + (<usize>r << 3));
  return s;
}

/**
 * Forward and backward: the gradients of (1/batch)·Σ(reconstruction + β·KL) overwrite the gradient block (every
 * weight and bias gradient is written once, so it is not zeroed first). Results hold per-example means.
 */
function gradientsJob(): void {
  const batch = M.batch, L = M.latentDim, C = M.conditionDim, beta = M.beta;
  const scale = <f32>(1.0 / <f64>batch);
  if (tid == 0) normal_fill(M.eps, batch * L, stream(STREAM_TRAIN));
  transposeShares(0, outLayer());
  sync();
  const r0 = rowStart(batch), r1 = rowEnd(batch), rows = r1 - r0, o = rowAt(r0, L);
  forwardLossRows(r0, r1, scale);
  for (let l = outLayer(); l >= firstDecoderLayer(); l--) if (rows > 0) layerBackwardRows(l, r0, r1);
  if (C > 0 && rows > 0) take_columns(M.dz + o, M.djoinedZ + rowAt(r0, L + C), rows, L + C, L);
  if (rows > 0) kl_backward(M.dmu + o, M.dlogvar + o, M.mu + o, M.logvar + o, rows * L, beta * scale);
  if (M.freeBits > 0) {
    sync();
    // results[3]: the KL term the gradient is of, per example: Σⱼ max(λ, KLⱼ) under free bits.
    if (tid == 0) store<f64>(M.results, free_bits_backward(M.dmu, M.dlogvar, M.mu, M.logvar, batch, L, M.freeBits), 24);
    sync();
  }
  if (rows > 0) {
    reparameterize_backward(M.dmu + o, M.dlogvar + o, M.dz + o, M.logvar + o, M.eps + o, rows * L);
    clamp_backward(M.dlogvar + o, M.logvar + o, rows * L, LOGVAR_MIN, LOGVAR_MAX);
    for (let l = logvarLayer(); l >= 0; l--) layerBackwardRows(l, r0, r1);
  }
  sync();
  for (let l = 0; l < M.layerCount; l++) layerWeightGradientShare(l, batch);
  sync();
  if (tid == 0) {
    const rec = sumRows(M.rowNll, batch) / <f64>batch, kl = sumRows(M.rowKl, batch) / <f64>batch;
    if (M.freeBits <= 0) store<f64>(M.results, kl, 24);
    store<f64>(M.results, rec + <f64>beta * kl, 0);
    store<f64>(M.results, rec, 8);
    store<f64>(M.results, kl, 16);
  }
}

/** 1 when the last computed loss and gradients pass the divergence guard (model.ts GRADIENT_LIMIT), else 0. */
export function model_gradients_finite(): i32 {
  return i32(isFinite<f64>(load<f64>(M.results, 0))) & i32(first_outside(M.grads, M.paramFloats, -GRADIENT_LIMIT, GRADIENT_LIMIT) < 0);
}

/** Adam over the whole parameter block with the current gradients; advances the step count. */
export function model_apply_adam(lr: f32, beta1: f32, beta2: f32, epsilon: f32): void {
  const t = load<i32>(M.state) + 1;
  store<i32>(M.state, t);
  adam_step(M.params, M.grads, M.adamM, M.adamV, M.paramFloats, lr, beta1, beta2, epsilon, t);
}

/**
 * The divergence guard, then Adam, each thread on its share of the parameter block (units of 16 floats; Adam is
 * element-wise, so shares change no bit). The step is applied only when the loss is finite and every share of the
 * gradient lies within ±GRADIENT_LIMIT; thread 0 then advances the step count.
 */
function guardedAdam(step: i32): void {
  const n = M.paramFloats, p0 = columnStart(n), p1 = columnEnd(n), at = <usize>p0 << 2;
  store<i32>(M.guard + (<usize>tid << 2), i32(first_outside(M.grads + at, p1 - p0, -GRADIENT_LIMIT, GRADIENT_LIMIT) < 0));
  sync();
  let ok = i32(isFinite<f64>(load<f64>(M.results, 0)));
  for (let t = 0; t < threads; t++) ok &= load<i32>(M.guard + (<usize>t << 2));
  if (ok && p1 > p0) adam_step(M.params + at, M.grads + at, M.adamM + at, M.adamV + at, p1 - p0, M.lr, M.beta1, M.beta2, M.epsilon, step);
  if (tid == 0) {
    M.applied = ok;
    if (ok) store<i32>(M.state, step);
  }
}

/** Negative-ELBO terms summed over the batch with ε from the evaluation stream (results[1], results[2]). */
function evaluateJob(): void {
  const batch = M.batch;
  if (tid == 0) normal_fill(M.eps, batch * M.latentDim, stream(STREAM_EVAL));
  transposeShares(0, outLayer());
  sync();
  forwardLossRows(rowStart(batch), rowEnd(batch), 0);
  sync();
  if (tid == 0) {
    store<f64>(M.results, sumRows(M.rowNll, batch), 8);
    store<f64>(M.results, sumRows(M.rowKl, batch), 16);
  }
}

/**
 * Per-row estimates of log p(x) into rowOut (f64 each), with ε from the evaluation stream: for k = 1 the ELBO with
 * the closed-form KL; for k > 1 the importance-weighted bound L_k (kernels/estimators.ts).
 */
function logLikelihoodJob(): void {
  const batch = M.batch, k = M.samples, L = M.latentDim;
  transposeShares(0, outLayer());
  sync();
  const r0 = rowStart(batch), r1 = rowEnd(batch), rows = r1 - r0, o = rowAt(r0, L), at = <usize>r0 << 3;
  encodeRows(r0, r1);
  for (let r = r0; r < r1; r++) { store<f64>(M.rowMax + (<usize>r << 3), -Infinity); store<f64>(M.rowSum + (<usize>r << 3), 0); }
  for (let i = 0; i < k; i++) {
    if (tid == 0) normal_fill(M.eps, batch * L, stream(STREAM_EVAL));
    sync();
    reparameterizeRows(r0, r1);
    decodeRows(r0, r1, false);
    reconstructionRows(r0, r1, 0);
    if (rows > 0 && k == 1) {
      kl_rows(M.rowWeight + at, M.mu + o, M.logvar + o, rows, L);
      for (let r = r0; r < r1; r++) {
        const p = <usize>r << 3;
        store<f64>(M.rowOut + p, -(load<f64>(M.rowNll + p) + load<f64>(M.rowWeight + p)));
      }
    } else if (rows > 0) {
      log_weight_rows(M.rowWeight + at, M.rowNll + at, M.z + o, M.eps + o, M.logvar + o, rows, L);
      logsumexp_update(M.rowMax + at, M.rowSum + at, M.rowWeight + at, rows);
    }
    sync(); // every share is done with this ε before thread 0 draws the next
  }
  if (rows > 0 && k > 1) logmeanexp_finish(M.rowOut + at, M.rowMax + at, M.rowSum + at, rows, k);
}

/** Encoder (with `sample`, also z ~ q(z|x) from the sample stream). */
function encodeJob(sample: bool): void {
  const batch = M.batch;
  if (sample && tid == 0) normal_fill(M.eps, batch * M.latentDim, stream(STREAM_SAMPLE));
  transposeShares(0, logvarLayer());
  sync();
  const r0 = rowStart(batch), r1 = rowEnd(batch);
  encodeRows(r0, r1);
  if (sample) reparameterizeRows(r0, r1);
}

/** Decoder (with `prior`, z ~ N(0, I) from the sample stream first). */
function decodeJob(mean: bool, prior: bool): void {
  const batch = M.batch;
  if (prior && tid == 0) normal_fill(M.z, batch * M.latentDim, stream(STREAM_SAMPLE));
  transposeShares(firstDecoderLayer(), outLayer());
  sync();
  decodeRows(rowStart(batch), rowEnd(batch), mean);
}

/** Sets the job that model_run runs next: its kind and arguments (unused ones are ignored). */
export function model_prepare(job: i32, batch: i32, samples: i32, beta: f32, lr: f32, beta1: f32, beta2: f32, epsilon: f32, freeBits: f64): void {
  M.job = job; M.batch = batch; M.samples = samples; M.applied = 1;
  M.beta = beta; M.lr = lr; M.beta1 = beta1; M.beta2 = beta2; M.epsilon = epsilon; M.freeBits = freeBits;
}

/**
 * Runs thread `t`'s part of the prepared job, with `count` threads (every one of them must call this). A training
 * step returns 1 when it was applied and 0 when the divergence guard skipped it (weights, moments and step count
 * untouched; the training stream has still advanced, so a retry draws new noise); other jobs return 1.
 */
export function model_run(t: i32, count: i32): i32 {
  tid = t; threads = count;
  const job = M.job;
  if (job == JOB_TRAIN || job == JOB_GRADIENTS) {
    const step = load<i32>(M.state) + 1; // read before thread 0 may advance it (after the guard's barrier)
    gradientsJob();
    if (job == JOB_TRAIN) guardedAdam(step);
  } else if (job == JOB_EVALUATE) evaluateJob();
  else if (job == JOB_LOG_LIKELIHOOD) logLikelihoodJob();
  else if (job == JOB_ENCODE || job == JOB_ENCODE_SAMPLE) encodeJob(job == JOB_ENCODE_SAMPLE);
  else decodeJob(job != JOB_DECODE, job == JOB_SAMPLE);
  return M.applied;
}

/** The last training step's flag (model_run's result), for a host that ran it on a pool. */
export function model_applied(): i32 { return M.applied; }

function runAlone(job: i32, batch: i32, samples: i32): i32 {
  model_prepare(job, batch, samples, 1, 0, 0, 0, 0, 0);
  return model_run(0, 1);
}

// The single-threaded entry points: the same jobs on one thread.

/** One training step on the `batch` rows of the input buffer: forward, loss, backward, then Adam if the guard passes. */
export function model_train_step(batch: i32, beta: f32, lr: f32, beta1: f32, beta2: f32, epsilon: f32, freeBits: f64): i32 {
  model_prepare(JOB_TRAIN, batch, 0, beta, lr, beta1, beta2, epsilon, freeBits);
  return model_run(0, 1);
}

/** Forward and backward without Adam (the gradient block and results are left for inspection). */
export function model_compute_gradients(batch: i32, beta: f32, freeBits: f64): void {
  model_prepare(JOB_GRADIENTS, batch, 0, beta, 0, 0, 0, 0, freeBits);
  model_run(0, 1);
}

export function model_evaluate(batch: i32): void { runAlone(JOB_EVALUATE, batch, 0); }
export function model_log_likelihood(batch: i32, k: i32): void { runAlone(JOB_LOG_LIKELIHOOD, batch, k); }
export function model_encode(batch: i32): void { runAlone(JOB_ENCODE, batch, 0); }
export function model_encode_sample(batch: i32): void { runAlone(JOB_ENCODE_SAMPLE, batch, 0); }
export function model_decode(batch: i32): void { runAlone(JOB_DECODE, batch, 0); }
export function model_decode_mean(batch: i32): void { runAlone(JOB_DECODE_MEAN, batch, 0); }
export function model_sample(batch: i32): void { runAlone(JOB_SAMPLE, batch, 0); }
