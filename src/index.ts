// Public surface: re-exports only.
export { VAE } from './vae.js';
export { VAEError, type VAEErrorCode } from './errors.js';
export { simdSupported } from './builds.js';
export type {
  Activation, BatchLog, Encoding, EngineOptions, EpochLog, EvaluateOptions, FitOptions, Likelihood, LossTerms, TrainStepOptions,
  VAEConfig, VAEOptions, WasmSource,
} from './types.js';
