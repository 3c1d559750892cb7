// Public surface: re-exports only.
export { VAE } from './vae.js';
export { VAEError, type VAEErrorCode } from './errors.js';
export { simdSupported } from './builds.js';
export { readMetadata } from './safetensors.js';
export type {
  Activation, BatchLog, Encoding, EngineOptions, EpochLog, EvaluateOptions, FitOptions, Likelihood, LossTerms, SaveOptions,
  StepResult, TensorNaming, TrainStepOptions,
  VAEConfig, VAEOptions, WasmSource,
} from './types.js';
