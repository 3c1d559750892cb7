// Which columns VAEConfig.normalize scales, apart from the statistics (./normalization.ts): the config check
// needs it before any statistics exist.
import { blockColumns } from '../checks/likelihood.js';
import type { VAEConfig } from '../types.js';

/**
 * The columns `normalize` scales: a 'gaussian' model's, or with 'minmax' a 'bernoulli' model's too (mapped to
 * [0, 1], the Bernoulli range); of a likelihood list, its Gaussian blocks' columns. None without normalize.
 */
export function normalizedColumns(config: VAEConfig): boolean[] {
  const { normalize, likelihood } = config;
  if (Array.isArray(likelihood)) return blockColumns(config).flatMap(({ width, block }) => Array<boolean>(width).fill(!!normalize && 'gaussian' in block));
  return Array<boolean>(config.inputDim).fill(!!normalize && (likelihood === 'gaussian' || normalize === 'minmax'));
}
