// Resolving and checking a VAE configuration: defaults, ranges, the codes the wasm ABI uses for enums, and its size.
import * as abi from '../../build/abi.js';
import { describe, VAEError, type VAEErrorCode } from '../errors.js';
import { layersOf, parameterCountOf, ShapeError } from '../files/layout.js';
import { resolveLayerList } from './layers.js';
import { checkVariance, hasTable, resolveBlocks } from './likelihood.js';
import { normalizedColumns } from '../extras/normalized-columns.js';
import type { Activation, InputShape, Likelihood, Normalize, VAEConfig } from '../types.js';

type NamedLikelihood = Extract<Likelihood, string>;

/** Each activation's and likelihood's code in the wasm (assembly/abi.ts). */
export const ACTIVATION_CODES: Readonly<Record<Activation, number>> = {
  relu: abi.ACTIVATION_RELU, leakyRelu: abi.ACTIVATION_LEAKY_RELU, tanh: abi.ACTIVATION_TANH, sigmoid: abi.ACTIVATION_SIGMOID,
};
export const LIKELIHOOD_CODES: Readonly<Record<NamedLikelihood, number>> = { bernoulli: abi.LIKELIHOOD_BERNOULLI, gaussian: abi.LIKELIHOOD_GAUSSIAN };
export const ACTIVATIONS = Object.keys(ACTIVATION_CODES) as readonly Activation[];
export const LIKELIHOODS = Object.keys(LIKELIHOOD_CODES) as readonly NamedLikelihood[];

/** model_init's likelihood code: LIKELIHOOD_TABLE for a list or a learned variance (checks/likelihood.ts). */
export function likelihoodCode(config: VAEConfig): number {
  return hasTable(config) ? abi.LIKELIHOOD_TABLE : LIKELIHOOD_CODES[config.likelihood as NamedLikelihood];
}

export const DEFAULT_CONFIG = {
  hiddenDims: [400],
  latentDim: 20,
  activation: 'relu',
  likelihood: 'bernoulli',
  seed: 0,
  conditionDim: 0,
} as const;

const MAX_DIM = 1 << 16;
const MAX_HIDDEN_LAYERS = 16;
const KEYS = ['inputDim', 'inputShape', 'hiddenDims', 'encoder', 'decoder', 'latentDim', 'activation', 'likelihood', 'variance', 'seed', 'conditionDim', 'normalize'];

function isDim(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_DIM;
}

/** Fills in defaults and checks every field; errors carry `code` and name `method`. */
export function resolveConfig(options: unknown, method: string, code: VAEErrorCode): VAEConfig {
  const fail = (what: string, expected: string, value: unknown): never => {
    throw new VAEError(code, `${method}: ${what} must be ${expected}; received ${describe(value)}`);
  };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) fail('the configuration', 'an object', options);
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KEYS.includes(key) && o[key] !== undefined) fail(`option "${key}"`, `one of ${KEYS.join(', ')}`, key);
  }
  const inputShape = o.inputShape === undefined ? undefined : checkInputShape(o.inputShape, fail);
  const shapeDim = inputShape && inputShape[0] * inputShape[1] * inputShape[2];
  const inputDim = o.inputDim ?? shapeDim;
  if (!isDim(inputDim)) fail('inputDim', `an integer in [1, ${MAX_DIM}]`, inputDim);
  if (shapeDim !== undefined && inputDim !== shapeDim) {
    throw new VAEError(code, `${method}: inputDim ${inputDim} and inputShape [${inputShape!.join(', ')}] (${shapeDim} values) must agree`);
  }
  const lists = o.encoder !== undefined || o.decoder !== undefined;
  if (lists && (o.encoder === undefined || o.decoder === undefined)) {
    fail(o.encoder === undefined ? 'encoder' : 'decoder', `given with ${o.encoder === undefined ? 'decoder' : 'encoder'} (a model is both lists, or hiddenDims)`, undefined);
  }
  if (lists && o.hiddenDims !== undefined) fail('hiddenDims', 'absent when encoder and decoder are given', o.hiddenDims);
  const hiddenDims = lists ? undefined : o.hiddenDims ?? DEFAULT_CONFIG.hiddenDims;
  if (!lists && (!Array.isArray(hiddenDims) || hiddenDims.length > MAX_HIDDEN_LAYERS || !hiddenDims.every(isDim))) {
    fail('hiddenDims', `an array of at most ${MAX_HIDDEN_LAYERS} integers in [1, ${MAX_DIM}]`, hiddenDims);
  }
  const encoder = lists ? resolveLayerList(o.encoder, 'encoder', fail) : undefined;
  const decoder = lists ? resolveLayerList(o.decoder, 'decoder', fail) : undefined;
  const latentDim = o.latentDim ?? DEFAULT_CONFIG.latentDim;
  if (!isDim(latentDim)) fail('latentDim', `an integer in [1, ${MAX_DIM}]`, latentDim);
  const activation = o.activation ?? DEFAULT_CONFIG.activation;
  if (!ACTIVATIONS.includes(activation as Activation)) fail('activation', `one of ${ACTIVATIONS.join(', ')}`, activation);
  const given = o.likelihood ?? DEFAULT_CONFIG.likelihood;
  const likelihood = Array.isArray(given) ? resolveBlocks(given, inputDim as number, fail) : given;
  if (!Array.isArray(likelihood) && !LIKELIHOODS.includes(likelihood as NamedLikelihood)) {
    fail('likelihood', `one of ${LIKELIHOODS.join(', ')}, or a list of blocks`, likelihood);
  }
  const variance = o.variance === undefined ? undefined : checkVariance(o.variance, 'variance', fail);
  if (variance !== undefined && likelihood !== 'gaussian') {
    fail('variance', `absent unless likelihood is 'gaussian' (a list gives each Gaussian block its own variance)`, variance);
  }
  const normalize = o.normalize === 'none' ? undefined : o.normalize; // the default: no key, so files keep their bytes
  if (normalize !== undefined && normalize !== 'standardize' && normalize !== 'minmax') fail('normalize', 'one of standardize, minmax, none', normalize);
  const seed = o.seed ?? DEFAULT_CONFIG.seed;
  if (!Number.isInteger(seed) || (seed as number) < 0 || (seed as number) > 0xffffffff) {
    fail('seed', 'an integer in [0, 4294967295]', seed);
  }
  const conditionDim = o.conditionDim ?? DEFAULT_CONFIG.conditionDim;
  if (!Number.isInteger(conditionDim) || (conditionDim as number) < 0 || (conditionDim as number) > MAX_DIM) {
    fail('conditionDim', `an integer in [0, ${MAX_DIM}]`, conditionDim);
  }
  const config: VAEConfig = Object.freeze({
    inputDim: inputDim as number,
    // Only when given: the configs (and so the files) of models without it keep their keys and bytes.
    ...(inputShape ? { inputShape } : {}),
    ...(lists ? { encoder, decoder } : { hiddenDims: Object.freeze([...(hiddenDims as number[])]) }),
    latentDim: latentDim as number,
    activation: activation as Activation,
    likelihood: likelihood as Likelihood,
    ...(variance !== undefined ? { variance } : {}), // only when given, like inputShape
    ...(normalize ? { normalize: normalize as Normalize } : {}),
    seed: seed as number,
    conditionDim: conditionDim as number,
  });
  if (normalize && !normalizedColumns(config).includes(true)) {
    fail('normalize', `${Array.isArray(likelihood) ? "'none'" : "'minmax' or 'none'"} (standardize scales Gaussian columns; this model has none)`, normalize);
  }
  try {
    layersOf(config);
  } catch (error) {
    if (error instanceof ShapeError) throw new VAEError(code, `${method}: ${error.message}`);
    throw error;
  }
  return config;
}

/** [channels, height, width]: three integers >= 1 whose product is a valid inputDim; a frozen copy. */
function checkInputShape(value: unknown, fail: (what: string, expected: string, value: unknown) => never): InputShape {
  const ok = Array.isArray(value) && value.length === 3 && value.every((d) => Number.isInteger(d) && d >= 1) &&
    isDim(value[0] * value[1] * value[2]);
  if (!ok) fail('inputShape', `[channels, height, width]: three integers >= 1 whose product is in [1, ${MAX_DIM}]`, value);
  const [c, h, w] = value as number[];
  return Object.freeze([c, h, w] as const);
}

const MAX_MODEL_BYTES = 2 ** 31; // leaves room below wasm32's 4 GiB for activations

/**
 * Throws OUT_OF_MEMORY unless parameters, gradients and Adam's two moments fit in 32-bit memory; checked before any
 * wasm is built, because sizes that large would wrap around in wasm's 32-bit arithmetic.
 */
export function checkModelSize(method: string, config: VAEConfig): void {
  const bytes = 16 * parameterCountOf(config);
  if (bytes > MAX_MODEL_BYTES) {
    throw new VAEError('OUT_OF_MEMORY', `${method}: expected a model whose parameters and optimiser state fit in ` +
      `${MAX_MODEL_BYTES / 2 ** 30} GiB of WebAssembly memory; this configuration needs ${(bytes / 2 ** 30).toFixed(1)} GiB`);
  }
}
