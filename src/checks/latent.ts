// Checking the arguments of the latent tools, VAE.interpolate and VAE.latentGrid, before any work: each call's
// output is sized here too, so a request too large is refused before it encodes or decodes anything.
import { checkConditions } from './data.js';
import { argumentError } from './options.js';
import { checkOutputSize } from '../wasm/sizes.js';
import type { InterpolateOptions, LatentGridOptions, VAEConfig } from '../types.js';

export interface Interpolation {
  space: 'latent' | 'input';
  spherical: boolean;
  /** A conditional model's one condition row. */
  condition: Float32Array | undefined;
}

/** interpolate's steps, ends and options; `space` inferred from a's length where latentDim ≠ inputDim. */
export function checkInterpolation(method: string, config: VAEConfig, a: unknown, b: unknown, steps: number,
  options: InterpolateOptions): Interpolation {
  const { inputDim: D, latentDim: L, conditionDim: C } = config;
  if (!Number.isInteger(steps) || steps < 1) throw argumentError(method, 'steps', 'a positive integer', steps);
  const spherical = options.spherical ?? false;
  if (typeof spherical !== 'boolean') throw argumentError(method, 'options.spherical', 'a boolean', spherical);
  for (const [name, v] of [['a', a], ['b', b]] as const) {
    if (!(v instanceof Float32Array)) throw argumentError(method, name, 'a Float32Array', v);
  }
  const [x, y] = [a as Float32Array, b as Float32Array];
  const inferred = L === D ? undefined : x.length === L ? 'latent' : x.length === D ? 'input' : undefined;
  const space = options.space ?? inferred;
  if (space !== 'latent' && space !== 'input') {
    throw argumentError(method, 'options.space', `'latent' or 'input' (a has length ${x.length}; latentDim ${L}, inputDim ${D})`, space);
  }
  const dim = space === 'latent' ? L : D;
  if (x.length !== dim || y.length !== dim) {
    throw argumentError(method, 'a.length and b.length', `${dim} (one ${space === 'latent' ? 'latent code' : 'input'} each)`, `${x.length} and ${y.length}`);
  }
  const condition = checkConditions(method, 'options.conditions', options.conditions, 1, C);
  checkOutputSize(method, 'the result', steps, D);
  checkOutputSize(method, 'the path', steps, L);
  checkOutputSize(method, 'the conditions', steps, C);
  return { space, spherical, condition };
}

/** latentGrid's n and options, for a model with a 2-D latent. */
export function checkLatentGrid(method: string, config: VAEConfig, n: number, options: LatentGridOptions):
  { lo: number; condition: Float32Array | undefined } {
  if (config.latentDim !== 2) throw argumentError(method, 'the model', 'one with latentDim 2', `latentDim ${config.latentDim}`);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw argumentError(method, 'n', 'an integer in [1, 1024]', n);
  const lo = options.lo ?? 0.05;
  if (!(typeof lo === 'number' && lo > 0 && lo < 0.5)) throw argumentError(method, 'options.lo', 'a number in (0, 0.5)', lo);
  const condition = checkConditions(method, 'options.conditions', options.conditions, 1, config.conditionDim);
  checkOutputSize(method, 'the grid', n * n, config.inputDim);
  return { lo, condition };
}
