// Public surface: re-exports only.
export { VAE } from './vae.js';
export { VAEError, type VAEErrorCode } from './errors.js';
export { simdSupported } from './builds.js';
export { readMetadata } from './safetensors.js';
export { oneHot } from './conditions.js';
export { fromImageData, gridImageData, gridPixels, toImageData, type GreyPixels, type GridOptions } from './images.js';
export type {
  Activation, BatchLog, ConditionOptions, EarlyStopping, EncodeOptions, Encoding, EngineOptions, EpochLog, Evaluation,
  EvaluateOptions, FitOptions, InterpolateOptions, LatentGridOptions, Likelihood, LossTerms, SaveOptions, ScoreOptions,
  StepResult, TensorNaming, Threads, TrainStepOptions,
  VAEConfig, VAEOptions, WasmSource,
} from './types.js';
