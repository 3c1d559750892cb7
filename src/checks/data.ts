// Checking the arrays VAE's methods take: rows of a Float32Array, and a conditional model's conditions. The values
// of inputs and latent codes are checked later, in wasm memory (src/wasm/model.ts), where the scan runs at SIMD speed.
import { VAEError } from '../errors.js';
import { argumentError, valueError } from './options.js';
import type { VAEConfig } from '../types.js';

/** Rows of `dim` values in `data`: a Float32Array whose length is a positive multiple of dim. */
export function rowCount(method: string, name: string, data: unknown, dim: number): number {
  if (!(data instanceof Float32Array)) throw argumentError(method, name, 'a Float32Array', data);
  if (data.length === 0 || data.length % dim !== 0) {
    throw argumentError(method, `${name}.length`, `a positive multiple of ${dim}`, data.length);
  }
  return data.length / dim;
}

/** A conditional model's conditions for n rows (n × conditionDim finite values); undefined for an unconditional one. */
export function checkConditions(method: string, name: string, conditions: unknown, n: number, conditionDim: number): Float32Array | undefined {
  const C = conditionDim;
  if (C === 0) {
    if (conditions !== undefined) throw argumentError(method, name, 'absent (this model has conditionDim 0)', conditions);
    return undefined;
  }
  if (!(conditions instanceof Float32Array)) throw argumentError(method, name, `a Float32Array of ${n} × ${C} conditions (conditionDim ${C})`, conditions);
  if (conditions.length !== n * C) throw argumentError(method, `${name}.length`, `${n} × ${C} = ${n * C}`, conditions.length);
  for (let i = 0; i < conditions.length; i++) {
    if (!Number.isFinite(conditions[i])) throw valueError(method, name, 'finite numbers', i, conditions[i]);
  }
  return conditions;
}

/**
 * An input value the model cannot take, at `index` of rows of config.inputDim: not finite, or (`bernoulli`) outside
 * [0, 1], with how to get there. For a model with normalize the value is the scaled one, which can leave the range
 * (or overflow) when raw values lie far outside the first fit's data.
 */
export function inputError(method: string, name: string, config: VAEConfig, index: number, value: number, bernoulli: boolean): VAEError {
  const D = config.inputDim, at = `; received ${value} at index ${index} (row ${Math.floor(index / D)}, column ${index % D})` +
    (config.normalize ? `, scaled by normalize '${config.normalize}'` : '');
  return new VAEError('INVALID_ARGUMENT', `${method}: ${name} must hold ` + (!bernoulli ? `finite numbers${at}`
    : `numbers in [0, 1] for likelihood 'bernoulli'${at}` + (!Number.isFinite(value) || config.normalize ? ''
      : ". Scale it to [0, 1] (normalize: 'minmax'), or use likelihood: 'gaussian' with normalize: 'standardize' for real values")));
}
