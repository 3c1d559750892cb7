// Argument checks of wasm-vae/anomaly: every bad input is a VAEError INVALID_ARGUMENT naming the function, the
// argument, what was expected and what came, in the words of src/checks/options.ts. VAEError is imported from the
// library's public entry so that the bundle (dist/anomaly.js) shares the main import's class: `instanceof VAEError`
// holds for errors from either.
import { VAEError } from '../index.js';

/** Numbers a caller may pass: a typed array (e.g. vae.scores' Float64Array) or a plain array. */
export type Numbers = ArrayLike<number>;

function received(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

export function argumentError(fn: string, name: string, expected: string, value: unknown): VAEError {
  return new VAEError('INVALID_ARGUMENT', `${fn}: ${name} must be ${expected}; received ${received(value)}`);
}

function isNumbers(value: unknown): value is Numbers {
  if (Array.isArray(value)) return true;
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && typeof (value as unknown as Numbers).length === 'number';
}

/** A non-empty array of numbers without NaN (±Infinity is allowed: it ranks and compares). */
export function checkScores(fn: string, name: string, scores: unknown): Numbers {
  if (!isNumbers(scores)) throw argumentError(fn, name, 'an array or typed array of numbers', scores);
  if (scores.length === 0) throw argumentError(fn, name, 'a non-empty array of scores', scores);
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new VAEError('INVALID_ARGUMENT', `${fn}: ${name} must hold numbers, not NaN; received ${received(v)} at index ${i}`);
    }
  }
  return scores;
}

/** Labels of the same length as the scores, each 0 or 1 (or false / true). Returns them as 0/1. */
export function checkLabels(fn: string, labels: unknown, n: number): Uint8Array {
  if (!isNumbers(labels)) throw argumentError(fn, 'labels', 'an array or typed array of 0s and 1s', labels);
  const list = labels as ArrayLike<unknown>;
  if (list.length !== n) {
    throw new VAEError('INVALID_ARGUMENT', `${fn}: labels must have one entry per score (${n}); received ${received(labels)}`);
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = list[i];
    if (v === 1 || v === true) out[i] = 1;
    else if (v !== 0 && v !== false) {
      throw new VAEError('INVALID_ARGUMENT', `${fn}: labels must hold 0 (normal) or 1 (anomaly); received ${received(v)} at index ${i}`);
    }
  }
  return out;
}

/** A rate strictly between 0 and 1. */
export function checkRate(fn: string, name: string, rate: unknown): number {
  if (typeof rate !== 'number' || !(rate > 0 && rate < 1)) throw argumentError(fn, name, 'a number in (0, 1)', rate);
  return rate;
}

/** A threshold: any number but NaN. */
export function checkThresholdValue(fn: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw argumentError(fn, 'threshold', 'a number', value);
  return value;
}
