import { describe, expect, it } from 'vitest';
import { bernoulliRef, finiteDifferences, gaussianRef, klRef, maxAbsDiff } from '../reference/kernels.js';
import { kernels, randomArray } from '../helpers/wasm.js';

const n = 1003; // not a multiple of 4: the masked last vector is exercised

describe('Bernoulli on logits', () => {
  const logits = randomArray(n, 1, -12, 12);
  logits[0] = 60; logits[1] = -60; logits[2] = 0;
  const x = randomArray(n, 2, 0, 1).map((v, i) => (i % 3 === 0 ? Math.round(v) : v)); // binary and grey targets

  it('loss matches the stable float64 formula, including extreme logits', async () => {
    const k = await kernels();
    const loss = k.w.bernoulli_logits_loss(k.zeros(n), k.put(logits), k.put(x), n, 1);
    const ref = bernoulliRef(logits, x);
    console.log(`bernoulli_logits_loss: ${loss} vs ${ref}, relative difference ${(Math.abs(loss - ref) / ref).toExponential(2)}`);
    expect(Math.abs(loss - ref) / ref).toBeLessThan(1e-6);
  });

  it('gradient is scale·(σ(l) − x) and agrees with finite differences', async () => {
    const k = await kernels();
    const pd = k.zeros(n);
    k.w.bernoulli_logits_loss(pd, k.put(logits), k.put(x), n, 0.5);
    const l64 = Float64Array.from(logits.subarray(0, 200));
    const fd = finiteDifferences(() => 0.5 * bernoulliRef(l64, x), l64);
    const d = maxAbsDiff(k.get(pd, 200), fd);
    console.log(`bernoulli gradient vs finite differences: max abs difference ${d.toExponential(2)}`);
    expect(d).toBeLessThan(1e-6);
  });
});

describe('unit-variance Gaussian', () => {
  const mu = randomArray(n, 3, -2, 2), x = randomArray(n, 4, -2, 2);

  it('loss is ½(x − μ)² + ½ ln 2π summed, and the gradient agrees with finite differences', async () => {
    const k = await kernels();
    const pd = k.zeros(n);
    const loss = k.w.gaussian_unit_loss(pd, k.put(mu), k.put(x), n, 1);
    const ref = gaussianRef(mu, x);
    const mu64 = Float64Array.from(mu);
    const d = maxAbsDiff(k.get(pd, n), finiteDifferences(() => gaussianRef(mu64, x), mu64));
    console.log(`gaussian_unit_loss relative difference ${(Math.abs(loss - ref) / ref).toExponential(2)}; gradient max abs difference ${d.toExponential(2)}`);
    expect(Math.abs(loss - ref) / ref).toBeLessThan(1e-6);
    expect(d).toBeLessThan(1e-5);
  });
});

describe('closed-form KL(q ‖ N(0, I))', () => {
  const mu = randomArray(n, 5, -2, 2), lv = randomArray(n, 6, -3, 1.5);

  it('matches the reference and its gradient matches finite differences', async () => {
    const k = await kernels();
    const kl = k.w.kl_forward(k.put(mu), k.put(lv), n);
    const ref = klRef(mu, lv);
    const pdmu = k.zeros(n), pdlv = k.zeros(n);
    k.w.kl_backward(pdmu, pdlv, k.put(mu), k.put(lv), n, 0.25);
    const mu64 = Float64Array.from(mu), lv64 = Float64Array.from(lv);
    const L = () => 0.25 * klRef(mu64, lv64);
    const d = Math.max(maxAbsDiff(k.get(pdmu, n), finiteDifferences(L, mu64)), maxAbsDiff(k.get(pdlv, n), finiteDifferences(L, lv64)));
    console.log(`kl_forward relative difference ${(Math.abs(kl - ref) / ref).toExponential(2)}; kl_backward vs finite differences ${d.toExponential(2)}`);
    expect(Math.abs(kl - ref) / ref).toBeLessThan(1e-6);
    expect(d).toBeLessThan(1e-5);
  });

  it('agrees with a Monte-Carlo estimate E_q[log q(z) − log p(z)]', async () => {
    const k = await kernels();
    const dims = 8, samples = 200_000;
    const m = randomArray(dims, 7, -1.5, 1.5), l = randomArray(dims, 8, -2, 1);
    const closed = k.w.kl_forward(k.put(m), k.put(l), dims);
    const p = k.zeros(dims * samples);
    k.w.normal_fill(p, dims * samples, k.rng(99));
    const eps = k.get(p, dims * samples);
    // log q(z) − log p(z) = Σ_d [−½ lv − ½ ε² + ½ z²] with z = μ + σε (the 2π terms cancel)
    let sum = 0, sumSq = 0;
    for (let s = 0; s < samples; s++) {
      let v = 0;
      for (let d = 0; d < dims; d++) {
        const e = eps[s * dims + d], z = m[d] + Math.exp(0.5 * l[d]) * e;
        v += -0.5 * l[d] - 0.5 * e * e + 0.5 * z * z;
      }
      sum += v; sumSq += v * v;
    }
    const mc = sum / samples, se = Math.sqrt((sumSq / samples - mc * mc) / samples);
    console.log(`KL closed form ${closed.toFixed(4)}, Monte Carlo ${mc.toFixed(4)} ± ${se.toFixed(4)} (n = ${samples})`);
    expect(Math.abs(closed - mc)).toBeLessThan(4 * se);
  });
});

describe('first_outside', () => {
  it('finds the first value outside [lo, hi], NaN included, or returns -1', async () => {
    const k = await kernels();
    const x = randomArray(37, 1, 0, 1);
    expect(k.w.first_outside(k.put(x), 37, 0, 1)).toBe(-1);
    for (const [i, v] of [[0, -0.1], [5, NaN], [35, 1.5], [36, Infinity]] as const) {
      const y = x.slice(); y[i] = v;
      expect(k.w.first_outside(k.put(y), 37, 0, 1)).toBe(i);
    }
  });
});
