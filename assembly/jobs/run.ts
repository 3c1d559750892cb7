// The jobs a model runs, in call order: a training step, its gradients alone, evaluation, encode, decode, sample and the IWAE
// bound. Each is written once for `threads` threads that share the model's memory (the pool of src/wasm/threads/),
// and the single-threaded exports at the end run the same code with threads = 1.
//
// The split never changes a value: every output is computed by one thread, by the same kernel, from the same
// operands in the same order as on one thread, so the bytes do not depend on the thread count or on which thread
// took which part. How work is shared out is in schedule.ts.
//   Row chunks (rows.ts): a row's forward pass, its losses and its input gradients (dx) read only that row.
//   Column chunks (columns.ts): weight gradients dW = dyᵀ·x sum over every row, so they wait for all rows (one
//     barrier) and split dW's columns instead; the chunk that starts a layer also sums its bias gradient.
//   Thread 0 alone: drawing ε (one stream, in order), the per-row losses summed in row order, and the free-bits
//     mask (a batch-wide mean per latent dimension). Other threads meanwhile wait at a barrier.
//   The divergence guard checks each weight-gradient chunk as it is made; after the barrier that ends the gradients,
//     Adam runs in chunks of the parameter block (element-wise, so chunks change no bit) only if every chunk passed.
// A training step has 3 barriers (5 with free bits): after ε and the transposes, before the weight gradients, and
// after them, when the guard's verdict is complete (gradientsJob, guardedAdam).
import { M, stream, outLayer, logvarLayer, firstDecoderLayer } from '../model';
import {
  JOB_TRAIN, JOB_GRADIENTS, JOB_EVALUATE, JOB_ENCODE, JOB_ENCODE_SAMPLE, JOB_DECODE, JOB_DECODE_MEAN, JOB_SAMPLE, JOB_LOG_LIKELIHOOD,
  STREAM_TRAIN, STREAM_SAMPLE, STREAM_EVAL, RESULT_LOSS, RESULT_RECONSTRUCTION, RESULT_KL, RESULT_KL_OBJECTIVE,
} from '../abi';
import { normal_fill, uniform_fill } from '../kernels/gaussian';
import { LIKELIHOODS, hasBlocks, likelihoods } from '../likelihood-model';
import { tableDrawRows } from './likelihood-rows';
import { adam_step } from '../kernels/optim';
import { kl_rows, log_weight_rows, logsumexp_update, logmeanexp_finish, free_bits_backward } from '../kernels/estimators';
import {
  tid, enter, sync, next, word, chunkRows, rowChunks, rowAt, sumRows, TRANSPOSES, ROWS, ROWS_AFTER_FREE_BITS, ADAM, BAD,
} from './schedule';
import { transposeChunks, weightGradientChunks } from './columns';
import {
  encodeRows, decodeRows, reparameterizeRows, reconstructionRows, forwardLossRows, decoderBackwardRows, encoderBackwardRows,
} from './rows';

const PARAM_CHUNK = 16384; // floats of the parameter block per Adam chunk

/** The address of result slot `slot` (abi.ts RESULT_*: f64 each). */
function result(slot: i32): usize { return M.results + (<usize>slot << 3); }

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
    // The KL term the gradient is of, per example: Σⱼ max(λ, KLⱼ) under free bits.
    if (tid == 0) store<f64>(result(RESULT_KL_OBJECTIVE), free_bits_backward(M.dmu, M.dlogvar, M.mu, M.logvar, batch, L, M.freeBits));
    sync();
    for (let c = next(ROWS_AFTER_FREE_BITS); c < chunks; c = next(ROWS_AFTER_FREE_BITS)) {
      const r0 = c * chunkRows(batch);
      encoderBackwardRows(r0, min(batch, r0 + chunkRows(batch)));
    }
  }
  sync();
  if (tid == 0) {
    const rec = sumRows(M.rowNll, batch) / <f64>batch, kl = sumRows(M.rowKl, batch) / <f64>batch;
    if (!split) store<f64>(result(RESULT_KL_OBJECTIVE), kl);
    store<f64>(result(RESULT_LOSS), rec + <f64>M.beta * kl);
    store<f64>(result(RESULT_RECONSTRUCTION), rec);
    store<f64>(result(RESULT_KL), kl);
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
  const ok = i32(isFinite<f64>(load<f64>(result(RESULT_LOSS)))) & i32(load<i32>(word(BAD)) == 0);
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
    store<f64>(result(RESULT_RECONSTRUCTION), sumRows(M.rowNll, batch));
    store<f64>(result(RESULT_KL), sumRows(M.rowKl, batch));
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

/**
 * Decoder (with `prior`, z ~ N(0, I) from the sample stream first). A likelihood table's sample with samples = 1
 * then draws x from every block: thread 0 draws the normals (into dlogits, free in this job) and the uniforms after z,
 * from the same stream in the same order whatever the thread count.
 */
function decodeJob(mean: bool, prior: bool): void {
  const batch = M.batch, chunks = rowChunks(batch), draws = LIKELIHOODS && prior && M.samples != 0 && hasBlocks();
  if (prior && tid == 0) {
    normal_fill(M.z, batch * M.latentDim, stream(STREAM_SAMPLE));
    if (LIKELIHOODS && draws) {
      normal_fill(M.dlogits, batch * M.inputDim, stream(STREAM_SAMPLE));
      uniform_fill(likelihoods().uniforms, batch * M.inputDim, stream(STREAM_SAMPLE), 0, 1);
    }
  }
  transposeChunks(firstDecoderLayer(), outLayer());
  sync();
  for (let c = next(ROWS); c < chunks; c = next(ROWS)) {
    const r0 = c * chunkRows(batch), r1 = min(batch, r0 + chunkRows(batch));
    decodeRows(r0, r1, mean && !draws);
    if (LIKELIHOODS && draws) tableDrawRows(r0, r1, M.dlogits);
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
  enter(t, count);
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
