// Which columns VAEConfig.normalize scales, apart from the statistics (./normalization.ts), so that the likelihood
// code can extend it on its own.
import type { VAEConfig } from '../types.js';

/**
 * The columns `normalize` scales: a 'gaussian' model's, or with 'minmax' a 'bernoulli' model's too (mapped to
 * [0, 1], the Bernoulli range). None without normalize.
 */
export function normalizedColumns(config: VAEConfig): boolean[] {
  const { normalize, likelihood } = config;
  // LIKELIHOOD BLOCKS: a list scales its Gaussian blocks' columns only, in list order, e.g.
  //   if (Array.isArray(likelihood)) return likelihood.flatMap((b) => Array(width(b)).fill(!!normalize && 'gaussian' in b));
  return Array<boolean>(config.inputDim).fill(!!normalize && (likelihood === 'gaussian' || normalize === 'minmax'));
}
