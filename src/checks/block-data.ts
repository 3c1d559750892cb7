// Checking rows of data against a likelihood list's blocks (checks/likelihood.ts): Bernoulli columns hold numbers in
// [0, 1], and each categorical block holds a one-hot row (values in [0, 1] that sum to 1, so class probabilities pass
// too). Gaussian columns need only be finite, which the wasm's first_outside has already checked.
import { VAEError } from '../errors.js';
import { blockColumns } from './likelihood.js';
import type { VAEConfig } from '../types.js';

const SUM_TOLERANCE = 1e-4;

/**
 * Throws INVALID_ARGUMENT naming the row, the columns and the block when `rows` rows of `data` (row `firstRow` of the
 * caller's array first) do not fit the blocks. Nothing to check for a string likelihood.
 */
export function checkBlockRows(method: string, name: string, config: VAEConfig, data: Float32Array, rows: number, firstRow: number): void {
  if (!Array.isArray(config.likelihood)) return;
  const D = config.inputDim;
  blockColumns(config).forEach(({ at, width, block }, b) => {
    if ('gaussian' in block) return;
    const categorical = 'categorical' in block;
    for (let r = 0; r < rows; r++) {
      let sum = 0, ok = true;
      for (let j = at; j < at + width; j++) {
        const v = data[r * D + j];
        if (!(v >= 0 && v <= 1)) ok = false;
        sum += v;
      }
      if (ok && (!categorical || Math.abs(sum - 1) <= SUM_TOLERANCE)) continue;
      const values = Array.from(data.subarray(r * D + at, r * D + at + width));
      const expected = categorical ? 'a one-hot row (values in [0, 1] summing to 1)' : 'numbers in [0, 1]';
      throw new VAEError('INVALID_ARGUMENT', `${method}: ${name} row ${firstRow + r}, columns ${at}..${at + width - 1} ` +
        `(likelihood[${b}], ${categorical ? 'categorical' : 'bernoulli'} ${width}) must hold ${expected}; received [${values.join(', ')}]`);
    }
  });
}
