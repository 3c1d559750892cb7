// wasm-vae's model file: safetensors (./safetensors.ts) with PyTorch's [out, in] weights, and in __metadata__
// the format, its version, the configuration (its inputShape key only for models that have one, so files of
// models without it keep their bytes), the tensor naming and, for checkpoints, the training state
// (./checkpoint.ts). Two namings: ours (encoder.0, encoder.mean, …) and pytorch/examples' vae/main.py
// (fc1, fc21, fc22, fc3, fc4), which is also what a state dict saved from that script holds.
// decodeModelFile checks everything against the configuration before any wasm exists: a bad file never
// yields a half-built model.
import { decodeTrainingMetadata, encodeTrainingMetadata, hasBestWeights, type TrainingState } from '../train/state.js';
import { resolveConfig } from '../checks/config.js';
import { VAEError } from '../errors.js';
import { MAX_CONFIG_CHARS, MAX_TRAINING_CHARS } from './header-limits.js';
import { tensorShapesOf } from './layout.js';
import { decodeSafetensors, encodeSafetensors, shown, type Tensor } from './safetensors.js';
import type { TensorNaming, VAEConfig } from '../types.js';

export const FORMAT = 'wasm-vae';
export const FORMAT_VERSION = '1';
/** __metadata__ keys this library writes; save({ metadata }) may add any others. */
export const RESERVED_METADATA = ['format', 'format_version', 'config', 'naming', 'training'];
const NAMINGS: readonly TensorNaming[] = ['wasm-vae', 'pytorch-examples'];
const OPTIMIZER_PREFIX = { m: 'optimizer.adam_m.', v: 'optimizer.adam_v.', best: 'early_stopping.best.' } as const;

// pytorch/examples vae/main.py: fc1 784→400, fc21/fc22 400→20 (μ, log σ²), fc3 20→400, fc4 400→784.
const PYTORCH_EXAMPLES: Record<string, string> = {
  'encoder.0': 'fc1', 'encoder.mean': 'fc21', 'encoder.logvar': 'fc22', 'decoder.0': 'fc3', 'decoder.out': 'fc4',
};

export interface ModelFile {
  config: VAEConfig;
  naming: TensorNaming;
  /** Per wasm tensor index. */
  tensors: Float32Array[];
  training: TrainingState | null;
  /** The __metadata__ keys that are not ours. */
  userMetadata: Record<string, string>;
}

/** The file's name of each tensor, in the wasm tensor order. */
export function fileNames(config: VAEConfig, naming: TensorNaming, method: string): string[] {
  const ours = tensorShapesOf(config).map((t) => t.name);
  if (naming === 'wasm-vae') return ours;
  if (config.hiddenDims?.length !== 1 || config.conditionDim !== 0) {
    throw new VAEError('INVALID_ARGUMENT', `${method}: options.names "pytorch-examples" needs exactly one hidden layer, ` +
      `and no condition, as pytorch/examples' VAE has; this model has ${config.hiddenDims ? `hiddenDims [${config.hiddenDims}]` : 'encoder and decoder lists'} and conditionDim ${config.conditionDim}`);
  }
  return ours.map((name) => {
    const dot = name.lastIndexOf('.');
    return `${PYTORCH_EXAMPLES[name.slice(0, dot)]}${name.slice(dot)}`;
  });
}

export function checkNaming(value: unknown, method: string): TensorNaming {
  if (!NAMINGS.includes(value as TensorNaming)) {
    throw new VAEError('INVALID_ARGUMENT', `${method}: options.names must be one of ${NAMINGS.map((n) => `"${n}"`).join(', ')}; received ${JSON.stringify(value)}`);
  }
  return value as TensorNaming;
}

export function encodeModelFile(file: ModelFile, method: string): Uint8Array {
  const names = fileNames(file.config, file.naming, method);
  const shapes = tensorShapesOf(file.config);
  const tensors: Array<[string, Tensor]> = names.map((name, t) => [name, { shape: shapes[t].shape, data: file.tensors[t] }]);
  const metadata: Record<string, string> = {
    ...file.userMetadata, format: FORMAT, format_version: FORMAT_VERSION, config: JSON.stringify(file.config), naming: file.naming,
  };
  if (file.training) {
    const { m, v, state, fit } = file.training;
    names.forEach((name, t) => tensors.push([OPTIMIZER_PREFIX.m + name, { shape: shapes[t].shape, data: m[t] }]));
    names.forEach((name, t) => tensors.push([OPTIMIZER_PREFIX.v + name, { shape: shapes[t].shape, data: v[t] }]));
    const best = file.training.best;
    if (best) names.forEach((name, t) => tensors.push([OPTIMIZER_PREFIX.best + name, { shape: shapes[t].shape, data: best[t] }]));
    metadata.training = encodeTrainingMetadata(state, fit);
  }
  return encodeSafetensors(tensors, metadata, method);
}

/** Reads and checks a model file: ours (either naming), or a pytorch/examples state dict without our metadata. */
export function decodeModelFile(bytes: Uint8Array, method: string): ModelFile {
  const fail = (detail: string): never => {
    throw new VAEError('INVALID_MODEL_FILE', `${method}: ${detail}`);
  };
  const { metadata, tensors } = decodeSafetensors(bytes, method);
  const ours = metadata.format === FORMAT;
  let config: VAEConfig, naming: TensorNaming;
  if (ours) {
    if (metadata.format_version !== FORMAT_VERSION) {
      fail(`expected __metadata__.format_version "${FORMAT_VERSION}"; received ${shown(metadata.format_version)}`);
    }
    // Parsed again as JSON: bounded in length first, as the header is (./header-limits.ts).
    tooLong(metadata.config, 'config', 'a configuration', MAX_CONFIG_CHARS, fail);
    tooLong(metadata.training, 'training', 'a training state', MAX_TRAINING_CHARS, fail);
    let parsed: unknown;
    try {
      parsed = JSON.parse(metadata.config ?? '');
    } catch {
      fail('expected the configuration as JSON in __metadata__.config; it is missing or not JSON');
    }
    config = resolveConfig(parsed, `${method} (config in __metadata__)`, 'INVALID_MODEL_FILE');
    naming = metadata.naming === undefined ? 'wasm-vae' : metadata.naming as TensorNaming;
    if (!NAMINGS.includes(naming)) fail(`expected __metadata__.naming to be one of ${NAMINGS.join(', ')}; received ${shown(naming)}`);
    if (naming === 'pytorch-examples' && config.hiddenDims?.length !== 1) fail('expected one hidden layer with pytorch-examples names');
  } else {
    config = inferPytorchExamplesConfig(tensors, method, fail);
    naming = 'pytorch-examples';
  }

  const names = fileNames(config, naming, method);
  const shapes = tensorShapesOf(config);
  const hasOptimizer = ours && metadata.training !== undefined;
  const training = hasOptimizer ? decodeTrainingMetadata(metadata.training, config.seed, method) : null;
  const withBest = hasBestWeights(training?.fit ?? null);
  const expectedNames = new Set(hasOptimizer ? [...names, ...names.map((n) => OPTIMIZER_PREFIX.m + n), ...names.map((n) => OPTIMIZER_PREFIX.v + n),
    ...(withBest ? names.map((n) => OPTIMIZER_PREFIX.best + n) : [])] : names);
  const unknown = [...tensors.keys()].filter((name) => !expectedNames.has(name));
  if (unknown.length > 0) {
    fail(`expected only the tensors of this configuration${hasOptimizer ? ' and its optimizer state' : ''}; received unknown ` +
      `${unknown.slice(0, 3).map(shown).join(', ')}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''}`);
  }
  const take = (name: string, t: number, check: 'finite' | 'non-negative'): Float32Array => {
    const tensor = tensors.get(name);
    const shape = shapes[t].shape;
    if (!tensor) return fail(`expected tensor "${name}" of shape [${shape}]; it is missing`);
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      fail(`expected tensor "${name}" of shape [${shape}]; received [${tensor.shape}]`);
    }
    const data = tensor.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) fail(`expected finite values in tensor "${name}"; received ${data[i]} at index ${i}`);
      if (check === 'non-negative' && data[i] < 0) fail(`expected Adam's second moment "${name}" to be >= 0; received ${data[i]} at index ${i}`);
    }
    return data;
  };
  const weights = names.map((name, t) => take(name, t, 'finite'));
  let state: TrainingState | null = null;
  if (training) {
    const m = names.map((name, t) => take(OPTIMIZER_PREFIX.m + name, t, 'finite'));
    const v = names.map((name, t) => take(OPTIMIZER_PREFIX.v + name, t, 'non-negative'));
    const best = withBest ? names.map((name, t) => take(OPTIMIZER_PREFIX.best + name, t, 'finite')) : null;
    state = { ...training, m, v, best };
  }
  const userMetadata: Record<string, string> = {};
  if (ours) for (const [k, value] of Object.entries(metadata)) if (!RESERVED_METADATA.includes(k)) userMetadata[k] = value;
  return { config, naming, tensors: weights, training: state, userMetadata };
}

function tooLong(value: string | undefined, key: string, what: string, limit: number, fail: (detail: string) => never): void {
  if (value !== undefined && value.length > limit) {
    fail(`expected __metadata__.${key} to be ${what} of at most ${limit} characters; received ${value.length}`);
  }
}

/**
 * A pytorch/examples state dict: the five layers fc1, fc21, fc22, fc3, fc4 (weight and bias each), sizes from
 * fc1 (hidden × input) and fc21 (latent × hidden); ReLU and a Bernoulli likelihood, as that script trains.
 */
function inferPytorchExamplesConfig(tensors: Map<string, Tensor>, method: string, fail: (detail: string) => never): VAEConfig {
  const fc1 = tensors.get('fc1.weight'), fc21 = tensors.get('fc21.weight');
  if (!fc1 || !fc21 || fc1.shape.length !== 2 || fc21.shape.length !== 2) {
    const seen = [...tensors.keys()].slice(0, 3).map(shown).join(', ') || 'no tensors';
    fail(`expected a ${FORMAT} model file (__metadata__.format "${FORMAT}") or a pytorch/examples VAE state dict ` +
      `(fc1, fc21, fc22, fc3, fc4 with 2-D weights); received ${seen}`);
  }
  const [hidden, inputDim] = fc1!.shape, [latentDim] = fc21!.shape;
  return resolveConfig({ inputDim, hiddenDims: [hidden], latentDim, activation: 'relu', likelihood: 'bernoulli', seed: 0 },
    `${method} (sizes inferred from a pytorch/examples state dict)`, 'INVALID_MODEL_FILE');
}
