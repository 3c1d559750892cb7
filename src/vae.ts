// class VAE — the API users see. Each method checks its arguments (src/checks/) and hands the work to the model's
// wasm side (src/wasm/model.ts), which copies data in and out and runs the wasm jobs; fit's loop is src/train/fit.ts.
import { checkModelSize, resolveConfig } from './checks/config.js';
import { checkConditions, rowCount } from './checks/data.js';
import { checkInterpolation, checkLatentGrid } from './checks/latent.js';
import {
  argumentError, checkBatchSize, checkEngineOptions, checkFitOptions, checkOptions, checkSamples, checkStepOptions,
  checkLoadOptions, checkUserMetadata, OPTION_KEYS, repeatRows,
} from './checks/options.js';
import { interpolatePoints, latentGridPoints } from './extras/latent-tools.js';
import { elementNll, rowSums } from './extras/reconstruction-error.js';
import { computeNormalization, rescale, scaleWarning } from './extras/normalization.js';
import { parameterCountOf } from './files/layout.js';
import { decodeModelFile, encodeModelFile } from './files/model-file.js';
import { checkNamingKind, resolveNaming } from './files/tensor-names.js';
import { VAEError } from './errors.js';
import { runFit } from './train/fit.js';
import { allocate } from './wasm/sizes.js';
import { WasmModel } from './wasm/model.js';
import { resolveThreads } from './wasm/threads/support.js';
import type {
  ConditionOptions, EncodeOptions, EngineOptions, EpochLog, Encoding, EvaluateOptions, Evaluation, FitOptions,
  InterpolateOptions, LatentGridOptions, LoadOptions, Normalization, ReconstructionErrorOptions, SaveOptions, ScoreOptions, ShapedVAEOptions, StepResult, TrainStepOptions,
  VAEConfig, VAEOptions,
} from './types.js';

/**
 * A variational autoencoder (Kingma & Welling 2014): an encoder maps x to q(z|x) = N(μ, diag σ²), z = μ + σ·ε, and a
 * decoder maps z to p(x|z); training maximises the ELBO. Build one with {@link VAE.create} or {@link VAE.load};
 * every other call is synchronous except {@link VAE.fit}. Data are flat row-major Float32Arrays (n × dim); losses
 * are nats per example. Bad arguments throw {@link VAEError} and leave the model as it was.
 */
export class VAE {
  /** The architecture and seed, as saved with the model. */
  readonly config: VAEConfig;
  /** Number of trainable scalars (weights and biases). */
  readonly parameterCount: number;
  /** True when this model runs on the SIMD build, false on the scalar fallback. */
  readonly simd: boolean;
  /** The wasm instance, its job runner and its training state (src/wasm/model.ts). */
  readonly #model: WasmModel;
  #busy = false;
  /** With config.normalize: the statistics, from the first fit (or the file); null until then. */
  #norm: Normalization | null = null;
  /** Whether fit has looked at the data's scales (once per model, see scaleWarning). */
  #scalesSeen = false;

  private constructor(model: WasmModel) {
    this.#model = model;
    this.config = model.config;
    this.parameterCount = parameterCountOf(model.config);
    this.simd = model.simd;
    model.ownedBy(this);
  }

  /**
   * Builds a model with weights initialised like PyTorch's nn.Linear, U(±1/√fan_in), from `seed`.
   * `engine.wasm` chooses the wasm (see WasmSource); by default the embedded build that suits this engine.
   * For images, `inputShape: [channels, height, width]` may stand for inputDim.
   */
  static async create(options: VAEOptions | ShapedVAEOptions, engine: EngineOptions = {}): Promise<VAE> {
    const method = 'VAE.create';
    return VAE.#build(method, resolveConfig(options, method, 'INVALID_CONFIG'), checkEngineOptions(method, engine));
  }

  static async #build(method: string, config: VAEConfig, engineOptions: EngineOptions): Promise<VAE> {
    checkModelSize(method, config);
    const threads = resolveThreads(method, engineOptions.threads, engineOptions.wasm);
    return new VAE(await WasmModel.create(method, config, engineOptions.wasm, threads));
  }

  /**
   * Reads a model file: one written by save() (weights bit-exact; with includeOptimizer, the whole training
   * state), or a PyTorch state dict saved with safetensors: of the model `options.config` describes, its tensors
   * named by `options.names` (a TensorNameMap from our layers to its modules), or without a config a
   * pytorch/examples VAE (fc1, fc21, fc22, fc3, fc4; sizes inferred from the shapes). F32, F16 and BF16 tensors
   * are accepted. Every check runs before the model is built, so a bad file throws VAEError INVALID_MODEL_FILE
   * with the reason (every unknown, missing or misshapen tensor named) and leaves nothing behind.
   */
  static async load(bytes: Uint8Array, options: LoadOptions = {}): Promise<VAE> {
    const method = 'VAE.load';
    const { config, names, ...engine } = checkLoadOptions(method, options);
    const engineOptions = checkEngineOptions(method, engine);
    const hinted = config === undefined ? undefined : resolveConfig(config, `${method} (options.config)`, 'INVALID_CONFIG');
    const naming = names === undefined ? undefined : checkNamingKind(names, method);
    const file = decodeModelFile(bytes, method, { config: hinted, naming });
    const vae = await VAE.#build(method, file.config, engineOptions);
    vae.#model.restore(file);
    vae.#norm = file.normalization;
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
    const rows = rowCount(method, 'batch', batch, this.config.inputDim);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, rows);
    return this.#model.trainStep(method, this.#in(method, batch), rows, conditions, learningRate, beta, freeBits);
  }

  /**
   * Trains for `epochs` passes over `data`, yielding to the event loop after every batch. `signal` stops at the
   * next batch boundary; the model is then exactly as after its last completed step. Steps the divergence guard
   * skips are counted in the logs; `maxConsecutiveSkips` of them in a row throw VAEError DIVERGED. A model with
   * normalize computes its statistics from `data` at its first fit and keeps them; it trains on a scaled copy.
   */
  async fit(data: Float32Array, options: FitOptions = {}): Promise<EpochLog[]> {
    const method = 'VAE.fit';
    this.#alive(method);
    this.#idle(method);
    const settings = checkFitOptions(method, options);
    const D = this.config.inputDim;
    const n = rowCount(method, 'data', data, D);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, n);
    this.#model.reserve(method, Math.min(settings.batchSize, n)); // before checking the data, so a refused batch grows nothing
    // The first fit of a model with normalize computes its statistics; they are kept only once every check has passed.
    const norm = this.#norm ?? (this.config.normalize ? computeNormalization(method, this.config, data) : null);
    const warning = this.#scalesSeen ? null : scaleWarning(method, this.config, data);
    const x = rescale(norm, data);
    this.#model.checkAll(method, 'data', x);
    let validationConditions: Float32Array | undefined, validationData: Float32Array | undefined;
    if (options.validationData !== undefined) {
      const rows = rowCount(method, 'options.validationData', options.validationData, D);
      validationConditions = this.#conditions(method, 'options.validationConditions', options.validationConditions, rows);
      this.#model.checkAll(method, 'options.validationData', validationData = rescale(norm, options.validationData));
    }
    this.#norm = norm;
    this.#scalesSeen = true;
    if (warning) (options.onWarning ?? console.warn)(warning);
    this.#busy = true;
    try {
      return await runFit(method, this.#model, x, { ...settings, conditions, validationData, validationConditions });
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
    const n = rowCount(method, 'data', data, this.config.inputDim);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, n);
    const x = this.#in(method, data), terms: Evaluation = this.#model.evaluate(method, x, conditions, batchSize);
    if (options.samples !== undefined) {
      const k = checkSamples(method, options.samples);
      // k = 1 is the ELBO itself, so the same draws give −loss exactly; k > 1 is the importance-weighted bound.
      terms.logLikelihood = k === 1 ? -terms.loss
        : this.#model.logLikelihoods(method, x, conditions, k, batchSize).reduce((a, b) => a + b, 0) / n;
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
    const n = rowCount(method, 'data', data, this.config.inputDim);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, n);
    const k = checkSamples(method, options.samples ?? 1);
    return this.#model.logLikelihoods(method, this.#in(method, data), conditions, k, batchSize).map((v) => -v);
  }

  /** The posterior q(z|x) = N(mean, diag e^logVar) of each row of x; with `sample: true` also a draw z ~ q(z|x). */
  encode(x: Float32Array, options: EncodeOptions = {}): Encoding {
    const method = 'VAE.encode';
    this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.encode);
    const n = rowCount(method, 'x', x, this.config.inputDim);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, n);
    const sample = options.sample ?? false;
    if (typeof sample !== 'boolean') throw argumentError(method, 'options.sample', 'a boolean', sample);
    return this.#model.encode(method, this.#in(method, x), conditions, sample);
  }

  /** The likelihood's mean for each row of z: Bernoulli probabilities, Gaussian means, or each block's (softmax: categorical); in the data's units with normalize. */
  decode(z: Float32Array, options: ConditionOptions = {}): Float32Array {
    const method = 'VAE.decode';
    this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.conditions);
    const n = rowCount(method, 'z', z, this.config.latentDim);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, n);
    const norm = this.#stats(method); // before any work: a model with normalize and no statistics throws
    return rescale(norm, this.#model.decode(method, z, conditions), true);
  }

  /** decode(encode(x).mean), with the same conditions on both sides. */
  reconstruct(x: Float32Array, options: ConditionOptions = {}): Float32Array {
    checkOptions('VAE.reconstruct', options, OPTION_KEYS.conditions);
    return this.decode(this.encode(x, options).mean, options);
  }

  /**
   * How badly each row is reconstructed: −log p(x | z) in nats at z = the posterior mean, so the same call gives the
   * same numbers. The likelihood's own terms (the constants included), so a learned variance weighs each column by
   * how well the model knows it. One sum per row, or with `perFeature: true` one value per element (n × inputDim).
   */
  reconstructionError(x: Float32Array, options?: ReconstructionErrorOptions & { perFeature?: false }): Float64Array;
  reconstructionError(x: Float32Array, options: ReconstructionErrorOptions & { perFeature: true }): Float32Array;
  reconstructionError(x: Float32Array, options: ReconstructionErrorOptions = {}): Float64Array | Float32Array {
    const method = 'VAE.reconstructionError';
    this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.reconstructionError);
    const perFeature = options.perFeature ?? false;
    if (typeof perFeature !== 'boolean') throw argumentError(method, 'options.perFeature', 'a boolean', perFeature);
    const n = rowCount(method, 'x', x, this.config.inputDim);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, n);
    const xs = this.#in(method, x); // the element terms are nats of the scaled data, as the scores are
    this.#model.checkAll(method, 'x', xs);
    const params = this.#model.decoderOutput(method, this.#model.encode(method, xs, conditions, false).mean, conditions);
    const D = this.config.inputDim, logVar = this.#model.decoderLogVar();
    return perFeature ? elementNll(this.config, xs, params, logVar, allocate(method, 'the result', n, D, Float32Array))
      : rowSums(elementNll(this.config, xs, params, logVar, allocate(method, 'the elements', n, D, Float64Array)), D);
  }

  /** n draws z ~ N(0, I) from the model's sample stream, decoded: n·inputDim values (a likelihood list draws x per block). */
  sample(n: number, options: ConditionOptions = {}): Float32Array {
    const method = 'VAE.sample';
    this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.conditions);
    if (!Number.isInteger(n) || n < 1) throw argumentError(method, 'n', 'a positive integer', n);
    const out = allocate(method, 'the result', n, this.config.inputDim, Float32Array);
    const conditions = this.#conditions(method, 'options.conditions', options.conditions, n);
    const norm = this.#stats(method);
    return rescale(norm, this.#model.sample(method, out, conditions), true);
  }

  /**
   * `steps` points from a to b, decoded (steps × inputDim). a and b are latent codes or inputs (then encoded to
   * their means); linear, or spherical with `spherical: true`. A conditional model takes one condition row.
   */
  interpolate(a: Float32Array, b: Float32Array, steps: number, options: InterpolateOptions = {}): Float32Array {
    const method = 'VAE.interpolate';
    this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.interpolate);
    const { space, spherical, condition } = checkInterpolation(method, this.config, a, b, steps, options);
    const ends = space === 'latent' ? [a, b] : [a, b].map((x) => this.encode(x, { conditions: condition }).mean);
    const path = interpolatePoints(ends[0], ends[1], steps, spherical);
    return this.decode(path, { conditions: condition && repeatRows(condition, this.config.conditionDim, steps) });
  }

  /**
   * For a 2-D latent: the n × n grid of decoded codes at normal quantiles (Kingma & Welling 2014, Figure 4),
   * row-major from the top-left, z₁ growing rightwards and z₂ upwards; n²·inputDim values.
   */
  latentGrid(n: number, options: LatentGridOptions = {}): Float32Array {
    const method = 'VAE.latentGrid';
    this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.latentGrid);
    const { lo, condition } = checkLatentGrid(method, this.config, n, options);
    return this.decode(latentGridPoints(n, lo), { conditions: condition && repeatRows(condition, this.config.conditionDim, n * n) });
  }

  /**
   * The model as safetensors bytes: weights [out, in] as PyTorch stores them, the configuration in __metadata__.
   * `names: 'pytorch-examples'` writes pytorch/examples' names, a TensorNameMap your modules' names (for
   * load_state_dict; the map is stored too); `includeOptimizer` adds everything a resume needs.
   */
  save(options: SaveOptions = {}): Uint8Array {
    const method = 'VAE.save';
    this.#alive(method);
    checkOptions(method, options, OPTION_KEYS.save);
    const naming = resolveNaming(checkNamingKind(options.names ?? 'wasm-vae', method), this.config, method);
    const includeOptimizer = options.includeOptimizer ?? false;
    if (typeof includeOptimizer !== 'boolean') throw argumentError(method, 'options.includeOptimizer', 'a boolean', includeOptimizer);
    const userMetadata = checkUserMetadata(method, options.metadata ?? {});
    return encodeModelFile({
      config: this.config, naming, tensors: this.#model.weights(), userMetadata, normalization: this.#norm,
      training: includeOptimizer ? this.#model.trainingState() : null,
    }, method);
  }

  /**
   * With config.normalize: the per-column statistics every call applies, computed by the first fit from its training
   * data (or read from the file); copies. Null before that fit, and for models without normalize.
   */
  get normalization(): Normalization | null {
    const norm = this.#norm;
    return norm && { shift: norm.shift.slice(), scale: norm.scale.slice() };
  }

  /** Bytes of WebAssembly memory this model holds (parameters, optimiser state, activations and scratch). */
  get memoryBytes(): number {
    this.#alive('VAE.memoryBytes');
    return this.#model.memoryBytes;
  }

  /** Threads this model's jobs run on: 1, or the pool's size (it drops to 1 if a worker fails). */
  get threads(): number {
    return this.#model.threads;
  }

  /** Frees the wasm instance and ends the thread pool's workers; every later call throws VAEError DISPOSED. Idempotent. */
  dispose(): void {
    this.#model.dispose();
  }

  get disposed(): boolean {
    return this.#model.disposed;
  }

  /** Throws DISPOSED after dispose(), and while fit awaits a step on the thread pool. */
  #alive(method: string): void {
    this.#model.checkAlive(method);
  }

  #idle(method: string): void {
    if (this.#busy) throw new VAEError('INVALID_ARGUMENT', `${method}: expected no fit() in progress on this model; one is running`);
  }

  /**
   * The statistics this model scales its data by (null without normalize). A model with normalize has none until its
   * first fit: every call that takes or returns data throws until then, rather than read or return them in the wrong units.
   */
  #stats(method: string): Normalization | null {
    if (this.config.normalize && !this.#norm) {
      throw new VAEError('INVALID_ARGUMENT', `${method}: expected a fitted model; normalize needs the statistics its first fit computes: call fit first`);
    }
    return this.#norm;
  }

  /** `data` in the model's units: a scaled copy, or `data` itself without normalize. */
  #in(method: string, data: Float32Array): Float32Array {
    return rescale(this.#stats(method), data);
  }

  #conditions(method: string, name: string, conditions: unknown, n: number): Float32Array | undefined {
    return checkConditions(method, name, conditions, n, this.config.conditionDim);
  }
}
