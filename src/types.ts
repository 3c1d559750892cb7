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

export interface TrainStepOptions {
  /** Adam's step size; default 1e-3. */
  learningRate?: number;
  /** Weight of the KL term; default 1 (the ELBO). */
  beta?: number;
}

export interface BatchLog extends LossTerms {
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
