// The likelihood blocks' negative log-likelihoods in float64, per element as the issue-20 design states them (nats,
// constants included), for a batch of decoder outputs laid out as checks/likelihood.ts says: per block, w logits
// (Bernoulli), k logits (categorical), w means (Gaussian) and then w log-variances for 'output'; 'shared' and
// 'feature' read theirs from decoder.logvar. Log-variances are clamped to [−30, 20] as assembly/model.ts does.
import type { LikelihoodBlock } from '../../src/types.js';

export const LOGVAR_MIN = -30, LOGVAR_MAX = 20;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ½ ln 2π + ½ s + ½ (x − μ)² e^(−s), s = clamp(raw). */
export function gaussianLearnedRef(x: number, mu: number, raw: number): number {
  const s = Math.min(Math.max(raw, LOGVAR_MIN), LOGVAR_MAX);
  return HALF_LOG_2PI + 0.5 * s + 0.5 * (x - mu) ** 2 * Math.exp(-s);
}

/** logsumexp(l) − Σⱼ xⱼ lⱼ. */
export function categoricalRef(x: ArrayLike<number>, l: ArrayLike<number>): number {
  let m = -Infinity, dot = 0, sum = 0;
  for (let j = 0; j < l.length; j++) m = Math.max(m, l[j]);
  for (let j = 0; j < l.length; j++) { sum += Math.exp(l[j] - m); dot += x[j] * l[j]; }
  return m + Math.log(sum) - dot;
}

/** max(l, 0) − l·x + ln(1 + e^−|l|). */
export function bernoulliElementRef(x: number, l: number): number {
  return Math.max(l, 0) - l * x + Math.log1p(Math.exp(-Math.abs(l)));
}

/** Σ over rows and blocks of −log p(x | d), d the decoder's output (rows × P), logvar the tensor decoder.logvar. */
export function blocksRef(blocks: readonly LikelihoodBlock[], d: ArrayLike<number>, x: ArrayLike<number>,
  logvar: ArrayLike<number>, rows: number): number {
  const D = blocks.reduce((a, b) => a + width(b), 0);
  const P = blocks.reduce((a, b) => a + width(b) * ('gaussian' in b && b.variance === 'output' ? 2 : 1), 0);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let at = 0, p = 0, lv = 0;
    for (const b of blocks) {
      const w = width(b), xs = (j: number) => x[r * D + at + j], ps = (j: number) => d[r * P + p + j];
      if ('bernoulli' in b) for (let j = 0; j < w; j++) total += bernoulliElementRef(xs(j), ps(j));
      else if ('categorical' in b) {
        total += categoricalRef(Array.from({ length: w }, (_, j) => xs(j)), Array.from({ length: w }, (_, j) => ps(j)));
      } else {
        const v = b.variance ?? 'unit';
        for (let j = 0; j < w; j++) {
          const raw = v === 'unit' ? 0 : v === 'output' ? ps(w + j) : v === 'shared' ? logvar[lv] : logvar[lv + j];
          total += gaussianLearnedRef(xs(j), ps(j), raw);
        }
        lv += v === 'shared' ? 1 : v === 'feature' ? w : 0;
      }
      at += w; p += w * ('gaussian' in b && b.variance === 'output' ? 2 : 1);
    }
  }
  return total;
}

function width(b: LikelihoodBlock): number {
  return 'gaussian' in b ? b.gaussian : 'categorical' in b ? b.categorical : b.bernoulli;
}
