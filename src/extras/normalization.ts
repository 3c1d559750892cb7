// Scaling kept with the model (VAEConfig.normalize): per column, the model sees x = (raw − shift) / scale and
// returns raw = x·scale + shift. The first fit computes shift and scale from its training data (sums in float64,
// stored as float32); the VAE keeps them, saves them in __metadata__.normalization as JSON, and applies them
// (rescale) wherever data go in or come out. Which columns: ./normalized-columns.ts. Also the advice a unit-variance
// Gaussian model gives about raw data.
import { inputError } from '../checks/data.js';
import { normalizedColumns } from './normalized-columns.js';
import { blockColumns } from '../checks/likelihood.js';
import type { Normalization, VAEConfig } from '../types.js';

/**
 * Per-column mean, population standard deviation (two passes, float64), min and max of the `columns` of `data`
 * (n × D); a non-finite value there throws INVALID_ARGUMENT, as the data check would.
 */
function moments(method: string, config: VAEConfig, data: Float32Array, columns: boolean[]) {
  const D = columns.length, n = data.length / D;
  const mean = new Float64Array(D), sd = new Float64Array(D), min = new Float64Array(D).fill(Infinity), max = min.map(() => -Infinity);
  for (let i = 0; i < data.length; i++) {
    const j = i % D, v = data[i];
    if (!columns[j]) continue;
    if (!Number.isFinite(v)) throw inputError(method, 'data', config, i, v, false);
    mean[j] += v; min[j] = Math.min(min[j], v); max[j] = Math.max(max[j], v);
  }
  for (let j = 0; j < D; j++) mean[j] /= n;
  for (let i = 0; i < data.length; i++) if (columns[i % D]) sd[i % D] += (data[i] - mean[i % D]) ** 2;
  for (let j = 0; j < D; j++) sd[j] = Math.sqrt(sd[j] / n);
  return { mean, sd, min, max };
}

/**
 * The statistics of `data` for `config.normalize`: 'standardize' takes the mean and the standard deviation,
 * 'minmax' the min and max − min; a scale that is 0 or not finite as float32 becomes 1. For 'minmax' the training
 * data land in [0, 1]: float32 rounding moves max − min by a factor of at most 1 ± 2⁻²⁴, so (x − min)/scale ≤
 * 1 + 2⁻²⁴, which rounds to 1.
 */
export function computeNormalization(method: string, config: VAEConfig, data: Float32Array): Normalization {
  const columns = normalizedColumns(config), m = moments(method, config, data, columns), minmax = config.normalize === 'minmax';
  const shift = new Float32Array(columns.length), scale = new Float32Array(columns.length).fill(1);
  columns.forEach((on, j) => {
    if (!on) return;
    shift[j] = minmax ? m.min[j] : m.mean[j];
    scale[j] = minmax ? m.max[j] - m.min[j] : m.sd[j];
    if (!(scale[j] > 0 && scale[j] < Infinity)) scale[j] = 1;
  });
  return { shift, scale };
}

/**
 * Data into the model's units, (raw − shift)/scale, as a new array; or with `out`, the model's values back into the
 * data's, x·scale + shift, in place. Each value is computed in float64 and rounded to float32 once, as it is
 * stored. Without statistics, `data` itself.
 */
export function rescale(norm: Normalization | null, data: Float32Array, out = false): Float32Array {
  if (!norm) return data;
  const { shift, scale } = norm, D = shift.length, y = out ? data : new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const j = i % D;
    y[i] = out ? data[i] * scale[j] + shift[j] : (data[i] - shift[j]) / scale[j];
  }
  return y;
}

/**
 * For a model that does not scale its unit-variance Gaussian columns: advice when a column's standard deviation is far from 1
 * (beyond [0.01, 100]; constant columns aside), where a unit-variance Gaussian's loss is dominated by the widest
 * columns or blind to the narrowest. Null when there is nothing to say.
 */
export function scaleWarning(method: string, config: VAEConfig, data: Float32Array): string | null {
  // Columns of unit-variance Gaussian blocks: a learned variance adapts to each column's scale by itself.
  const columns = blockColumns(config).flatMap(({ width, block }) => Array<boolean>(width).fill('gaussian' in block && (block.variance ?? 'unit') === 'unit'));
  if (config.normalize || !columns.includes(true)) return null;
  const { sd } = moments(method, config, data, columns);
  let worst = -1, far = 2; // |log10 sd| of the farthest column so far
  sd.forEach((s, j) => { if (s > 0 && Math.abs(Math.log10(s)) > far) { far = Math.abs(Math.log10(s)); worst = j; } });
  return worst < 0 ? null : `${method}: column ${worst} of the data has standard deviation ${sd[worst].toPrecision(4)}; a ` +
    "unit-variance Gaussian suits columns near unit scale. Create the model with normalize: 'standardize'";
}

/**
 * __metadata__.normalization as saved: { shift, scale } of inputDim numbers each, checked as hostile input (finite
 * as float32, scale > 0, identity on columns the config does not scale); `fail` says what is wrong.
 */
export function decodeNormalization(text: string, config: VAEConfig, fail: (detail: string) => never): Normalization {
  const what = `expected __metadata__.normalization as JSON { shift, scale } of ${config.inputDim} numbers each, for a config with normalize`;
  let parsed: { shift?: unknown; scale?: unknown } = {};
  try {
    if (config.normalize && text.length < 64 * config.inputDim + 64) parsed = JSON.parse(text) ?? {}; // bounded before parsing, as the header is
  } catch { /* refused below */ }
  const columns = normalizedColumns(config);
  const take = (key: 'shift' | 'scale', ok: (v: number, on: boolean) => boolean) => {
    const list = parsed[key];
    if (!Array.isArray(list) || list.length !== config.inputDim) fail(what);
    const out = Float32Array.from(list as unknown[], (v) => (typeof v === 'number' ? v : NaN));
    out.forEach((v, j) => { if (!ok(v, columns[j])) fail(`${what}; ${key}[${j}] is ${v}`); });
    return out;
  };
  return {
    shift: take('shift', (v, on) => Number.isFinite(v) && (on || v === 0)),
    scale: take('scale', (v, on) => v > 0 && v < Infinity && (on || v === 1)),
  };
}
