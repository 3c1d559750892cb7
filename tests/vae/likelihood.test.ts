// The importance-weighted bound (Burda et al. 2016) where the truth is known: a linear-Gaussian VAE,
// x = Wz + b + ε with z ~ N(0, I), ε ~ N(0, I), has log p(x) = log N(x; b, WWᵀ + I) in closed form.
import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { encodeSafetensors } from '../../src/files/safetensors.js';
import { randomArray } from '../helpers/wasm.js';

const D = 3, L = 2;
const W = [[1, 0], [0, 2], [0, 0]], b = [0.5, -1, 0.25]; // orthogonal columns: WᵀW = diag(1, 4)
// The exact posterior: Σ = (I + WᵀW)⁻¹ = diag(1/2, 1/5), mean Σ Wᵀ (x − b).
const SIGMA = [0.5, 0.2];

/** A linear-Gaussian model whose encoder is the exact posterior, or one perturbed by `shift` and `scale`. */
async function linearGaussian(shift = 0, scale = 1): Promise<VAE> {
  const config = { inputDim: D, hiddenDims: [], latentDim: L, activation: 'relu', likelihood: 'gaussian', seed: 1, conditionDim: 0 };
  const A = [[SIGMA[0] * W[0][0], SIGMA[0] * W[1][0], SIGMA[0] * W[2][0]], [SIGMA[1] * W[0][1], SIGMA[1] * W[1][1], SIGMA[1] * W[2][1]]];
  const meanBias = A.map((row) => -row.reduce((s, a, i) => s + a * b[i], 0) + shift);
  const t = (shape: number[], values: number[]) => ({ shape, data: Float32Array.from(values) });
  const bytes = encodeSafetensors([
    ['encoder.mean.weight', t([L, D], A.flat())], ['encoder.mean.bias', t([L], meanBias)],
    ['encoder.logvar.weight', t([L, D], new Array(L * D).fill(0))], ['encoder.logvar.bias', t([L], SIGMA.map((s) => Math.log(s * scale)))],
    ['decoder.out.weight', t([D, L], W.flat())], ['decoder.out.bias', t([D], b)],
  ], { format: 'wasm-vae', format_version: '1', config: JSON.stringify(config) });
  return VAE.load(bytes);
}

/** log N(x; b, S) with S = WWᵀ + I, for each row of xs (3×3 inverse and determinant by cofactors). */
function trueLogLikelihood(xs: Float32Array): Float64Array {
  const S = [0, 1, 2].map((i) => [0, 1, 2].map((j) => W[i][0] * W[j][0] + W[i][1] * W[j][1] + (i === j ? 1 : 0)));
  const det = S[0][0] * (S[1][1] * S[2][2] - S[1][2] * S[2][1]) - S[0][1] * (S[1][0] * S[2][2] - S[1][2] * S[2][0])
    + S[0][2] * (S[1][0] * S[2][1] - S[1][1] * S[2][0]);
  const inv = [0, 1, 2].map((i) => [0, 1, 2].map((j) => {
    const m = [0, 1, 2].filter((r) => r !== j), n = [0, 1, 2].filter((c) => c !== i);
    return ((i + j) % 2 ? -1 : 1) * (S[m[0]][n[0]] * S[m[1]][n[1]] - S[m[0]][n[1]] * S[m[1]][n[0]]) / det;
  }));
  return Float64Array.from({ length: xs.length / D }, (_, r) => {
    const d = [0, 1, 2].map((i) => xs[r * D + i] - b[i]);
    let q = 0;
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) q += d[i] * inv[i][j] * d[j];
    return -0.5 * (q + Math.log(det) + D * Math.log(2 * Math.PI));
  });
}

/** n draws x = Wz + b + ε (Box–Muller over a seeded uniform stream). */
function drawData(n: number): Float32Array {
  const u = randomArray(2 * (L + D) * n, 17, 1e-9, 1);
  let k = 0;
  const normal = () => { const v = Math.sqrt(-2 * Math.log(u[k])) * Math.cos(2 * Math.PI * u[k + 1]); k += 2; return v; };
  const xs = new Float32Array(n * D);
  for (let r = 0; r < n; r++) {
    const z = [normal(), normal()];
    for (let i = 0; i < D; i++) xs[r * D + i] = W[i][0] * z[0] + W[i][1] * z[1] + b[i] + normal();
  }
  return xs;
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

describe('importance-weighted log-likelihood (IWAE)', () => {
  const xs = drawData(400);
  const truth = mean(trueLogLikelihood(xs));

  it('with the exact posterior every weight is p(x): the bound equals the closed form for any k > 1', async () => {
    const vae = await linearGaussian();
    const perExample = trueLogLikelihood(xs);
    for (const k of [2, 10]) {
      const scores = vae.scores(xs, { samples: k });
      const worst = scores.reduce((m, s, i) => Math.max(m, Math.abs(-s - perExample[i])), 0);
      console.log(`exact posterior, k = ${k}: max |L_k − log p(x)| over 400 examples ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(2e-4);
    }
  });

  it('with an approximate posterior it rises with k to log p(x), within its Monte-Carlo error', async () => {
    const vae = await linearGaussian(0.4, 1.8);
    const bounds: number[] = [];
    let last: Float64Array = new Float64Array();
    for (const k of [1, 10, 100, 1000]) {
      last = vae.scores(xs, { samples: k }).map((s) => -s);
      bounds.push(mean(last));
    }
    const gaps = Float64Array.from(last, (v, i) => v - trueLogLikelihood(xs)[i]);
    const gap = mean(gaps), se = Math.sqrt(mean(gaps.map((g) => (g - gap) ** 2)) / gaps.length);
    console.log(`linear-Gaussian, log p(x) = ${truth.toFixed(4)} nats; L_1, L_10, L_100, L_1000 = ${bounds.map((v) => v.toFixed(4)).join(', ')}; ` +
      `L_1000 − log p(x) = ${gap.toExponential(2)} ± ${se.toExponential(1)} (standard error)`);
    for (let i = 1; i < bounds.length; i++) expect(bounds[i]).toBeGreaterThan(bounds[i - 1]);
    expect(bounds[0]).toBeLessThan(truth - 0.05); // the posterior is really off: the test can fail
    expect(Math.abs(gap)).toBeLessThan(3 * se + 2e-3);
  });

  it('k = 1 is −ELBO exactly, per example it sums to the loss, and the same call gives the same number', async () => {
    const vae = await linearGaussian(0.4, 1.8);
    const one = vae.evaluate(xs, { samples: 1 });
    expect(one.logLikelihood).toBe(-one.loss);
    expect(Math.abs(mean(vae.scores(xs)) - one.loss)).toBeLessThan(1e-5 * Math.abs(one.loss));
    const ten = vae.evaluate(xs, { samples: 10 });
    expect(vae.evaluate(xs, { samples: 10 })).toEqual(ten);
    expect(ten.loss).toBe(one.loss);
    expect(ten.logLikelihood!).toBeGreaterThan(one.logLikelihood!);
    expect(() => vae.evaluate(xs, { samples: 0 })).toThrow(/options\.samples must be an integer in \[1, 100000\]; received 0/);
  });
});
