// wasm-vae's model file: safetensors (./safetensors.ts) with PyTorch's [out, in] weights, and in __metadata__
// the format, its version, the configuration (its inputShape key only for models that have one, so files of
// models without it keep their bytes), the tensor naming (./tensor-names.ts; a map of module names in "names")
// and, for checkpoints, the training state (../train/state.ts); for a model with normalize, once fitted, its
// statistics (../extras/normalization.ts). Files without our metadata are PyTorch state
// dicts: of the configuration VAE.load's options give, or else of pytorch/examples' VAE (its sizes inferred).
// decodeModelFile checks everything against the configuration before any wasm exists: a bad file never
// yields a half-built model.
import { decodeTrainingMetadata, encodeTrainingMetadata, hasBestWeights, type TrainingState } from '../train/state.js';
import { resolveConfig } from '../checks/config.js';
import { VAEError } from '../errors.js';
import { DTYPES } from './dtypes.js';
import { MAX_CONFIG_CHARS, MAX_NAMES_CHARS, MAX_TRAINING_CHARS } from './header-limits.js';
import { tensorShapesOf } from './layout.js';
import { decodeSafetensors, encodeSafetensors, shown, type Tensor } from './safetensors.js';
import { checkNameMap, fileNames, listed, NAMINGS, OPTIMIZER_PREFIX, resolveNaming, type Naming } from './tensor-names.js';
import { decodeNormalization } from '../extras/normalization.js';
import type { Normalization, TensorNaming, VAEConfig } from '../types.js';

export const FORMAT = 'wasm-vae';
export const FORMAT_VERSION = '1';
/** __metadata__ keys this library writes; save({ metadata }) may add any others. */
export const RESERVED_METADATA = ['format', 'format_version', 'config', 'naming', 'names', 'training', 'normalization'];

export interface ModelFile {
  config: VAEConfig;
  naming: Naming;
  /** Per wasm tensor index. */
  tensors: Float32Array[];
  training: TrainingState | null;
  /** The __metadata__ keys that are not ours. */
  userMetadata: Record<string, string>;
  /** The statistics of a model with normalize, once its first fit has computed them (__metadata__.normalization). */
  normalization: Normalization | null;
}

/**
 * What VAE.load's options say the file holds: a checked configuration, and a naming whose map (if it is one) is
 * checked here against the file's configuration or the given one. Required for a file without our metadata
 * (except a pytorch/examples state dict); for ours, they must agree with the file.
 */
export interface FileHints {
  config?: VAEConfig;
  naming?: TensorNaming | object;
}

export function encodeModelFile(file: ModelFile, method: string): Uint8Array {
  const names = fileNames(file.config, file.naming, method);
  const shapes = tensorShapesOf(file.config);
  const tensors: Array<[string, Tensor]> = names.map((name, t) => [name, { shape: shapes[t].shape, data: file.tensors[t] }]);
  const custom = typeof file.naming !== 'string';
  const metadata: Record<string, string> = {
    ...file.userMetadata, format: FORMAT, format_version: FORMAT_VERSION, config: JSON.stringify(file.config),
    naming: custom ? 'custom' : file.naming as string, ...(custom ? { names: JSON.stringify(file.naming) } : {}),
  };
  const norm = file.normalization;
  if (norm) metadata.normalization = JSON.stringify({ shift: Array.from(norm.shift), scale: Array.from(norm.scale) });
  if (file.training) {
    // The optimizer's copies keep the file's names behind their prefixes: optimizer.adam_m.enc.0.weight, …
    const { m, v, state, fit } = file.training;
    names.forEach((name, t) => tensors.push([OPTIMIZER_PREFIX.m + name, { shape: shapes[t].shape, data: m[t] }]));
    names.forEach((name, t) => tensors.push([OPTIMIZER_PREFIX.v + name, { shape: shapes[t].shape, data: v[t] }]));
    const best = file.training.best;
    if (best) names.forEach((name, t) => tensors.push([OPTIMIZER_PREFIX.best + name, { shape: shapes[t].shape, data: best[t] }]));
    metadata.training = encodeTrainingMetadata(state, fit);
  }
  return encodeSafetensors(tensors, metadata, method);
}

/**
 * Reads and checks a model file: ours (any naming), or a PyTorch state dict without our metadata, of
 * `hints.config` named by `hints.naming` (default ours) or, without a config, of pytorch/examples' VAE.
 */
export function decodeModelFile(bytes: Uint8Array, method: string, hints: FileHints = {}): ModelFile {
  const fail = (detail: string): never => {
    throw new VAEError('INVALID_MODEL_FILE', `${method}: ${detail}`);
  };
  const { metadata, tensors } = decodeSafetensors(bytes, method);
  const ours = metadata.format === FORMAT;
  let config: VAEConfig, naming: Naming;
  if (ours) {
    ({ config, naming } = ourMetadata(metadata, method, fail));
    agree(config, naming, hints, method);
  } else if (hints.config) {
    config = hints.config;
    naming = resolveNaming(hints.naming ?? 'wasm-vae', config, method);
  } else {
    if (hints.naming !== undefined && hints.naming !== 'pytorch-examples') {
      throw new VAEError('INVALID_ARGUMENT', `${method}: options.names ${typeof hints.naming === 'string' ? `"${hints.naming}"` : 'as a map'} ` +
        'needs options.config for a file without wasm-vae metadata; received no options.config');
    }
    config = inferPytorchExamplesConfig(tensors, method, fail);
    naming = 'pytorch-examples';
  }

  const names = fileNames(config, naming, method);
  const shapes = tensorShapesOf(config);
  const hasOptimizer = ours && metadata.training !== undefined;
  const training = hasOptimizer ? decodeTrainingMetadata(metadata.training, config.seed, method) : null;
  const withBest = hasBestWeights(training?.fit ?? null);
  // Every tensor the file should hold, with its shape and our name for it (for messages when the names differ).
  const expected = new Map<string, { shape: number[]; ours: string }>();
  const expect = (prefix: string) => names.forEach((name, t) => expected.set(prefix + name, { shape: shapes[t].shape, ours: prefix + shapes[t].name }));
  expect('');
  if (hasOptimizer) [OPTIMIZER_PREFIX.m, OPTIMIZER_PREFIX.v, ...(withBest ? [OPTIMIZER_PREFIX.best] : [])].forEach(expect);
  checkTensorSet(tensors, expected, hasOptimizer, fail);
  const take = (name: string, check: 'finite' | 'non-negative'): Float32Array => {
    const { data, dtype = 'F32' } = tensors.get(name)!;
    if (!DTYPES.includes(dtype)) fail(`expected tensor "${name}" as ${DTYPES.join(', ')}; received ${dtype}`);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) fail(`expected finite values in tensor "${name}"; received ${data[i]} at index ${i}`);
      if (check === 'non-negative' && data[i] < 0) fail(`expected Adam's second moment "${name}" to be >= 0; received ${data[i]} at index ${i}`);
    }
    return data;
  };
  const weights = names.map((name) => take(name, 'finite'));
  let state: TrainingState | null = null;
  if (training) {
    const m = names.map((name) => take(OPTIMIZER_PREFIX.m + name, 'finite'));
    const v = names.map((name) => take(OPTIMIZER_PREFIX.v + name, 'non-negative'));
    const best = withBest ? names.map((name) => take(OPTIMIZER_PREFIX.best + name, 'finite')) : null;
    state = { ...training, m, v, best };
  }
  const userMetadata: Record<string, string> = {};
  if (ours) for (const [k, value] of Object.entries(metadata)) if (!RESERVED_METADATA.includes(k)) userMetadata[k] = value;
  const norm = ours && metadata.normalization !== undefined ? decodeNormalization(metadata.normalization, config, fail) : null;
  return { config, naming, tensors: weights, training: state, userMetadata, normalization: norm };
}

/** The configuration and naming in our __metadata__, checked as hostile input. */
function ourMetadata(metadata: Record<string, string>, method: string, fail: (detail: string) => never): { config: VAEConfig; naming: Naming } {
  if (metadata.format_version !== FORMAT_VERSION) {
    fail(`expected __metadata__.format_version "${FORMAT_VERSION}"; received ${shown(metadata.format_version)}`);
  }
  // Parsed again as JSON: bounded in length first, as the header is (./header-limits.ts).
  tooLong(metadata.config, 'config', 'a configuration', MAX_CONFIG_CHARS, fail);
  tooLong(metadata.training, 'training', 'a training state', MAX_TRAINING_CHARS, fail);
  const config = resolveConfig(parseJson(metadata.config, 'the configuration', 'config', fail), `${method} (config in __metadata__)`, 'INVALID_MODEL_FILE');
  const naming = metadata.naming ?? 'wasm-vae';
  if (!NAMINGS.includes(naming)) fail(`expected __metadata__.naming to be one of ${NAMINGS.join(', ')}; received ${shown(naming)}`);
  if (naming === 'pytorch-examples' && (config.hiddenDims?.length !== 1 || config.conditionDim !== 0)) {
    fail('expected one hidden layer and no condition with pytorch-examples names');
  }
  if (naming !== 'custom') return { config, naming: naming as Naming };
  tooLong(metadata.names, 'names', 'a map of tensor names', MAX_NAMES_CHARS, fail);
  const map = parseJson(metadata.names, 'the map of tensor names (naming "custom")', 'names', fail);
  return { config, naming: checkNameMap(map, config, method, '__metadata__.names', 'INVALID_MODEL_FILE') };
}

function parseJson(text: string | undefined, what: string, key: string, fail: (detail: string) => never): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return fail(`expected ${what} as JSON in __metadata__.${key}; it is missing or not JSON`);
  }
}

/** For a file of ours, VAE.load's options.config and options.names, when given, must say what the file says. */
function agree(config: VAEConfig, naming: Naming, hints: FileHints, method: string): void {
  const differ = (what: string, file: string, given: string): never => {
    throw new VAEError('INVALID_ARGUMENT', `${method}: ${what} must agree with the file's wasm-vae metadata: ` +
      `the file has ${file}; received ${given}`);
  };
  if (hints.config) {
    const key = (Object.keys(config) as Array<keyof VAEConfig>).concat(Object.keys(hints.config) as Array<keyof VAEConfig>)
      .find((k) => JSON.stringify(config[k]) !== JSON.stringify(hints.config![k]));
    if (key !== undefined) differ('options.config', `${key} ${JSON.stringify(config[key])}`, `${key} ${JSON.stringify(hints.config[key])}`);
  }
  if (hints.naming === undefined) return;
  const given = resolveNaming(hints.naming, config, method);
  // Both are fixed namings or maps in our layer order (checkNameMap), so equal JSON is the same naming.
  if (JSON.stringify(naming) === JSON.stringify(given)) return;
  if (typeof naming !== 'string' && typeof given !== 'string') {
    const layer = Object.keys(naming).find((l) => naming[l] !== given[l])!;
    differ('options.names', `"${layer}" as ${shown(naming[layer])}`, shown(given[layer]));
  }
  const named = (n: Naming) => (typeof n === 'string' ? `naming "${n}"` : 'a map of names');
  differ('options.names', named(naming), named(given));
}

/**
 * The file holds exactly the expected tensors, each of its shape: unknown and missing tensors are named together
 * (a state dict of another module shows both), then every shape that differs, with both shapes.
 */
function checkTensorSet(tensors: Map<string, Tensor>, expected: Map<string, { shape: number[]; ours: string }>, optimizer: boolean,
  fail: (detail: string) => never): void {
  const label = (name: string) => {
    const { shape, ours } = expected.get(name)!;
    return `tensor "${name}"${ours === name ? '' : ` (our ${ours})`} of shape [${shape}]`;
  };
  const unknown = [...tensors.keys()].filter((name) => !expected.has(name));
  const missing = [...expected.keys()].filter((name) => !tensors.has(name));
  const problems = [
    ...unknown.length > 0 ? [`expected only the tensors of this configuration${optimizer ? ' and its optimizer state' : ''}; received unknown ${listed(unknown)}`] : [],
    ...missing.length > 0 ? [`expected ${listed(missing.map(label), 6, false)}; ${missing.length > 1 ? 'they are' : 'it is'} missing`] : [],
  ];
  if (problems.length === 0) {
    for (const [name, { shape }] of expected) {
      const got = tensors.get(name)!.shape;
      if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) problems.push(`expected ${label(name)}; received [${got}]`);
    }
  }
  if (problems.length > 0) fail(problems.join('; '));
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
