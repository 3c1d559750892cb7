// The reconstruction error behind VAE.reconstructionError: −log p(x | z) per element, in nats, at z = the posterior
// mean, from the decoder's raw output (its parameters, laid out per block as checks/likelihood.ts says) and the
// learned log-variances. The same terms as the training loss (assembly/kernels/likelihoods.ts), in float64:
//   Bernoulli on a logit l:        max(l, 0) − l·x + ln(1 + e^−|l|)
//   Gaussian with log-variance s:  ½ln 2π + ½s + ½(x − μ)²·e^−s      (s = 0 for 'unit'; clamped like the wasm's)
//   categorical logits l (one-hot x): xⱼ·(logsumexp(l) − lⱼ) on each column, so a block's columns sum to its
//   cross-entropy and only the observed category's column carries it.
import { LOGVAR_MAX, LOGVAR_MIN } from '../../build/abi.js';
import { blockColumns, outputWidthOf } from '../checks/likelihood.js';
import type { VAEConfig } from '../types.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Fills `out` (n × inputDim: Float32Array per value, Float64Array to sum rows exactly) with each element's negative
 * log-likelihood. `x`: the rows as the model sees them
 * (normalised); `params`: the decoder's output for their posterior means (n × P); `logVar`: decoder.logvar or null.
 */
export function elementNll<T extends Float32Array | Float64Array>(config: VAEConfig, x: Float32Array, params: Float32Array, logVar: Float32Array | null, out: T): T {
  const D = config.inputDim, P = outputWidthOf(config), n = x.length / D, blocks = blockColumns(config);
  for (let r = 0; r < n; r++) {
    let p = r * P, v = 0;
    for (const { at, width: w, block } of blocks) {
      const xo = r * D + at;
      if ('bernoulli' in block) {
        for (let j = 0; j < w; j++) {
          const l = params[p + j], t = x[xo + j];
          out[xo + j] = Math.max(l, 0) - l * t + Math.log1p(Math.exp(-Math.abs(l)));
        }
        p += w;
      } else if ('categorical' in block) {
        let top = -Infinity, sum = 0;
        for (let j = 0; j < w; j++) top = Math.max(top, params[p + j]);
        for (let j = 0; j < w; j++) sum += Math.exp(params[p + j] - top);
        const lse = top + Math.log(sum);
        for (let j = 0; j < w; j++) out[xo + j] = x[xo + j] === 0 ? 0 : x[xo + j] * (lse - params[p + j]);
        p += w;
      } else {
        const variance = block.variance ?? 'unit';
        for (let j = 0; j < w; j++) {
          const raw = variance === 'unit' ? 0 : variance === 'shared' ? logVar![v] : variance === 'feature' ? logVar![v + j] : params[p + w + j];
          const s = Math.min(Math.max(raw, LOGVAR_MIN), LOGVAR_MAX), d = x[xo + j] - params[p + j];
          out[xo + j] = HALF_LOG_2PI + 0.5 * s + 0.5 * d * d * Math.exp(-s);
        }
        p += variance === 'output' ? 2 * w : w;
        v += variance === 'shared' ? 1 : variance === 'feature' ? w : 0;
      }
    }
  }
  return out;
}

/** Each row's sum of `elements` (n × D), in float64. */
export function rowSums(elements: Float64Array, D: number): Float64Array {
  const n = elements.length / D, sums = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = r * D; j < (r + 1) * D; j++) s += elements[j];
    sums[r] = s;
  }
  return sums;
}
