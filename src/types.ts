export type Activation = 'relu' | 'leakyRelu' | 'tanh' | 'sigmoid';

/** p(x|z): Bernoulli on logits (targets in [0, 1]) or a unit-variance Gaussian (the MSE form). */
export type Likelihood = 'bernoulli' | 'gaussian';

/** A model's complete architecture and seed; `vae.config` returns it and it is saved with the weights. */
export interface VAEConfig {
  readonly inputDim: number;
  readonly hiddenDims: readonly number[];
  readonly latentDim: number;
  readonly activation: Activation;
  readonly likelihood: Likelihood;
  /** Drives initialisation, shuffling and ε: the same seed and data give bit-identical models. */
  readonly seed: number;
}

/**
 * Which wasm a model runs on. 'auto' (the default) uses the embedded SIMD build where the engine has
 * WebAssembly SIMD and the embedded scalar build elsewhere; 'simd' or 'scalar' insist on one. Bytes, a compiled
 * WebAssembly.Module or a URL supply the module yourself, e.g. the `wasm-vae/wasm/simd` file served and cached
 * on its own. Both builds train bit-identical weights from the same seed.
 */
export type WasmSource = 'auto' | 'simd' | 'scalar' | ArrayBuffer | ArrayBufferView | WebAssembly.Module | URL;

/** The second argument of VAE.create and VAE.load. */
export interface EngineOptions {
  wasm?: WasmSource;
}

/** VAE.create's argument: inputDim is required, everything else has a default. */
export type VAEOptions = Partial<VAEConfig> & { readonly inputDim: number };

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

export interface SaveOptions {
  /**
   * 'pytorch-examples' writes the names of pytorch/examples' vae/main.py, so that its `load_state_dict` accepts
   * the weights (one hidden layer only). Default 'wasm-vae'.
   */
  names?: TensorNaming;
  /** Also store Adam's moments, the step count, every RNG stream and fit's position: a file to resume from. */
  includeOptimizer?: boolean;
  /** Extra __metadata__ entries (string → string); the keys format, format_version, config, naming, training are ours. */
  metadata?: Record<string, string>;
}

export interface TrainStepOptions {
  /** Adam's step size; default 1e-3. */
  learningRate?: number;
  /** Weight of the KL term; default 1 (the ELBO). */
  beta?: number;
}

export interface BatchLog extends StepResult {
  epoch: number;
  batch: number;
  batches: number;
}

export interface EpochLog extends LossTerms {
  epoch: number;
  /** Wall-clock seconds of the epoch's training (validation excluded). */
  seconds: number;
  /** Examples trained on in this epoch (fewer than the data when aborted). */
  examples: number;
  /** Steps of this epoch that the divergence guard skipped (their loss is not in the means). */
  skipped: number;
  valLoss?: number;
  valReconstruction?: number;
  valKl?: number;
  /** Present and true on the last log when `signal` stopped training inside this epoch. */
  aborted?: boolean;
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
  /**
   * Continue the run this model was in: its epoch, batch and shuffle order (from a fit in this process, or from a
   * file saved with includeOptimizer). `epochs` is then the run's total. Without it, fit starts a new run of
   * `epochs` epochs (the weights and Adam's state carry on either way). Default false.
   */
  resume?: boolean;
  /** After this many consecutive skipped steps fit throws VAEError DIVERGED, the model intact. Default 20. */
  maxConsecutiveSkips?: number;
  /** Stops training at the next batch boundary; the model stays consistent and usable. */
  signal?: AbortSignal;
  onBatchEnd?: (log: BatchLog) => void;
  onEpochEnd?: (log: EpochLog) => void;
}

export interface EvaluateOptions {
  /** Default 128. */
  batchSize?: number;
}

export interface Encoding {
  /** n·latentDim posterior means. */
  mean: Float32Array;
  /** n·latentDim posterior log-variances. */
  logVar: Float32Array;
}
