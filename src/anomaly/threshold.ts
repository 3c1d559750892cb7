// Thresholds for anomaly scores (higher = more anomalous, as vae.scores gives them): a row is flagged when its score
// is strictly above the threshold. Both kinds are a quantile of reference scores; they differ in what the
// reference is and so in what the rate means.
import { argumentError, checkRate, checkScores, type Numbers } from './checks.js';
import { VAEError } from '../index.js';

/**
 * The reference holds anomalies at about this rate (e.g. the training data, contaminated as logs are): the
 * threshold flags that fraction of it, and on data like it about that fraction again.
 */
export interface ContaminationThreshold {
  contamination: number;
}

/**
 * The reference is presumed normal (e.g. a cleaned validation set): the threshold flags that fraction of it, so
 * about that fraction of normal rows will be false alarms.
 */
export interface FalsePositiveRateThreshold {
  falsePositiveRate: number;
}

export type ThresholdOptions = ContaminationThreshold | FalsePositiveRateThreshold;

/**
 * The (1 − rate) quantile of `referenceScores`, rate being `contamination` or `falsePositiveRate` (in (0, 1)).
 *
 * Interpolation: linear between order statistics, Hyndman & Fan's (1996) definition 7, the default of numpy's
 * `quantile` and R's `quantile`. With the n scores sorted ascending, x₀ ≤ … ≤ xₙ₋₁, and h = (n − 1)(1 − rate):
 * t = x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋). With distinct scores exactly ⌈(n − 1)·rate⌉ reference scores lie above t
 * (100 of 10,000 at rate 0.01).
 *
 * A rate below 1/n cannot be told apart from the reference's maximum, so it needs at least ⌈1/rate⌉ scores
 * (1,000 for a false-positive rate of 0.001); fewer throw VAEError INVALID_ARGUMENT.
 */
export function threshold(referenceScores: Numbers, options: ThresholdOptions): number {
  const fn = 'threshold';
  const scores = checkScores(fn, 'referenceScores', referenceScores);
  const { name, rate } = rateOf(fn, options);
  const n = scores.length;
  if (n * rate < 1 - 1e-9) {
    throw new VAEError('INVALID_ARGUMENT', `${fn}: options.${name} ${rate} needs at least ${Math.ceil(1 / rate - 1e-9)} reference scores; received ${n}`);
  }
  const sorted = Float64Array.from(scores).sort();
  const h = (n - 1) * (1 - rate);
  const lo = Math.floor(h), f = h - lo;
  const a = sorted[lo];
  if (f === 0 || lo + 1 >= n) return a;
  const b = sorted[lo + 1];
  return a === b ? a : a + f * (b - a); // a === b also keeps ±Infinity out of Infinity − Infinity
}

function rateOf(fn: string, options: unknown): { name: string, rate: number } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw argumentError(fn, 'options', 'an object with contamination or falsePositiveRate', options);
  }
  const keys = Object.keys(options).filter((k) => (options as Record<string, unknown>)[k] !== undefined);
  const known = ['contamination', 'falsePositiveRate'];
  const unknown = keys.find((k) => !known.includes(k));
  if (unknown !== undefined) {
    throw new VAEError('INVALID_ARGUMENT', `${fn}: options.${unknown} is not an option of ${fn}; expected one of ${known.join(', ')}`);
  }
  if (keys.length !== 1) {
    throw new VAEError('INVALID_ARGUMENT', `${fn}: options must give exactly one of contamination and falsePositiveRate; received ${keys.length === 0 ? 'neither' : 'both'}`);
  }
  const name = keys[0];
  return { name, rate: checkRate(fn, `options.${name}`, (options as Record<string, unknown>)[name]) };
}
