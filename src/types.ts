import type { Activation, ConvLayerSpec, DenseLayerSpec, GaussianVariance, InputShape, LayerSpec, Likelihood, LikelihoodBlock, Normalization, Normalize } from './model-types.js';

export type { Activation, ConvLayerSpec, DenseLayerSpec, GaussianVariance, InputShape, LayerSpec, Likelihood, LikelihoodBlock, Normalization, Normalize };

/** A model's complete architecture and seed; `vae.config` returns it and it is saved with the weights. */
export interface VAEConfig {
  readonly inputDim: number;
  /**
   * What a row is, when it is an image: [channels, height, width], as in PyTorch. A row's values are laid out
   * channel-major, [c][y][x] (`torch.flatten(x, 1)`), so inputDim = channels × height × width. Absent (the key
   * too) for models created without it.
   */
  readonly inputShape?: InputShape;
  /**
   * Widths of the dense hidden layers of an MLP (the encoder's, mirrored by the decoder). Absent when the model is
   * given as layer lists (`encoder` and `decoder`).
   */
  readonly hiddenDims?: readonly number[];
  /**
   * The encoder as a list of layers, from the input to the last layer before the dense heads for the mean and the
   * log-variance (the output is flattened for them, as `torch.flatten(h, 1)`). Absent for MLPs given by hiddenDims.
   */
  readonly encoder?: readonly LayerSpec[];
  /**
   * The decoder as a list of layers from z (joined to the condition) to the likelihood's parameters: its first layer
   * is dense, its last gives inputDim values (of inputShape, when it is a convolution). Absent with hiddenDims.
   */
  readonly decoder?: readonly LayerSpec[];
  readonly latentDim: number;
  readonly activation: Activation;
  readonly likelihood: Likelihood;
  /** The variance of likelihood 'gaussian' (default 'unit'). Absent (the key too) unless given. */
  readonly variance?: GaussianVariance;
  /**
   * Scaling kept with the model: 'standardize' (mean 0, standard deviation 1) or 'minmax' (to [0, 1]) per column,
   * from statistics the first fit computes on its training data and keeps (saved with the model). Every call then
   * takes and returns data in its own units; losses and scores are nats of the scaled data. It scales Gaussian
   * columns, or with 'minmax' every column of a 'bernoulli' model. Absent (the key too) for 'none', the default.
   * Such a model takes no other call with data (trainStep included) before its first fit.
   */
  readonly normalize?: Normalize;
  /** Drives initialisation, shuffling and ε: the same seed and data give bit-identical models. */
  readonly seed: number;
  /**
   * Width of the condition of a conditional VAE (0: none). The condition (one-hot labels, or any features) is
   * joined to the encoder's input and to the decoder's input, so every call then takes `conditions`.
   */
  readonly conditionDim: number;
}

/**
 * Which wasm a model runs on. 'auto' (the default) uses the embedded SIMD build where the engine has
 * WebAssembly SIMD and the embedded scalar build elsewhere; 'simd' or 'scalar' insist on one. Bytes, a compiled
 * WebAssembly.Module or a URL supply the module yourself, e.g. the `wasm-vae/wasm/simd` file served and cached
 * on its own. Both builds train bit-identical weights from the same seed.
 */
export type WasmSource = 'auto' | 'simd' | 'scalar' | ArrayBuffer | ArrayBufferView | WebAssembly.Module | URL;

/** The second argument of VAE.create; VAE.load takes these within LoadOptions. */
export interface EngineOptions {
  wasm?: WasmSource;
  /**
   * Threads that train and infer together on shared WebAssembly memory (default 1). 'auto' takes the available
   * cores, up to 8, and stays at 1 where threads cannot run. Results are the same bytes for every thread count.
   */
  threads?: Threads;
}

/**
 * The second argument of VAE.load: the engine's options, and for a PyTorch state dict (a file without wasm-vae's
 * metadata) the model it holds: `config` as VAE.create takes it, and `names` mapping its tensors to our layers
 * (default 'wasm-vae'; without `config`, the file is read as a pytorch/examples state dict). For a file saved by
 * wasm-vae both are optional, and must agree with the file when given.
 */
export interface LoadOptions extends EngineOptions {
  config?: VAEOptions | ShapedVAEOptions;
  names?: TensorNaming | TensorNameMap;
}

/** A thread count, or 'auto' for the available cores. */
export type Threads = number | 'auto';

/** VAE.create's argument: inputDim is required, everything else has a default (see also ShapedVAEOptions). */
export type VAEOptions = Partial<VAEConfig> & { readonly inputDim: number };

/** VAE.create's argument for images: inputShape implies inputDim (which may be given too, if it agrees). */
export type ShapedVAEOptions = Partial<VAEConfig> & { readonly inputShape: InputShape };

/** Terms of the negative ELBO in nats per example: loss = reconstruction + beta·kl. */
export interface LossTerms {
  loss: number;
  reconstruction: number;
  kl: number;
}

/** What trainStep returns: the batch's loss terms, and whether the divergence guard skipped the update. */
export interface StepResult extends LossTerms {
  /**
   * True when the loss or a gradient was not finite (or beyond ±1e19): the step was not applied, and the
   * weights, Adam's moments and the step count kept their last good values.
   */
  skipped: boolean;
}

/** Tensor names in a saved file: ours (encoder.0, encoder.mean, …) or pytorch/examples' (fc1, fc21, fc22, fc3, fc4). */
export type TensorNaming = 'wasm-vae' | 'pytorch-examples';

/**
 * Your PyTorch modules' names for our layers, e.g. { 'encoder.0': 'enc.0', 'encoder.mean': 'fc_mu', …,
 * 'decoder.out': 'dec.2' }: the state dict then holds `enc.0.weight`, `enc.0.bias`, … Every layer of the model
 * (encoder.0 …, encoder.mean, encoder.logvar, decoder.0 …, decoder.out) is named exactly once, each by a different
 * module path. A model with learned log-variances may also give its tensor decoder.logvar a parameter name, e.g.
 * 'decoder.logvar': 'log_sigma2' (default: decoder.logvar).
 */
export type TensorNameMap = Readonly<Record<string, string>>;

export interface SaveOptions {
  /**
   * 'pytorch-examples' writes the names of pytorch/examples' vae/main.py, so that its `load_state_dict` accepts
   * the weights (one hidden layer only); a TensorNameMap writes your module's names (the map is stored too, so
   * VAE.load reads the file back without options). Default 'wasm-vae'.
   */
  names?: TensorNaming | TensorNameMap;
  /** Also store Adam's moments, the step count, every RNG stream and fit's position: a file to resume from. */
  includeOptimizer?: boolean;
  /** Extra __metadata__ entries (string → string); the keys format, format_version, config, naming, names, training are ours. */
  metadata?: Record<string, string>;
}

export interface TrainStepOptions {
  /** Adam's step size; default 1e-3. */
  learningRate?: number;
  /** Weight of the KL term; default 1 (the ELBO). */
  beta?: number;
  /**
   * Free bits λ, nats per latent dimension (Kingma et al. 2016): a dimension whose batch-mean KL is below λ is
   * not penalised (its KL gradient is zero), so latent dimensions are not switched off early. Default 0 (off).
   */
  freeBits?: number;
  /** Conditional models: the batch's conditions, n × conditionDim. */
  conditions?: Float32Array;
}

/** Options of calls that read a conditional model: the rows' conditions, n × conditionDim. */
export interface ConditionOptions {
  conditions?: Float32Array;
}

export interface EarlyStopping {
  /** Epochs without an improvement of the validation loss after which fit stops. */
  patience: number;
  /** An improvement is a drop of more than this many nats; default 0. */
  minDelta?: number;
  /** On stopping, restore the weights of the best epoch exactly; default false. */
  restoreBest?: boolean;
}

export interface BatchLog extends StepResult {
  /** β of this step (it rises during klWarmup). */
  beta: number;
  epoch: number;
  batch: number;
  batches: number;
}

/**
 * One epoch of fit: its loss terms are means over the steps that were applied, nats per example. When the
 * divergence guard skipped every step of the epoch there is nothing to average: `allSkipped` is true, `examples` 0,
 * and loss, reconstruction and kl are NaN (null once written as JSON). Values from earlier epochs are not carried
 * over, so a plot shows the gap rather than a loss the model never had.
 */
export interface EpochLog extends LossTerms {
  epoch: number;
  /** Wall-clock seconds of the epoch's training (validation excluded). */
  seconds: number;
  /** Examples trained on in this epoch (fewer than the data when aborted). */
  examples: number;
  /** Steps of this epoch that the divergence guard skipped (their loss is not in the means). */
  skipped: number;
  /** Present and true when the guard skipped every step of this epoch (examples 0; the loss terms are then NaN). */
  allSkipped?: boolean;
  /**
   * The validation data's negative ELBO (β = 1, whatever the training β), with its terms. `loss` is the training
   * objective (reconstruction + β·kl, with Σⱼ max(λ, KLⱼ) for kl under free bits); compare valLoss with
   * negativeElbo, and loss with valObjective.
   */
  valLoss?: number;
  valReconstruction?: number;
  valKl?: number;
  /** The training data's negative ELBO (β = 1): reconstruction + kl. Compare it with valLoss. */
  negativeElbo: number;
  /**
   * The validation data's training objective, valReconstruction + β·KL with the epoch's last β and, under free bits,
   * Σⱼ max(λ, KLⱼ) over the whole validation set. Compare it with loss.
   */
  valObjective?: number;
  /** Present and true on the last log when `signal` stopped training inside this epoch. */
  aborted?: boolean;
  /** β of the epoch's last step (it rises during klWarmup). */
  beta: number;
  /** With earlyStopping: the best epoch so far (by validation loss). */
  bestEpoch?: number;
  /** Present and true on the log of the epoch after which early stopping ended the run. */
  stoppedEarly?: boolean;
  /** With restoreBest: the epoch whose weights the model now holds. */
  restoredEpoch?: number;
}

export interface FitOptions extends TrainStepOptions {
  /** Default 1. */
  epochs?: number;
  /** Default 128. */
  batchSize?: number;
  /** Reshuffle each epoch from the model's shuffle stream; default true. */
  shuffle?: boolean;
  /** Evaluated at each epoch's end into valLoss, valReconstruction, valKl. */
  validationData?: Float32Array;
  /** Conditional models: the conditions of validationData's rows. */
  validationConditions?: Float32Array;
  /**
   * KL warm-up: β rises linearly from 0 to `beta` over this many steps, β_s = beta·min(1, s/N) at the run's step s
   * (Bowman et al. 2016; Sønderby et al. 2016). Default 0 (off).
   */
  klWarmup?: number;
  /** Stop when the validation loss has not improved for `patience` epochs (needs validationData). */
  earlyStopping?: EarlyStopping;
  /**
   * Continue the run this model was in: its epoch, batch and shuffle order (from a fit in this process, or from a
   * file saved with includeOptimizer). `epochs` is then the run's total. Without it, fit starts a new run of
   * `epochs` epochs (the weights and Adam's state carry on either way). Default false. A model with no run to
   * continue (no fit yet, and not loaded from a file saved with includeOptimizer after a fit) throws INVALID_ARGUMENT.
   */
  resume?: boolean;
  /** After this many consecutive skipped steps fit throws VAEError DIVERGED, the model intact. Default 20. */
  maxConsecutiveSkips?: number;
  /** Stops training at the next batch boundary; the model stays consistent and usable. Anything else is refused. */
  signal?: AbortSignal;
  onBatchEnd?: (log: BatchLog) => void;
  onEpochEnd?: (log: EpochLog) => void;
  /**
   * Advice about the data, before training: e.g. a unit-variance Gaussian model given columns far from unit scale
   * (once per model, at its first fit). Default console.warn.
   */
  onWarning?: (message: string) => void;
}

export interface EvaluateOptions extends ConditionOptions {
  /** Default 128. */
  batchSize?: number;
  /**
   * Importance samples k per example for `logLikelihood`: the bound of Burda et al. (2016); k = 1 is the ELBO.
   * Without it, evaluate returns the loss terms only.
   */
  samples?: number;
}

/** evaluate's result: the negative ELBO's terms, and with `samples` the importance-weighted bound. */
export interface Evaluation extends LossTerms {
  /** log p(x) ≥ logLikelihood, nats per example (a mean); with samples = 1 it is exactly −loss. */
  logLikelihood?: number;
}

export interface ScoreOptions extends ConditionOptions {
  /** Importance samples per example; default 1 (the ELBO). */
  samples?: number;
  /** Default 128. */
  batchSize?: number;
}

export interface ReconstructionErrorOptions extends ConditionOptions {
  /** One error per value (n × inputDim, Float32Array) instead of one per row (Float64Array); default false. */
  perFeature?: boolean;
}

export interface EncodeOptions extends ConditionOptions {
  /** Also draw z ~ q(z|x) from the model's sample stream; default false. */
  sample?: boolean;
}

export interface InterpolateOptions extends ConditionOptions {
  /** Spherical interpolation (slerp, White 2016) instead of linear; default false. */
  spherical?: boolean;
  /** Whether a and b are latent codes or inputs (encoded to their means). Inferred from their length when clear. */
  space?: 'latent' | 'input';
}

export interface LatentGridOptions extends ConditionOptions {
  /** The grid spans the normal quantiles of [lo, 1 − lo]; default 0.05 (as in the Keras VAE example). */
  lo?: number;
}

export interface Encoding {
  /** n·latentDim posterior means. */
  mean: Float32Array;
  /** n·latentDim posterior log-variances (clamped to [−30, 20]). */
  logVar: Float32Array;
  /** With `sample: true`: n·latentDim draws z ~ q(z|x). */
  z?: Float32Array;
}
