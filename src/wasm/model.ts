// One model's wasm side: its instance (./instance.ts) and job runner (./job-runner.ts), activation buffers sized per
// call (./sizes.ts), the row loops of encode, decode, sample and evaluation, training steps, the shuffle stream, and
// where fit stands. Arguments arrive checked (src/checks/); the values of inputs and latent codes are checked here,
// once they are in wasm memory, where first_outside scans them at SIMD speed.
import { GENERATOR_BYTES, RESULT_KL, RESULT_KL_OBJECTIVE, RESULT_RECONSTRUCTION, STREAM_EVAL, STREAM_RECORD_BYTES, STREAM_SHUFFLE } from '../../build/abi.js';
import { ACTIVATION_CODES, likelihoodCode } from '../checks/config.js';
import { checkBlockRows } from '../checks/block-data.js';
import { hasTable, logvarLengthOf, outputWidthOf } from '../checks/likelihood.js';
import { DEFAULT_BATCH, valueError } from '../checks/options.js';
import { inputError } from '../checks/data.js';
import { VAEError } from '../errors.js';
import type { ModelFile } from '../files/model-file.js';
import type { FitPosition, TrainingState } from '../train/state.js';
import type { Encoding, LossTerms, StepResult, VAEConfig, WasmSource } from '../types.js';
import { Engine, JOB } from './instance.js';
import { JobRunner } from './job-runner.js';
import { layerTableOf, recordsOf } from './layer-table.js';
import { allocate, fittingChunk, reserveRows, type ActivationSpace } from './sizes.js';
import { PARAMETERS, readTensors, readTrainingState, restoreFile, writeTensors } from './tensors.js';

const READ_CHUNK = 1024; // rows per wasm call for encode/decode/sample beyond the training capacity
const FLOAT_MAX = 3.4028234663852886e38;

export class WasmModel {
  /** True on the SIMD build, false on the scalar fallback. */
  readonly simd: boolean;
  /** Where the last fit stands (saved with includeOptimizer; fit's `resume` continues from it). */
  position: FitPosition | null = null;
  /** After a training step: its KL term as the gradient saw it, Σⱼ max(λ, KLⱼ) under free bits, else the KL. */
  klObjective = 0;
  /** The best epoch's weights while fit's earlyStopping.restoreBest runs (saved with the position). */
  bestWeights: Float32Array[] | null = null;
  /** Null once disposed, so that the memory can go while the model object is still referenced. */
  #engine: Engine | null;
  readonly #runner: JobRunner;
  /** Where activations begin in memory: requests are sized against it in 64-bit arithmetic (./sizes.ts). */
  readonly #activationsBase: number;

  private constructor(readonly config: VAEConfig, engine: Engine, runner: JobRunner, activationsBase: number) {
    this.#engine = engine;
    this.#runner = runner;
    this.#activationsBase = activationsBase;
    this.simd = engine.simd;
  }

  /** A model initialised from config.seed, with a batch of DEFAULT_BATCH laid out, its jobs on `threads` threads. */
  static async create(method: string, config: VAEConfig, source: WasmSource | undefined, threads: number): Promise<WasmModel> {
    const table = layerTableOf(config);
    const engine = await Engine.create(method, source, threads > 1, table.full);
    const w = engine.wasm;
    const all = recordsOf(table), records = engine.alloc(4 * all.length);
    new Uint32Array(w.memory.buffer, records, all.length).set(all);
    const ok = w.model_init(records, table.count, table.encoderLayers, table.joinAt, config.inputDim, config.latentDim,
      ACTIVATION_CODES[config.activation], likelihoodCode(config), config.seed, config.conditionDim, threads);
    if (!ok) throw new VAEError('OUT_OF_MEMORY', `${method}: WebAssembly memory could not grow to hold the parameters`);
    const base = w.arena_mark() >>> 0;
    reserveRows('VAE.create', { engine, config, base }, DEFAULT_BATCH);
    return new WasmModel(config, engine, await JobRunner.start(method, engine, threads), base);
  }

  /** Ties the thread pool's life to `owner`, the object users hold (./job-runner.ts). */
  ownedBy(owner: object): void {
    this.#runner.ownedBy(owner);
  }

  /** Throws DISPOSED after dispose(), and while fit awaits a step on the pool. */
  checkAlive(method: string): void {
    if (this.#engine === null) throw new VAEError('DISPOSED', `${method}: expected a live model; this one was disposed`);
    this.#runner.checkIdle(method);
  }

  get disposed(): boolean {
    return this.#engine === null;
  }

  /** Ends the pool's workers and lets the instance go. Idempotent. */
  dispose(): void {
    this.#runner.dispose();
    this.#engine = null;
  }

  get threads(): number {
    return this.#runner.threads;
  }

  get memoryBytes(): number {
    return this.#e.wasm.memory.buffer.byteLength;
  }

  /** True when fit should await its steps (stepAsync): see JobRunner.awaitsSteps. */
  get awaitsSteps(): boolean {
    return this.#runner.awaitsSteps;
  }

  get #e(): Engine {
    return this.#engine!;
  }

  /** Lays out activations for batches of `rows`, or throws OUT_OF_MEMORY without growing anything (./sizes.ts). */
  reserve(method: string, rows: number): void {
    reserveRows(method, this.#space(), rows);
  }

  #space(): ActivationSpace {
    return { engine: this.#e, config: this.config, base: this.#activationsBase };
  }

  /** Runs `body` over [0, n) in chunks that fit the activation buffers. */
  #chunks(method: string, n: number, body: (start: number, rows: number) => void): void {
    const chunk = fittingChunk(this.#space(), Math.min(n, Math.max(this.#e.wasm.model_capacity(), READ_CHUNK)));
    this.reserve(method, chunk);
    for (let start = 0; start < n; start += chunk) body(start, Math.min(chunk, n - start));
  }

  /** Checks the `rows` rows now in the input buffer: finite, in [0, 1] for Bernoulli targets, one-hot for categorical blocks. */
  #checkInput(method: string, name: string, rows: number, firstRow = 0, asTargets = true): void {
    const e = this.#e, w = e.wasm, D = this.config.inputDim;
    const bernoulli = asTargets && this.config.likelihood === 'bernoulli';
    const bad = w.first_outside(w.model_input(), rows * D, bernoulli ? 0 : -FLOAT_MAX, bernoulli ? 1 : FLOAT_MAX);
    if (bad >= 0) throw inputError(method, name, this.config, firstRow * D + bad, e.f32(w.model_input(), rows * D)[bad], bernoulli);
    if (asTargets) checkBlockRows(method, name, this.config, e.f32(w.model_input(), rows * D), rows, firstRow);
  }

  /** Where decode-mean and sample leave their rows: the input buffer for a likelihood table (assembly/abi.ts). */
  #meansPtr(): number {
    const w = this.#e.wasm;
    return hasTable(this.config) ? w.model_input() : w.model_output();
  }

  /** Checks every row of `data` through the input buffer, without training on it. */
  checkAll(method: string, name: string, data: Float32Array): void {
    const D = this.config.inputDim;
    this.#chunks(method, data.length / D, (start, rows) => {
      this.#e.write(this.#e.wasm.model_input(), data.subarray(start * D, (start + rows) * D));
      this.#checkInput(method, name, rows, start);
    });
  }

  #writeConditions(conditions: Float32Array | undefined, start: number, rows: number): void {
    if (!conditions) return;
    const C = this.config.conditionDim;
    this.#e.write(this.#e.wasm.model_conditions(), conditions.subarray(start * C, (start + rows) * C));
  }

  /** The input and condition buffers for `rows` rows, for fit to fill: views, valid until the next call. */
  inputRows(rows: number): Float32Array {
    return this.#e.f32(this.#e.wasm.model_input(), rows * this.config.inputDim);
  }

  conditionRows(rows: number): Float32Array {
    return this.#e.f32(this.#e.wasm.model_conditions(), rows * this.config.conditionDim);
  }

  /** One Adam step on `batch` (`rows` rows, checked here) and its conditions. */
  trainStep(method: string, batch: Float32Array, rows: number, conditions: Float32Array | undefined,
    learningRate: number, beta: number, freeBits: number): StepResult {
    this.reserve(method, rows);
    this.#e.write(this.#e.wasm.model_input(), batch);
    this.#checkInput(method, 'batch', rows);
    this.#writeConditions(conditions, 0, rows);
    return this.step(method, rows, learningRate, beta, freeBits);
  }

  /** One Adam step on the `rows` rows already in the input (and condition) buffers. */
  step(method: string, rows: number, learningRate: number, beta: number, freeBits: number): StepResult {
    const applied = this.#runner.run(method, JOB.TRAIN, rows, { beta, learningRate, freeBits });
    return { ...this.#results(beta), skipped: applied === 0 };
  }

  /** step() awaiting a pool this thread may not block on. */
  async stepAsync(method: string, rows: number, learningRate: number, beta: number, freeBits: number): Promise<StepResult> {
    const applied = await this.#runner.runAsync(method, JOB.TRAIN, rows, { beta, learningRate, freeBits });
    return { ...this.#results(beta), skipped: applied === 0 };
  }

  /** The terms the last wasm call left; loss is formed here with the caller's (float64) beta. */
  #results(beta: number): LossTerms {
    const e = this.#e, ptr = e.wasm.model_results();
    const reconstruction = e.f64(ptr, RESULT_RECONSTRUCTION), kl = e.f64(ptr, RESULT_KL);
    this.klObjective = e.f64(ptr, RESULT_KL_OBJECTIVE);
    return { loss: reconstruction + beta * kl, reconstruction, kl };
  }

  /** The negative ELBO of `data`, nats per example, one posterior sample each, on the evaluation stream. */
  evaluate(method: string, data: Float32Array, conditions: Float32Array | undefined, batchSize: number): LossTerms {
    const n = data.length / this.config.inputDim;
    let reconstruction = 0, kl = 0;
    this.#evaluationBatches(method, data, conditions, batchSize, JOB.EVALUATE, 1, () => {
      const sums = this.#results(1);
      reconstruction += sums.reconstruction; kl += sums.kl;
    });
    return { loss: (reconstruction + kl) / n, reconstruction: reconstruction / n, kl: kl / n };
  }

  /** Per-example log-likelihood estimates with k importance samples (assembly/model.ts model_log_likelihood). */
  logLikelihoods(method: string, data: Float32Array, conditions: Float32Array | undefined, k: number, batchSize: number): Float64Array {
    const out = allocate(method, 'the estimates', data.length / this.config.inputDim, 1, Float64Array);
    this.#evaluationBatches(method, data, conditions, batchSize, JOB.LOG_LIKELIHOOD, k, (start, rows) =>
      out.set(this.#e.readF64(this.#e.wasm.model_row_results(), rows), start));
    return out;
  }

  /**
   * Runs `job` over `data` in batches, `each` reading a batch's results, on the evaluation stream re-seeded (so the
   * same call gives the same number); then puts the stream's whole record back, normal_fill's scratch included, so
   * that evaluation leaves the saved state as it found it.
   */
  #evaluationBatches(method: string, data: Float32Array, conditions: Float32Array | undefined, batchSize: number,
    job: number, samples: number, each: (start: number, rows: number) => void): void {
    const e = this.#e, w = e.wasm, D = this.config.inputDim, n = data.length / D;
    this.reserve(method, Math.min(batchSize, n));
    const record = w.model_stream(STREAM_EVAL), saved = e.bytes(record, STREAM_RECORD_BYTES);
    w.model_reseed(STREAM_EVAL);
    try {
      for (let start = 0; start < n; start += batchSize) {
        const rows = Math.min(batchSize, n - start);
        e.write(w.model_input(), data.subarray(start * D, (start + rows) * D));
        this.#checkInput(method, 'data', rows, start);
        this.#writeConditions(conditions, start, rows);
        this.#runner.run(method, job, rows, { samples });
        each(start, rows);
      }
    } finally {
      e.writeBytes(record, saved);
    }
  }

  /** The posterior of each row of x (checked: finite), with a draw from it when `sample`. */
  encode(method: string, x: Float32Array, conditions: Float32Array | undefined, sample: boolean): Encoding {
    const { inputDim: D, latentDim: L } = this.config, n = x.length / D;
    const mean = allocate(method, 'the means', n, L, Float32Array), logVar = allocate(method, 'the log-variances', n, L, Float32Array);
    const z = sample ? allocate(method, 'the draws', n, L, Float32Array) : undefined;
    this.#chunks(method, n, (start, rows) => {
      const e = this.#e, w = e.wasm;
      e.write(w.model_input(), x.subarray(start * D, (start + rows) * D));
      this.#checkInput(method, 'x', rows, start, false);
      this.#writeConditions(conditions, start, rows);
      this.#runner.run(method, z ? JOB.ENCODE_SAMPLE : JOB.ENCODE, rows);
      mean.set(e.f32(w.model_mean(), rows * L), start * L);
      logVar.set(e.f32(w.model_logvar(), rows * L), start * L);
      z?.set(e.f32(w.model_latent(), rows * L), start * L);
    });
    return z ? { mean, logVar, z } : { mean, logVar };
  }

  /** The likelihood's mean for each row of z (checked: finite). */
  decode(method: string, z: Float32Array, conditions: Float32Array | undefined): Float32Array {
    return this.#decodeRows(method, z, conditions, JOB.DECODE_MEAN, this.config.inputDim, () => this.#meansPtr());
  }

  /**
   * The decoder's raw output for each row of z (checked: finite): P values per row, the likelihood's parameters
   * (logits, means, and the 'output' blocks' log-variances, unclamped), as checks/likelihood.ts lays them out.
   */
  decoderOutput(method: string, z: Float32Array, conditions: Float32Array | undefined): Float32Array {
    return this.#decodeRows(method, z, conditions, JOB.DECODE, outputWidthOf(this.config), () => this.#e.wasm.model_output());
  }

  /** Runs `job` on each chunk of z's rows (checked: finite) and gathers `width` values per row from `at()`. */
  #decodeRows(method: string, z: Float32Array, conditions: Float32Array | undefined, job: number, width: number, at: () => number): Float32Array {
    const L = this.config.latentDim, n = z.length / L;
    const out = allocate(method, 'the result', n, width, Float32Array);
    this.#chunks(method, n, (start, rows) => {
      const e = this.#e, w = e.wasm;
      e.write(w.model_latent(), z.subarray(start * L, (start + rows) * L));
      const bad = w.first_outside(w.model_latent(), rows * L, -FLOAT_MAX, FLOAT_MAX);
      if (bad >= 0) throw valueError(method, 'z', 'finite numbers', start * L + bad, z[start * L + bad]);
      this.#writeConditions(conditions, start, rows);
      this.#runner.run(method, job, rows);
      out.set(e.f32(at(), rows * width), start * width);
    });
    return out;
  }

  /** A copy of decoder.logvar (the learned log-variances, unclamped), or null when the model has none. */
  decoderLogVar(): Float32Array | null {
    if (logvarLengthOf(this.config) === 0) return null;
    const w = this.#e.wasm, t = w.model_tensor_count() - 1;
    return this.#e.read(w.model_tensor_ptr(t), w.model_tensor_floats(t));
  }

  /**
   * Fills `out` (n rows) with draws z ~ N(0, I) from the sample stream, decoded: the means, or for a likelihood list a
   * draw from each block (one-hot, 0/1, μ + σ·ε), its noise from the same stream after z.
   */
  sample(method: string, out: Float32Array, conditions: Float32Array | undefined): Float32Array {
    const D = this.config.inputDim, samples = Array.isArray(this.config.likelihood) ? 1 : 0;
    this.#chunks(method, out.length / D, (start, rows) => {
      this.#writeConditions(conditions, start, rows);
      this.#runner.run(method, JOB.SAMPLE, rows, { samples });
      out.set(this.#e.f32(this.#meansPtr(), rows * D), start * D);
    });
    return out;
  }

  /** The shuffle stream's generator bytes (a copy), and putting such bytes back. */
  shuffleGenerator(): Uint8Array {
    return this.#e.bytes(this.#e.wasm.model_stream(STREAM_SHUFFLE), GENERATOR_BYTES);
  }

  setShuffleGenerator(bytes: Uint8Array): void {
    this.#e.writeBytes(this.#e.wasm.model_stream(STREAM_SHUFFLE), bytes);
  }

  /** Fisher–Yates with draws from the model's shuffle stream. */
  shuffle(order: Uint32Array): void {
    const w = this.#e.wasm, state = w.model_stream(STREAM_SHUFFLE);
    for (let i = order.length - 1; i > 0; i--) {
      const j = w.rng_below(state, i + 1) >>> 0;
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
  }

  /** Copies of the weights, in the wasm tensor order, and writing such copies back (restore-best). */
  weights(): Float32Array[] {
    return readTensors(this.#e, PARAMETERS);
  }

  setWeights(weights: Float32Array[]): void {
    writeTensors(this.#e, weights, PARAMETERS);
  }

  /** Everything a resume needs beyond the weights (save with includeOptimizer). */
  trainingState(): TrainingState {
    return readTrainingState(this.#e, this.position, this.bestWeights);
  }

  /** Writes a checked file's tensors, and its training state when it has one, into this freshly built model. */
  restore(file: ModelFile): void {
    const training = restoreFile(this.#e, file);
    if (training) {
      this.position = training.fit;
      this.bestWeights = training.best;
    }
  }
}
