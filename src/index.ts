// Public surface: re-exports only.
/**
 * The VAE and what goes with it: `import { VAE } from 'wasm-vae'`.
 * @module wasm-vae
 */
export { VAE } from './vae.js';
export { VAEError, type VAEErrorCode } from './errors.js';
export { simdSupported } from './wasm/builds.js';
export { readMetadata } from './files/safetensors.js';
export { oneHot } from './extras/conditions.js';
export { fromImageData, gridImageData, gridPixels, toImageData, type Channels, type GreyPixels, type GridOptions, type GridPixels } from './extras/images.js';
export type {
  Activation, BatchLog, ConditionOptions, ConvLayerSpec, DenseLayerSpec, EarlyStopping, EncodeOptions, Encoding,
  EngineOptions, EpochLog, Evaluation, EvaluateOptions, FitOptions, InputShape, InterpolateOptions, LatentGridOptions,
  LayerSpec, Likelihood, LikelihoodBlock, GaussianVariance, LoadOptions, LossTerms, Normalization, Normalize, ReconstructionErrorOptions, SaveOptions, ScoreOptions, ShapedVAEOptions, StepResult, TensorNameMap,
  TensorNaming, Threads, TrainStepOptions,
  VAEConfig, VAEOptions, WasmSource,
} from './types.js';
