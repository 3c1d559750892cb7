// class VAE — the API users see. A thin facade: it checks arguments, copies data in and out of the wasm
// instance, and runs one wasm job per training step (src/wasm/job-runner.ts); the model itself lives in assembly/.
import { GENERATOR_BYTES, RESULT_KL, RESULT_RECONSTRUCTION, STREAM_EVAL, STREAM_RECORD_BYTES, STREAM_SHUFFLE } from '../build/abi.js';
import { copyPosition, hasBestWeights, STATE_RECORD_BYTES, type FitPosition, type TrainingState } from './train/state.js';
import { ACTIVATION_CODES, LIKELIHOOD_CODES, resolveConfig } from './checks/config.js';
import { Engine, JOB, type WasmExports } from './wasm/instance.js';
import { VAEError } from './errors.js';
import { parameterCountOf } from './files/layout.js';
import { checkNaming, decodeModelFile, encodeModelFile, type ModelFile } from './files/model-file.js';
import {
  argumentError, checkBatchSize, checkEngineOptions, checkFitOptions, checkOptions, checkSamples, checkStepOptions,
  checkUserMetadata, OPTION_KEYS,
  DEFAULT_BATCH, repeatRows, valueError,
} from './checks/options.js';
import { interpolatePoints, latentGridPoints } from './extras/latent-tools.js';
import { runFit, type FitHost } from './train/fit.js';
import { allocate, checkOutputSize, fittingChunk, reserveRows, type ActivationSpace } from './wasm/sizes.js';
import { JobRunner } from './wasm/job-runner.js';
import { resolveThreads } from './wasm/threads/support.js';
import type {
  ConditionOptions, EncodeOptions, EngineOptions, EpochLog, Encoding, EvaluateOptions, Evaluation, FitOptions,
  InterpolateOptions, LatentGridOptions, LossTerms, SaveOptions, ScoreOptions, StepResult, TrainStepOptions, VAEConfig,
  VAEOptions,
} from './types.js';

const READ_CHUNK = 1024; // rows per wasm call for encode/decode/sample beyond the training capacity
const FLOAT_MAX = 3.4028234663852886e38;
const MAX_MODEL_BYTES = 2 ** 31; // leaves room below wasm32's 4 GiB for activations

export class VAE {
  /** The architecture and seed, as saved with the model. */
  readonly config: VAEConfig;
  /** Number of trainable scalars (weights and biases). */
  readonly parameterCount: number;
  /** True when this model runs on the SIMD build, false on the scalar fallback. */
  readonly simd: boolean;
  #engine: Engine | null;
  /** Runs the wasm jobs, on this thread or a thread pool (src/wasm/job-runner.ts). */
  #runner: JobRunner | null = null;
  #busy = false;
  /** Where the last fit stands (saved with includeOptimizer; fit's `resume` continues from it). */
  #position: FitPosition | null = null;
  /** The best epoch's weights while fit's earlyStopping.restoreBest runs (saved with the position). */
  #bestWeights: Float32Array[] | null = null;
  /** Where activations begin in memory: requests are sized against it in 64-bit arithmetic (src/wasm/sizes.ts). */
  readonly #activationsBase: number;

  private constructor(engine: Engine, config: VAEConfig) {
    this.#engine = engine;
    this.#activationsBase = engine.wasm.arena_mark() >>> 0;
    this.config = config;
    this.parameterCount = parameterCountOf(config);
    this.simd = engine.simd;
  }

  /**
   * Builds a model with weights initialised like PyTorch's nn.Linear, U(±1/√fan_in), from `seed`.
   * `engine.wasm` chooses the wasm (see WasmSource); by default the embedded build that suits this engine.
   */
  static async create(options: VAEOptions, engine: EngineOptions = {}): Promise<VAE> {
    const method = 'VAE.create';
    return VAE.#build(method, resolveConfig(options, method, 'INVALID_CONFIG'), checkEngineOptions(method, engine));
  }

  static async #build(method: string, config: VAEConfig, engineOptions: EngineOptions): Promise<VAE> {
    // Parameters, gradients and Adam's two moments must fit in 32-bit memory; checked here because sizes
    // that large would wrap around in wasm's 32-bit arithmetic.
    const bytes = 16 * parameterCountOf(config);
    if (bytes > MAX_MODEL_BYTES) {
      throw new VAEError('OUT_OF_MEMORY', `${method}: expected a model whose parameters and optimiser state fit in ` +
        `${MAX_MODEL_BYTES / 2 ** 30} GiB of WebAssembly memory; this configuration needs ${(bytes / 2 ** 30).toFixed(1)} GiB`);
    }
    const threads = resolveThreads(method, engineOptions.threads, engineOptions.wasm);
    const engine = await Engine.create(method, engineOptions.wasm, threads > 1);
    const w = engine.wasm;
    const hidden = engine.alloc(4 * Math.max(1, config.hiddenDims.length));
    new Uint32Array(w.memory.buffer, hidden, config.hiddenDims.length).set(config.hiddenDims);
    const ok = w.model_init(config.inputDim, config.latentDim, hidden, config.hiddenDims.length,
      ACTIVATION_CODES[config.activation], LIKELIHOOD_CODES[config.likelihood], config.seed, config.conditionDim);
    if (!ok) throw new VAEError('OUT_OF_MEMORY', `${method}: WebAssembly memory could not grow to hold the parameters`);
    const vae = new VAE(engine, config);
    vae.#reserve('VAE.create', DEFAULT_BATCH);
    vae.#runner = await JobRunner.start(method, engine, threads, vae);
    return vae;
  }

  /**
   * Reads a model file: one written by save() (weights bit-exact; with includeOptimizer, the whole training
   * state), or a pytorch/examples VAE state dict (fc1, fc21, fc22, fc3, fc4; sizes inferred from the shapes).
   * F32, F16 and BF16 tensors are accepted. Every check runs before the model is built, so a bad file throws
   * VAEError INVALID_MODEL_FILE with the reason and leaves nothing behind.
   */
  static async load(bytes: Uint8Array, engine: EngineOptions = {}): Promise<VAE> {
    const method = 'VAE.load';
    const engineOptions = checkEngineOptions(method, engine);
    const file = decodeModelFile(bytes, method);
    const vae = await VAE.#build(method, file.config, engineOptions);
    vae.#restore(file);
    return vae;
  }

  /**
   * One Adam step on `batch` (n·inputDim values) → the batch's loss terms, nats per example. When the loss or a
   * gradient is not finite, the step is skipped (`skipped: true`) and the model keeps its last good state.
   */
  trainStep(batch: Float32Array, options: TrainStepOptions = {}): StepResult {
    const method = 'VAE.trainStep';
    this.#alive(method);
    this.#idle(method);
    const { learningRate, beta, freeBits } = checkStepOptions(method, checkOptions(method, options, OPTION_KEYS.trainStep));
    const rows = this.#rowCount(method, 'batch', batch, this.config.inputDim);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, rows);
    this.#reserve(method, rows);
    this.#engine!.write(this.#engine!.wasm.model_input(), batch);
    this.#checkInput(method, 'batch', rows);
    this.#writeConditions(conditions, 0, rows);
    return this.#step(method, rows, learningRate, beta, freeBits);
  }

  /**
   * Trains for `epochs` passes over `data`, yielding to the event loop after every batch. `signal` stops at the
   * next batch boundary; the model is then exactly as after its last completed step. Steps the divergence guard
   * skips are counted in the logs; `maxConsecutiveSkips` of them in a row throw VAEError DIVERGED.
   */
  async fit(data: Float32Array, options: FitOptions = {}): Promise<EpochLog[]> {
    const method = 'VAE.fit';
    this.#alive(method);
    this.#idle(method);
    const settings = checkFitOptions(method, options);
    const D = this.config.inputDim;
    const n = this.#rowCount(method, 'data', data, D);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, n);
    this.#reserve(method, Math.min(settings.batchSize, n)); // before checking the data, so a refused batch grows nothing
    this.#checkAll(method, 'data', data);
    let validationConditions: Float32Array | undefined;
    if (options.validationData !== undefined) {
      const rows = this.#rowCount(method, 'options.validationData', options.validationData, D);
      validationConditions = this.#conditions(method, 'options.validationConditions', options.validationConditions, rows);
      this.#checkAll(method, 'options.validationData', options.validationData);
    }
    this.#busy = true;
    try {
      return await runFit(method, this.#fitHost(method), data, {
        ...settings, conditions, validationData: options.validationData, validationConditions,
      });
    } finally {
      this.#busy = false;
    }
  }

  /**
   * The negative ELBO of `data` in nats per example, with one posterior sample per example drawn from a stream
   * re-seeded at every call: the same call returns the same number, and neither the model nor training moves (even
   * save({ includeOptimizer: true }) gives the same bytes after it; scores likewise).
   * With `samples: k` it adds `logLikelihood`, the importance-weighted bound on log p(x) (Burda et al. 2016).
   */
  evaluate(data: Float32Array, options: EvaluateOptions = {}): Evaluation {
    const method = 'VAE.evaluate';
    this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.evaluate);
    const batchSize = checkBatchSize(method, options.batchSize);
    const n = this.#rowCount(method, 'data', data, this.config.inputDim);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, n);
    const terms: Evaluation = this.#evaluate(method, data, conditions, batchSize);
    if (options.samples !== undefined) {
      const k = checkSamples(method, options.samples);
      // k = 1 is the ELBO itself, so the same draws give −loss exactly; k > 1 is the importance-weighted bound.
      terms.logLikelihood = k === 1 ? -terms.loss
        : this.#logLikelihoods(method, data, conditions, k, batchSize).reduce((a, b) => a + b, 0) / n;
    }
    return terms;
  }

  /**
   * One negative log-likelihood estimate per example, nats: −L_k of Burda et al. (2016) with `samples` = k
   * importance samples (k = 1: the example's negative ELBO). For anomaly detection: unusual inputs score high.
   */
  scores(data: Float32Array, options: ScoreOptions = {}): Float64Array {
    const method = 'VAE.scores';
    this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.scores);
    const batchSize = checkBatchSize(method, options.batchSize);
    const n = this.#rowCount(method, 'data', data, this.config.inputDim);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, n);
    const k = checkSamples(method, options.samples ?? 1);
    return this.#logLikelihoods(method, data, conditions, k, batchSize).map((v) => -v);
  }

  /** The posterior q(z|x) = N(mean, diag e^logVar) of each row of x; with `sample: true` also a draw z ~ q(z|x). */
  encode(x: Float32Array, options: EncodeOptions = {}): Encoding {
    const method = 'VAE.encode';
    const w = this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.encode);
    const { inputDim: D, latentDim: L } = this.config;
    const n = this.#rowCount(method, 'x', x, D);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, n);
    const sample = options.sample ?? false;
    if (typeof sample !== 'boolean') throw argumentError(method, 'options.sample', 'a boolean', sample);
    const mean = allocate(method, 'the means', n, L, Float32Array), logVar = allocate(method, 'the log-variances', n, L, Float32Array);
    const z = sample ? allocate(method, 'the draws', n, L, Float32Array) : undefined;
    this.#chunks(method, n, (start, rows) => {
      this.#engine!.write(w.model_input(), x.subarray(start * D, (start + rows) * D));
      this.#checkInput(method, 'x', rows, start, false);
      this.#writeConditions(conditions, start, rows);
      this.#runner!.run(method, z ? JOB.ENCODE_SAMPLE : JOB.ENCODE, rows);
      mean.set(this.#engine!.f32(w.model_mean(), rows * L), start * L);
      logVar.set(this.#engine!.f32(w.model_logvar(), rows * L), start * L);
      z?.set(this.#engine!.f32(w.model_latent(), rows * L), start * L);
    });
    return z ? { mean, logVar, z } : { mean, logVar };
  }

  /** The likelihood's mean for each row of z: Bernoulli probabilities, or Gaussian means. */
  decode(z: Float32Array, options: ConditionOptions = {}): Float32Array {
    const method = 'VAE.decode';
    const w = this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.conditions);
    const { inputDim: D, latentDim: L } = this.config;
    const n = this.#rowCount(method, 'z', z, L);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, n);
    const out = allocate(method, 'the result', n, D, Float32Array);
    this.#chunks(method, n, (start, rows) => {
      this.#engine!.write(w.model_latent(), z.subarray(start * L, (start + rows) * L));
      const bad = w.first_outside(w.model_latent(), rows * L, -FLOAT_MAX, FLOAT_MAX);
      if (bad >= 0) throw valueError(method, 'z', 'finite numbers', start * L + bad, z[start * L + bad]);
      this.#writeConditions(conditions, start, rows);
      this.#runner!.run(method, JOB.DECODE_MEAN, rows);
      out.set(this.#engine!.f32(w.model_output(), rows * D), start * D);
    });
    return out;
  }

  /** decode(encode(x).mean), with the same conditions on both sides. */
  reconstruct(x: Float32Array, options: ConditionOptions = {}): Float32Array {
    checkOptions('VAE.reconstruct', options, OPTION_KEYS.conditions);
    return this.decode(this.encode(x, options).mean, options);
  }

  /** n draws z ~ N(0, I) from the model's sample stream, decoded: n·inputDim values. */
  sample(n: number, options: ConditionOptions = {}): Float32Array {
    const method = 'VAE.sample';
    const w = this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.conditions);
    if (!Number.isInteger(n) || n < 1) throw argumentError(method, 'n', 'a positive integer', n);
    const D = this.config.inputDim;
    const out = allocate(method, 'the result', n, D, Float32Array);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, n);
    this.#chunks(method, n, (start, rows) => {
      this.#writeConditions(conditions, start, rows);
      this.#runner!.run(method, JOB.SAMPLE, rows);
      out.set(this.#engine!.f32(w.model_output(), rows * D), start * D);
    });
    return out;
  }

  /**
   * `steps` points from a to b, decoded (steps × inputDim). a and b are latent codes or inputs (then encoded to
   * their means); linear, or spherical with `spherical: true`. A conditional model takes one condition row.
   */
  interpolate(a: Float32Array, b: Float32Array, steps: number, options: InterpolateOptions = {}): Float32Array {
    const method = 'VAE.interpolate';
    this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.interpolate);
    const { inputDim: D, latentDim: L, conditionDim: C } = this.config;
    if (!Number.isInteger(steps) || steps < 1) throw argumentError(method, 'steps', 'a positive integer', steps);
    const spherical = options.spherical ?? false;
    if (typeof spherical !== 'boolean') throw argumentError(method, 'options.spherical', 'a boolean', spherical);
    for (const [name, v] of [['a', a], ['b', b]] as const) {
      if (!(v instanceof Float32Array)) throw argumentError(method, name, 'a Float32Array', v);
    }
    const inferred = L === D ? undefined : a.length === L ? 'latent' : a.length === D ? 'input' : undefined;
    const space = options.space ?? inferred;
    if (space !== 'latent' && space !== 'input') {
      throw argumentError(method, 'options.space', `'latent' or 'input' (a has length ${a.length}; latentDim ${L}, inputDim ${D})`, space);
    }
    const dim = space === 'latent' ? L : D;
    if (a.length !== dim || b.length !== dim) {
      throw argumentError(method, 'a.length and b.length', `${dim} (one ${space === 'latent' ? 'latent code' : 'input'} each)`, `${a.length} and ${b.length}`);
    }
    const condition = this.#conditions(method, 'options.conditions', options.conditions, 1);
    checkOutputSize(method, 'the result', steps, D);
    checkOutputSize(method, 'the path', steps, L);
    checkOutputSize(method, 'the conditions', steps, C);
    const ends = space === 'latent' ? [a, b] : [a, b].map((x) => this.encode(x, { conditions: condition }).mean);
    const path = interpolatePoints(ends[0], ends[1], steps, spherical);
    return this.decode(path, { conditions: condition && repeatRows(condition, C, steps) });
  }

  /**
   * For a 2-D latent: the n × n grid of decoded codes at normal quantiles (Kingma & Welling 2014, Figure 4),
   * row-major from the top-left, z₁ growing rightwards and z₂ upwards; n²·inputDim values.
   */
  latentGrid(n: number, options: LatentGridOptions = {}): Float32Array {
    const method = 'VAE.latentGrid';
    this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.latentGrid);
    if (this.config.latentDim !== 2) throw argumentError(method, 'the model', 'one with latentDim 2', `latentDim ${this.config.latentDim}`);
    if (!Number.isInteger(n) || n < 1 || n > 1024) throw argumentError(method, 'n', 'an integer in [1, 1024]', n);
    const lo = options.lo ?? 0.05;
    if (!(typeof lo === 'number' && lo > 0 && lo < 0.5)) throw argumentError(method, 'options.lo', 'a number in (0, 0.5)', lo);
    const condition = this.#conditions(method, 'options.conditions', options.conditions, 1);
    checkOutputSize(method, 'the grid', n * n, this.config.inputDim);
    return this.decode(latentGridPoints(n, lo), { conditions: condition && repeatRows(condition, this.config.conditionDim, n * n) });
  }

  /**
   * The model as safetensors bytes: weights [out, in] as PyTorch stores them, the configuration in __metadata__.
   * `names: 'pytorch-examples'` writes pytorch/examples' names; `includeOptimizer` adds everything a resume needs.
   */
  save(options: SaveOptions = {}): Uint8Array {
    const method = 'VAE.save';
    this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.save);
    const naming = checkNaming(options.names ?? 'wasm-vae', method);
    const includeOptimizer = options.includeOptimizer ?? false;
    if (typeof includeOptimizer !== 'boolean') throw argumentError(method, 'options.includeOptimizer', 'a boolean', includeOptimizer);
    const userMetadata = checkUserMetadata(method, options.metadata ?? {});
    const tensors = this.#tensorIndices().map((t) => this.#readTensor(t, 0));
    return encodeModelFile({
      config: this.config, naming, tensors, userMetadata, training: includeOptimizer ? this.#trainingState() : null,
    }, method);
  }

  /** Bytes of WebAssembly memory this model holds (parameters, optimiser state, activations and scratch). */
  get memoryBytes(): number {
    return this.#alive('VAE.memoryBytes').memory.buffer.byteLength;
  }

  /** Threads this model's jobs run on: 1, or the pool's size (it drops to 1 if a worker fails). */
  get threads(): number {
    return this.#runner?.threads ?? 1;
  }

  /** Frees the wasm instance and ends the thread pool's workers; every later call throws VAEError DISPOSED. Idempotent. */
  dispose(): void {
    this.#runner?.dispose();
    this.#engine = null;
  }

  get disposed(): boolean {
    return this.#engine === null;
  }

  // ---- internals ----

  #alive(method: string): WasmExports {
    if (this.#engine === null) throw new VAEError('DISPOSED', `${method}: expected a live model; this one was disposed`);
    this.#runner!.checkIdle(method);
    return this.#engine.wasm;
  }

  #idle(method: string): void {
    if (this.#busy) throw new VAEError('INVALID_ARGUMENT', `${method}: expected no fit() in progress on this model; one is running`);
  }

  #reserve(method: string, rows: number): void {
    reserveRows(method, this.#space(), rows);
  }

  #space(): ActivationSpace {
    return { engine: this.#engine!, config: this.config, base: this.#activationsBase };
  }

  /** Runs `body` over [0, n) in chunks that fit the activation buffers. */
  #chunks(method: string, n: number, body: (start: number, rows: number) => void): void {
    const w = this.#engine!.wasm;
    const chunk = fittingChunk(this.#space(), Math.min(n, Math.max(w.model_capacity(), READ_CHUNK)));
    this.#reserve(method, chunk);
    for (let start = 0; start < n; start += chunk) body(start, Math.min(chunk, n - start));
  }

  #rowCount(method: string, name: string, data: unknown, dim: number): number {
    if (!(data instanceof Float32Array)) throw argumentError(method, name, 'a Float32Array', data);
    if (data.length === 0 || data.length % dim !== 0) {
      throw argumentError(method, `${name}.length`, `a positive multiple of ${dim}`, data.length);
    }
    return data.length / dim;
  }

  /** Checks the `rows` rows now in the input buffer: finite, and in [0, 1] for Bernoulli targets. */
  #checkInput(method: string, name: string, rows: number, firstRow = 0, asTargets = true): void {
    const w = this.#engine!.wasm, D = this.config.inputDim;
    const bernoulli = asTargets && this.config.likelihood === 'bernoulli';
    const bad = w.first_outside(w.model_input(), rows * D, bernoulli ? 0 : -FLOAT_MAX, bernoulli ? 1 : FLOAT_MAX);
    if (bad >= 0) {
      const expected = bernoulli ? 'numbers in [0, 1] (Bernoulli targets)' : 'finite numbers';
      throw valueError(method, name, expected, firstRow * D + bad, this.#engine!.f32(w.model_input(), rows * D)[bad]);
    }
  }

  /** Checks every row of `data` through the input buffer, without training on it. */
  #checkAll(method: string, name: string, data: Float32Array): void {
    const D = this.config.inputDim;
    this.#chunks(method, data.length / D, (start, rows) => {
      this.#engine!.write(this.#engine!.wasm.model_input(), data.subarray(start * D, (start + rows) * D));
      this.#checkInput(method, name, rows, start);
    });
  }

  #evaluate(method: string, data: Float32Array, conditions: Float32Array | undefined, batchSize: number): LossTerms {
    const n = data.length / this.config.inputDim;
    let reconstruction = 0, kl = 0;
    this.#evaluationBatches(method, data, conditions, batchSize, JOB.EVALUATE, 1, () => {
      const sums = this.#results(1);
      reconstruction += sums.reconstruction; kl += sums.kl;
    });
    return { loss: (reconstruction + kl) / n, reconstruction: reconstruction / n, kl: kl / n };
  }

  /** Per-example log-likelihood estimates with k importance samples (assembly/model.ts model_log_likelihood). */
  #logLikelihoods(method: string, data: Float32Array, conditions: Float32Array | undefined, k: number, batchSize: number): Float64Array {
    const out = allocate(method, 'the estimates', data.length / this.config.inputDim, 1, Float64Array);
    this.#evaluationBatches(method, data, conditions, batchSize, JOB.LOG_LIKELIHOOD, k, (start, rows) =>
      out.set(this.#engine!.readF64(this.#engine!.wasm.model_row_results(), rows), start));
    return out;
  }

  /**
   * Runs `job` over `data` in batches, `each` reading a batch's results, on the evaluation stream re-seeded (so the
   * same call gives the same number); then puts the stream's whole record back, normal_fill's scratch included, so
   * that evaluation leaves the saved state as it found it.
   */
  #evaluationBatches(method: string, data: Float32Array, conditions: Float32Array | undefined, batchSize: number,
    job: number, samples: number, each: (start: number, rows: number) => void): void {
    const e = this.#engine!, w = e.wasm, D = this.config.inputDim, n = data.length / D;
    this.#reserve(method, Math.min(batchSize, n));
    const record = w.model_stream(STREAM_EVAL), saved = e.bytes(record, STREAM_RECORD_BYTES);
    w.model_reseed(STREAM_EVAL);
    try {
      for (let start = 0; start < n; start += batchSize) {
        const rows = Math.min(batchSize, n - start);
        e.write(w.model_input(), data.subarray(start * D, (start + rows) * D));
        this.#checkInput(method, 'data', rows, start);
        this.#writeConditions(conditions, start, rows);
        this.#runner!.run(method, job, rows, { samples });
        each(start, rows);
      }
    } finally {
      e.writeBytes(record, saved);
    }
  }

  /** A conditional model's conditions for n rows (checked: n × conditionDim finite values); undefined otherwise. */
  #conditions(method: string, name: string, conditions: unknown, n: number): Float32Array | undefined {
    const C = this.config.conditionDim;
    if (C === 0) {
      if (conditions !== undefined) throw argumentError(method, name, 'absent (this model has conditionDim 0)', conditions);
      return undefined;
    }
    if (!(conditions instanceof Float32Array)) throw argumentError(method, name, `a Float32Array of ${n} × ${C} conditions (conditionDim ${C})`, conditions);
    if (conditions.length !== n * C) throw argumentError(method, `${name}.length`, `${n} × ${C} = ${n * C}`, conditions.length);
    for (let i = 0; i < conditions.length; i++) {
      if (!Number.isFinite(conditions[i])) throw valueError(method, name, 'finite numbers', i, conditions[i]);
    }
    return conditions;
  }

  #writeConditions(conditions: Float32Array | undefined, start: number, rows: number): void {
    if (!conditions) return;
    const C = this.config.conditionDim;
    this.#engine!.write(this.#engine!.wasm.model_conditions(), conditions.subarray(start * C, (start + rows) * C));
  }

  /** Fisher–Yates with draws from the model's shuffle stream. */
  #shuffle(order: Uint32Array): void {
    const w = this.#engine!.wasm, state = w.model_stream(STREAM_SHUFFLE);
    for (let i = order.length - 1; i > 0; i--) {
      const j = w.rng_below(state, i + 1) >>> 0;
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
  }

  /** The terms the last wasm call left; loss is formed here with the caller's (float64) beta. */
  #results(beta: number): LossTerms {
    const e = this.#engine!, ptr = e.wasm.model_results();
    const reconstruction = e.f64(ptr, RESULT_RECONSTRUCTION), kl = e.f64(ptr, RESULT_KL);
    return { loss: reconstruction + beta * kl, reconstruction, kl };
  }

  #step(method: string, rows: number, learningRate: number, beta: number, freeBits: number): StepResult {
    const applied = this.#runner!.run(method, JOB.TRAIN, rows, { beta, learningRate, freeBits });
    return { ...this.#results(beta), skipped: applied === 0 };
  }

  async #stepAsync(method: string, rows: number, learningRate: number, beta: number, freeBits: number): Promise<StepResult> {
    const applied = await this.#runner!.runAsync(method, JOB.TRAIN, rows, { beta, learningRate, freeBits });
    return { ...this.#results(beta), skipped: applied === 0 };
  }

  #fitHost(method: string): FitHost {
    const e = this.#engine!, w = e.wasm, generator = () => w.model_stream(STREAM_SHUFFLE);
    const vae = this;
    return {
      inputDim: this.config.inputDim,
      conditionDim: this.config.conditionDim,
      input: (rows) => e.f32(w.model_input(), rows * this.config.inputDim),
      conditionInput: (rows) => e.f32(w.model_conditions(), rows * this.config.conditionDim),
      step: (rows, learningRate, beta, freeBits) => this.#runner!.awaitsSteps
        ? this.#stepAsync(method, rows, learningRate, beta, freeBits) : this.#step(method, rows, learningRate, beta, freeBits),
      shuffleGenerator: () => e.bytes(generator(), GENERATOR_BYTES),
      setShuffleGenerator: (bytes) => e.writeBytes(generator(), bytes),
      shuffle: (order) => this.#shuffle(order),
      evaluate: (data, conditions) => this.#evaluate(method, data, conditions, DEFAULT_BATCH),
      weights: () => this.#tensorIndices().map((t) => this.#readTensor(t, 0)),
      setWeights: (weights) => weights.forEach((data, t) => e.write(this.#tensorPtr(t, 0), data)),
      alive: () => { this.#alive(method); },
      get position() { return vae.#position; },
      set position(p) { vae.#position = p; },
      get bestWeights() { return vae.#bestWeights; },
      set bestWeights(b) { vae.#bestWeights = b; },
    };
  }

  #tensorIndices(): number[] {
    return Array.from({ length: this.#engine!.wasm.model_tensor_count() }, (_, t) => t);
  }

  /** Tensor t of the parameter block (block 0), or of the same place in Adam's m or v block. */
  #tensorPtr(t: number, block: number): number {
    const w = this.#engine!.wasm;
    const offset = w.model_tensor_ptr(t) - w.model_parameters();
    return [w.model_parameters(), w.model_adam_m(), w.model_adam_v()][block] + offset;
  }

  #readTensor(t: number, block: number): Float32Array {
    const w = this.#engine!.wasm;
    return this.#engine!.read(this.#tensorPtr(t, block), w.model_tensor_rows(t) * Math.max(w.model_tensor_cols(t), 1));
  }

  #trainingState(): TrainingState {
    const e = this.#engine!, ts = this.#tensorIndices();
    return {
      state: e.bytes(e.wasm.model_state(), STATE_RECORD_BYTES),
      m: ts.map((t) => this.#readTensor(t, 1)), v: ts.map((t) => this.#readTensor(t, 2)),
      fit: this.#position && copyPosition(this.#position),
      best: hasBestWeights(this.#position) ? this.#bestWeights : null,
    };
  }

  /** Writes a checked file's tensors (and training state) into this freshly built model. */
  #restore(file: ModelFile): void {
    const e = this.#engine!;
    if (e.wasm.model_state_bytes() !== STATE_RECORD_BYTES) {
      throw new VAEError('INVALID_ARGUMENT', `VAE.load: expected a wasm build with a ${STATE_RECORD_BYTES}-byte state record; this one has ${e.wasm.model_state_bytes()}`);
    }
    file.tensors.forEach((data, t) => e.write(this.#tensorPtr(t, 0), data));
    if (file.training) {
      const { state, m, v, fit } = file.training;
      m.forEach((data, t) => e.write(this.#tensorPtr(t, 1), data));
      v.forEach((data, t) => e.write(this.#tensorPtr(t, 2), data));
      e.writeBytes(e.wasm.model_state(), state);
      this.#position = fit;
      this.#bestWeights = file.training.best;
    }
  }
}

