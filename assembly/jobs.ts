// The jobs a model runs: a training step, its gradients alone, evaluation, encode, decode, sample and the IWAE
// bound. Each is written once for `threads` threads that share the model's memory (the pool of src/threads/),
// and the single-threaded exports at the end run the same code with threads = 1.
//
// The split never changes a value: every output is computed by one thread, by the same kernel, from the same
// operands in the same order as on one thread, so the bytes do not depend on the thread count or on which thread
// took which part. Work is handed out in chunks from atomic counters (~lib/barrier grab), so a faster core (or one
// the OS did not share with another process) simply takes more chunks.
//   Row chunks (the whole batch on one thread, 16 rows or more on several). A row's forward pass, its losses and its input gradients (dx) read only that row, so a
//     thread runs the whole row pipeline on its chunk without waiting. Chunks are whole 4-row blocks, so a chunk's
//     element count is a multiple of 4 (except at the batch's end) and the padded writes of element-wise kernels
//     (kernels/padding.ts) stay inside it.
//   Column chunks (64 columns of one layer). Weight gradients dW = dyᵀ·x sum over every row, so they wait for all
//     rows (one barrier) and split dW's columns instead, whole cache lines each; the chunk that starts a layer also
//     sums its bias gradient.
//   Thread 0 alone: drawing ε (one stream, in order), the per-row losses summed in row order, and the free-bits
//     mask (a batch-wide mean per latent dimension). Other threads meanwhile wait at a barrier.
//   The divergence guard checks each weight-gradient chunk as it is made; after the barrier that ends the gradients,
//     Adam runs in chunks of the parameter block (element-wise, so chunks change no bit) only if every chunk passed.
// A training step has 3 barriers (5 with free bits): after ε and the transposes, before the weight gradients, and
// after them, when the guard's verdict is complete (gradientsJob, guardedAdam).
import {
  M, field, stream, transposedWeight, logvarLayer, firstDecoderLayer, outLayer, CHUNK_ROWS, CHUNK_COLUMNS,
  IN, OUT, B, DW, DB, X, Y, DX, DY, ACT, ACCUMULATE_DX, W,
  BERNOULLI, STREAM_TRAIN, STREAM_SAMPLE, STREAM_EVAL, LOGVAR_MIN, LOGVAR_MAX, GRADIENT_LIMIT,
} from './model';
import { barrier, grab } from '~lib/barrier';
import { LANES } from '~lib/lanes';
import {
  transpose_rows, dense_forward_transposed, dense_backward_input, dense_weight_gradient, column_sums_strided,
  sparse_enough, SKIP_AUTO, SKIP_LISTS, SKIP_NEVER,
} from './kernels/dense';
import { EPILOGUE_NONE, EPILOGUE_RELU, EPILOGUE_LEAKY_RELU } from './kernels/gemm';
import { activation_forward, activation_backward, clamp_forward, clamp_backward, fusable, RELU, SIGMOID } from './kernels/activations';
import { first_outside } from './kernels/checks';
import { normal_fill, reparameterize_forward, reparameterize_backward } from './kernels/gaussian';
import { bernoulli_logits_loss, gaussian_unit_loss, kl_backward } from './kernels/losses';
import { adam_step } from './kernels/optim';
import {
  kl_rows, log_weight_rows, logsumexp_update, logmeanexp_finish, free_bits_backward, concat_rows, take_columns,
} from './kernels/estimators';

// Job kinds (model_prepare); src/engine.ts JOB has the same numbers.
export const JOB_TRAIN: i32 = 1;
export const JOB_GRADIENTS: i32 = 2;
export const JOB_EVALUATE: i32 = 3;
export const JOB_ENCODE: i32 = 4;
export const JOB_ENCODE_SAMPLE: i32 = 5;
export const JOB_DECODE: i32 = 6;
export const JOB_DECODE_MEAN: i32 = 7;
export const JOB_SAMPLE: i32 = 8;
export const JOB_LOG_LIKELIHOOD: i32 = 9;

// Words of the sync record (~lib/barrier) that count the chunks handed out, one per phase of a job; model_prepare
// zeroes them before the threads start. BAD is set by any weight-gradient chunk with a value beyond the limit.
const TRANSPOSES = 8, ROWS = 9, ROWS_AFTER_FREE_BITS = 10, COLUMNS = 11, ADAM = 12, BAD = 13;
const PARAM_CHUNK = 16384; // floats of the parameter block per Adam chunk

// This instance's place in the running job.
let tid = 0, threads = 1;

// Thread 0 is the caller's thread where the caller joins (src/threads/pool.ts): it sleeps at once, never spins.
function sync(): void { barrier(M.sync, threads, tid != 0); }
function word(w: i32): usize { return M.sync + (<usize>w << 2); }
/** The next chunk of the phase counted by word `w`. */
function next(w: i32): i32 { return grab(word(w)); }
/** Byte offset of row r of a (B, width) f32 buffer. */
function rowAt(r: i32, width: i32): usize { return (<usize>r * <usize>width) << 2; }
/**
 * Rows per chunk: the whole batch on one thread, else about a quarter of a thread's share (at least 16 rows), in
 * 4-row blocks. Every chunk streams each weight matrix once, so larger chunks move less through the caches the
 * cores share, while smaller ones let a faster core take more: on this machine's two vCPUs, which at times ran at
 * 1.7× each other's speed, four chunks per thread kept both busy.
 */
function chunkRows(batch: i32): i32 {
  const parts = threads == 1 ? 1 : 4 * threads;
  return max(CHUNK_ROWS, ((batch + parts - 1) / parts + 3) & ~3);
}
function rowChunks(batch: i32): i32 { return (batch + chunkRows(batch) - 1) / chunkRows(batch); }

/**
 * The list scratch of a row chunk's forward: records of the rows form sit at their 4-row block's index times the
 * widest layer's record, so chunks never overlap whichever layers they are at.
 */
function rowLists(r0: i32): usize {
  return M.lists + <usize>(r0 >> 2) * ((<usize>M.widestIn + 1) << 2);
}

/** The list scratch of this thread's column chunk: one chunk's panels (B + 1 i32 each) per thread. */
function columnLists(batch: i32): usize {
  return M.lists + <usize>tid * <usize>(CHUNK_COLUMNS / (2 * LANES)) * ((<usize>batch + 1) << 2);
}

/** Wᵀ of each layer in [first, last], in chunks of 64 rows of W (64 columns of Wᵀ: whole cache lines). */
function transposeChunks(first: i32, last: i32): void {
  for (let c = next(TRANSPOSES); ; c = next(TRANSPOSES)) {
    // Chunk c belongs to the first layer whose chunks reach past it.
    let l = first, start = 0;
    for (; l <= last; l++) {
      const n = (<i32>field(l, OUT) + CHUNK_COLUMNS - 1) / CHUNK_COLUMNS;
      if (c < start + n) break;
      start += n;
    }
    if (l > last) return;
    const inDim = <i32>field(l, IN), outDim = <i32>field(l, OUT);
    const r0 = (c - start) * CHUNK_COLUMNS, r1 = min(outDim, r0 + CHUNK_COLUMNS);
    transpose_rows(transposedWeight(l) + (<usize>r0 << 2), outDim, field(l, W) + rowAt(r0, inDim), r1 - r0, inDim);
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

/** The row part of a layer's backward: the activation's mask on dy, then dx = dy·W for rows [r0, r1). */
function layerBackwardRows(l: i32, r0: i32, r1: i32): void {
  const inDim = <i32>field(l, IN), outDim = <i32>field(l, OUT), rows = r1 - r0;
  const dy = field(l, DY) + rowAt(r0, outDim);
  if (field(l, ACT) != 0) activation_backward(M.activation, dy, field(l, Y) + rowAt(r0, outDim), rows * outDim);
  if (field(l, DX) != 0) dense_backward_input(field(l, DX) + rowAt(r0, inDim), dy, field(l, W), rows, inDim, outDim, field(l, ACCUMULATE_DX) != 0);
}

/**
 * The column part: dW = dyᵀ·x over the whole batch, in chunks of 64 columns of one layer; the first chunk of a layer
 * also sums its bias gradient db = Σ dy. Whether a layer's x is sparse enough to skip zeros is decided once per job
 * (M.decisions), by the first thread to reach the layer: any decision gives the same bits. Each chunk then checks its
 * gradients for the divergence guard while they are still in cache (BAD), instead of a pass over the whole block.
 */
function weightGradientChunks(batch: i32): void {
  for (let c = next(COLUMNS); ; c = next(COLUMNS)) {
    let l = 0, start = 0;
    for (; l < M.layerCount; l++) {
      const n = (<i32>field(l, IN) + CHUNK_COLUMNS - 1) / CHUNK_COLUMNS;
      if (c < start + n) break;
      start += n;
    }
    if (l == M.layerCount) return;
    const inDim = <i32>field(l, IN), outDim = <i32>field(l, OUT);
    const c0 = (c - start) * CHUNK_COLUMNS, c1 = min(inDim, c0 + CHUNK_COLUMNS);
    const dw = field(l, DW) + (<usize>c0 << 2);
    dense_weight_gradient(dw, field(l, DY), field(l, X) + (<usize>c0 << 2), columnLists(batch),
      batch, inDim, outDim, c1 - c0, false, skipPolicyOf(l, batch));
    let bad = beyondLimit(dw, inDim, outDim, c1 - c0);
    if (c0 == 0) {
      column_sums_strided(field(l, DB), field(l, DY), outDim, batch, outDim, false);
      bad = bad || beyondLimit(field(l, DB), 0, 1, outDim);
    }
    if (bad) store<i32>(word(BAD), 1);
  }
}

/** Whether a rows × cols block (row stride ld floats) holds a value outside ±GRADIENT_LIMIT (NaN and ±∞ included). */
function beyondLimit(p: usize, ld: i32, rows: i32, cols: i32): bool {
  for (let r = 0; r < rows; r++) if (first_outside(p + rowAt(r, ld), cols, -GRADIENT_LIMIT, GRADIENT_LIMIT) >= 0) return true;
  return false;
}

/** The zero-skipping policy for layer l's weight gradient in this job. */
function skipPolicyOf(l: i32, batch: i32): i32 {
  if (M.skipPolicy != SKIP_AUTO) return M.skipPolicy;
  const at = M.decisions + (<usize>l << 2);
  let d = load<i32>(at); // written by whichever thread decided first; a stale 0 only means deciding again
  if (d == 0) {
    d = sparse_enough(field(l, X), batch * <i32>field(l, IN)) ? SKIP_LISTS : SKIP_NEVER;
    store<i32>(at, d);
  }
  return d;
}

/** Encoder for rows [r0, r1): x → (μ, logVar), logVar clamped (see model.ts, the divergence guard). */
function encodeRows(r0: i32, r1: i32): void {
  const D = M.inputDim, C = M.conditionDim, L = M.latentDim;
  if (C > 0) concat_rows(M.joinedX + rowAt(r0, D + C), M.xBuf + rowAt(r0, D), D, M.conditions + rowAt(r0, C), C, r1 - r0);
  for (let l = 0; l <= logvarLayer(); l++) layerForwardRows(l, r0, r1);
  clamp_forward(M.logvar + rowAt(r0, L), (r1 - r0) * L, LOGVAR_MIN, LOGVAR_MAX);
}

/** Decoder for rows [r0, r1): z → logits (or Gaussian means); with `mean`, the likelihood's mean applied. */
function decodeRows(r0: i32, r1: i32, mean: bool): void {
  const D = M.inputDim, C = M.conditionDim, L = M.latentDim;
  if (C > 0) concat_rows(M.joinedZ + rowAt(r0, L + C), M.z + rowAt(r0, L), L, M.conditions + rowAt(r0, C), C, r1 - r0);
  for (let l = firstDecoderLayer(); l <= outLayer(); l++) layerForwardRows(l, r0, r1);
  if (mean && M.likelihood == BERNOULLI) activation_forward(SIGMOID, M.logits + rowAt(r0, D), (r1 - r0) * D);
}

/** z = μ + σ·ε for rows [r0, r1). */
function reparameterizeRows(r0: i32, r1: i32): void {
  const L = M.latentDim, o = rowAt(r0, L);
  reparameterize_forward(M.z + o, M.mu + o, M.logvar + o, M.eps + o, (r1 - r0) * L);
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
  kl_rows(M.rowKl + (<usize>r0 << 3), M.mu + rowAt(r0, M.latentDim), M.logvar + rowAt(r0, M.latentDim), r1 - r0, M.latentDim);
}

/** The backward of rows [r0, r1) up to the latent gradients: decoder, then the KL's gradient. */
function decoderBackwardRows(r0: i32, r1: i32, scale: f32): void {
  const L = M.latentDim, C = M.conditionDim, o = rowAt(r0, L), rows = r1 - r0;
  for (let l = outLayer(); l >= firstDecoderLayer(); l--) layerBackwardRows(l, r0, r1);
  if (C > 0) take_columns(M.dz + o, M.djoinedZ + rowAt(r0, L + C), rows, L + C, L);
  kl_backward(M.dmu + o, M.dlogvar + o, M.mu + o, M.logvar + o, rows * L, M.beta * scale);
}

/** The rest of the backward of rows [r0, r1): through the reparameterisation and the clamp, then the encoder. */
function encoderBackwardRows(r0: i32, r1: i32): void {
  const L = M.latentDim, o = rowAt(r0, L), n = (r1 - r0) * L;
  reparameterize_backward(M.dmu + o, M.dlogvar + o, M.dz + o, M.logvar + o, M.eps + o, n);
  clamp_backward(M.dlogvar + o, M.logvar + o, n, LOGVAR_MIN, LOGVAR_MAX);
  for (let l = logvarLayer(); l >= 0; l--) layerBackwardRows(l, r0, r1);
}

/** Σ of `rows` f64 in row order: the same sum whatever the chunks were. */
function sumRows(p: usize, rows: i32): f64 {
  let s: f64 = 0;
  for (let r = 0; r < rows; r++) s += load<f64>(p + (<usize>r << 3));
  return s;
}

/**
 * Forward and backward: the gradients of (1/batch)·Σ(reconstruction + β·KL) overwrite the gradient block (every
 * weight and bias gradient is written once, so it is not zeroed first). Results hold per-example means.
 * Barriers: after ε and the transposes; before the weight gradients (they need every row); with free bits, around
 * the batch-wide mask; and at the end, so that the guard and Adam (or the host) see every gradient.
 */
function gradientsJob(): void {
  const batch = M.batch, L = M.latentDim;
  const scale = <f32>(1.0 / <f64>batch), chunks = rowChunks(batch), split = M.freeBits > 0;
  if (tid == 0) normal_fill(M.eps, batch * L, stream(STREAM_TRAIN));
  transposeChunks(0, outLayer());
  sync();
  for (let c = next(ROWS); c < chunks; c = next(ROWS)) {
    const r0 = c * chunkRows(batch), r1 = min(batch, r0 + chunkRows(batch));
    forwardLossRows(r0, r1, scale);
    decoderBackwardRows(r0, r1, scale);
    if (!split) encoderBackwardRows(r0, r1);
  }
  if (split) {
    sync();
    // results[3]: the KL term the gradient is of, per example: Σⱼ max(λ, KLⱼ) under free bits.
    if (tid == 0) store<f64>(M.results, free_bits_backward(M.dmu, M.dlogvar, M.mu, M.logvar, batch, L, M.freeBits), 24);
    sync();
    for (let c = next(ROWS_AFTER_FREE_BITS); c < chunks; c = next(ROWS_AFTER_FREE_BITS)) {
      const r0 = c * chunkRows(batch);
      encoderBackwardRows(r0, min(batch, r0 + chunkRows(batch)));
    }
  }
  sync();
  if (tid == 0) {
    const rec = sumRows(M.rowNll, batch) / <f64>batch, kl = sumRows(M.rowKl, batch) / <f64>batch;
    if (!split) store<f64>(M.results, kl, 24);
    store<f64>(M.results, rec + <f64>M.beta * kl, 0);
    store<f64>(M.results, rec, 8);
    store<f64>(M.results, kl, 16);
  }
  weightGradientChunks(batch);
  sync();
}

/**
 * Adam in chunks of the parameter block (element-wise, so chunks change no bit), if the divergence guard passed: the
 * loss is finite and no weight-gradient chunk found a value beyond ±GRADIENT_LIMIT (weightGradientChunks, complete
 * after gradientsJob's last barrier). Thread 0 then advances the step count.
 */
function guardedAdam(step: i32): void {
  const n = M.paramFloats, chunks = (n + PARAM_CHUNK - 1) / PARAM_CHUNK;
  const ok = i32(isFinite<f64>(load<f64>(M.results, 0))) & i32(load<i32>(word(BAD)) == 0);
  if (ok) {
    for (let c = next(ADAM); c < chunks; c = next(ADAM)) {
      const p0 = c * PARAM_CHUNK, at = <usize>p0 << 2;
      adam_step(M.params + at, M.grads + at, M.adamM + at, M.adamV + at, min(n, p0 + PARAM_CHUNK) - p0, M.lr, M.beta1, M.beta2, M.epsilon, step);
    }
  }
  if (tid == 0) {
    M.applied = ok;
    if (ok) store<i32>(M.state, step);
  }
}

/** Negative-ELBO terms summed over the batch with ε from the evaluation stream (results[1], results[2]). */
function evaluateJob(): void {
  const batch = M.batch, chunks = rowChunks(batch);
  if (tid == 0) normal_fill(M.eps, batch * M.latentDim, stream(STREAM_EVAL));
  transposeChunks(0, outLayer());
  sync();
  for (let c = next(ROWS); c < chunks; c = next(ROWS)) {
    const r0 = c * chunkRows(batch);
    forwardLossRows(r0, min(batch, r0 + chunkRows(batch)), 0);
  }
  sync();
  if (tid == 0) {
    store<f64>(M.results, sumRows(M.rowNll, batch), 8);
    store<f64>(M.results, sumRows(M.rowKl, batch), 16);
  }
}

/**
 * Per-row estimates of log p(x) into rowOut (f64 each), with ε from the evaluation stream: for k = 1 the ELBO with
 * the closed-form KL; for k > 1 the importance-weighted bound L_k (kernels/estimators.ts). Row chunks are handed
 * out afresh for each of the k draws; a row's running log-sum-exp only ever depends on its own draws.
 */
function logLikelihoodJob(): void {
  const batch = M.batch, k = M.samples, L = M.latentDim, chunks = rowChunks(batch);
  transposeChunks(0, outLayer());
  sync();
  for (let c = next(ROWS); c < chunks; c = next(ROWS)) {
    const r0 = c * chunkRows(batch), r1 = min(batch, r0 + chunkRows(batch));
    encodeRows(r0, r1);
    for (let r = r0; r < r1; r++) { store<f64>(M.rowMax + (<usize>r << 3), -Infinity); store<f64>(M.rowSum + (<usize>r << 3), 0); }
  }
  for (let i = 0; i < k; i++) {
    if (tid == 0) {
      normal_fill(M.eps, batch * L, stream(STREAM_EVAL));
      store<i32>(word(ROWS_AFTER_FREE_BITS), 0); // this draw's chunk counter (every thread is past the last draw's)
    }
    sync();
    for (let c = next(ROWS_AFTER_FREE_BITS); c < chunks; c = next(ROWS_AFTER_FREE_BITS)) {
      const r0 = c * chunkRows(batch), r1 = min(batch, r0 + chunkRows(batch)), rows = r1 - r0, o = rowAt(r0, L), at = <usize>r0 << 3;
      reparameterizeRows(r0, r1);
      decodeRows(r0, r1, false);
      reconstructionRows(r0, r1, 0);
      if (k == 1) {
        kl_rows(M.rowWeight + at, M.mu + o, M.logvar + o, rows, L);
        for (let r = r0; r < r1; r++) {
          const p = <usize>r << 3;
          store<f64>(M.rowOut + p, -(load<f64>(M.rowNll + p) + load<f64>(M.rowWeight + p)));
        }
      } else {
        log_weight_rows(M.rowWeight + at, M.rowNll + at, M.z + o, M.eps + o, M.logvar + o, rows, L);
        logsumexp_update(M.rowMax + at, M.rowSum + at, M.rowWeight + at, rows);
        if (i == k - 1) logmeanexp_finish(M.rowOut + at, M.rowMax + at, M.rowSum + at, rows, k);
      }
    }
    sync(); // every chunk is done with this ε before thread 0 draws the next
  }
}

/** Encoder (with `sample`, also z ~ q(z|x) from the sample stream). */
function encodeJob(sample: bool): void {
  const batch = M.batch, chunks = rowChunks(batch);
  if (sample && tid == 0) normal_fill(M.eps, batch * M.latentDim, stream(STREAM_SAMPLE));
  transposeChunks(0, logvarLayer());
  sync();
  for (let c = next(ROWS); c < chunks; c = next(ROWS)) {
    const r0 = c * chunkRows(batch), r1 = min(batch, r0 + chunkRows(batch));
    encodeRows(r0, r1);
    if (sample) reparameterizeRows(r0, r1);
  }
}

/** Decoder (with `prior`, z ~ N(0, I) from the sample stream first). */
function decodeJob(mean: bool, prior: bool): void {
  const batch = M.batch, chunks = rowChunks(batch);
  if (prior && tid == 0) normal_fill(M.z, batch * M.latentDim, stream(STREAM_SAMPLE));
  transposeChunks(firstDecoderLayer(), outLayer());
  sync();
  for (let c = next(ROWS); c < chunks; c = next(ROWS)) {
    const r0 = c * chunkRows(batch);
    decodeRows(r0, min(batch, r0 + chunkRows(batch)), mean);
  }
}

/** Sets the job that model_run runs next: its kind and arguments (unused ones are ignored); zeroes its counters. */
export function model_prepare(job: i32, batch: i32, samples: i32, beta: f32, lr: f32, beta1: f32, beta2: f32, epsilon: f32, freeBits: f64): void {
  M.job = job; M.batch = batch; M.samples = samples; M.applied = 1;
  M.beta = beta; M.lr = lr; M.beta1 = beta1; M.beta2 = beta2; M.epsilon = epsilon; M.freeBits = freeBits;
  for (let w = TRANSPOSES; w <= BAD; w++) store<i32>(word(w), 0);
  memory.fill(M.decisions, 0, <usize>M.layerCount << 2);
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
    const step = load<i32>(M.state) + 1; // read before the first barrier; thread 0 advances it after Adam
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
