// Public surface: re-exports only.
export { VAE } from './vae.js';
export { VAEError, type VAEErrorCode } from './errors.js';
export type {
  Activation, BatchLog, Encoding, EpochLog, EvaluateOptions, FitOptions, Likelihood, LossTerms, TrainStepOptions,
  VAEConfig, VAEOptions,
} from './types.js';
