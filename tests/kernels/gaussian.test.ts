import { describe, expect, it } from 'vitest';
import { finiteDifferences, maxAbsDiff, reparameterizeRef } from '../reference/kernels.js';
import { kernels, randomArray } from '../helpers/wasm.js';

/** Φ(x) via erfc with fractional error < 1.2e-7 (Numerical Recipes, erfcc). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2, t = 1 / (1 + 0.5 * z);
  const erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

describe('normal_fill (xoshiro128+ × 4 lanes, Box–Muller)', () => {
  const N = 1 << 21; // 2,097,152 samples

  it('passes moment checks and a Kolmogorov–Smirnov test on 2^21 samples', async () => {
    const k = await kernels();
    const p = k.zeros(N);
    k.w.normal_fill(p, N, k.rng(12345));
    const x = Float64Array.from(k.get(p, N));
    let m1 = 0;
    for (const v of x) m1 += v;
    const mean = m1 / N;
    let m2 = 0, m3 = 0, m4 = 0;
    for (const v of x) { const d = v - mean; m2 += d * d; m3 += d ** 3; m4 += d ** 4; }
    const variance = m2 / N, skew = m3 / N / variance ** 1.5, kurtosis = m4 / N / variance ** 2 - 3;
    x.sort();
    let ks = 0;
    for (let i = 0; i < N; i++) {
      const f = normalCdf(x[i]);
      ks = Math.max(ks, Math.abs(f - i / N), Math.abs((i + 1) / N - f));
    }
    const ksCritical = 1.628 / Math.sqrt(N); // α = 0.01
    console.log(`normal_fill n=${N}: mean ${mean.toExponential(2)}, variance ${variance.toFixed(5)}, skew ${skew.toExponential(2)}, ` +
      `excess kurtosis ${kurtosis.toExponential(2)}, KS D = ${ks.toExponential(3)} (critical ${ksCritical.toExponential(3)} at α = 0.01)`);
    // five standard errors of each moment estimate
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(skew)).toBeLessThan(5 * Math.sqrt(6 / N));
    expect(Math.abs(kurtosis)).toBeLessThan(5 * Math.sqrt(24 / N));
    expect(ks).toBeLessThan(ksCritical);
  });

  it('is reproducible from its seed, and different for another seed or stream', async () => {
    const k = await kernels();
    const fill = (seed: number, stream: number) => { const p = k.zeros(1000); k.w.normal_fill(p, 1000, k.rng(seed, stream)); return k.get(p, 1000); };
    expect(fill(7, 0)).toEqual(fill(7, 0));
    expect(maxAbsDiff(fill(7, 0), fill(8, 0))).toBeGreaterThan(1);
    expect(maxAbsDiff(fill(7, 0), fill(7, 1))).toBeGreaterThan(1);
  });

  it('writes only whole vectors: n = 5 leaves the arena padding beyond the 8th float alone', async () => {
    const k = await kernels();
    const p = k.put(new Float32Array(12).fill(9));
    k.w.normal_fill(p, 5, k.rng(1));
    const out = k.get(p, 12);
    expect(out.slice(0, 5).every((v) => v !== 9 && Number.isFinite(v))).toBe(true);
    expect(Array.from(out.slice(8))).toEqual([9, 9, 9, 9]);
  });
});

describe('uniform draws', () => {
  it('uniform_fill stays in [lo, hi) with the right mean', async () => {
    const k = await kernels();
    const n = 100_000, p = k.zeros(n);
    k.w.uniform_fill(p, n, k.rng(3), -0.25, 0.75);
    const u = k.get(p, n);
    expect(u.every((v) => v >= -0.25 && v < 0.75)).toBe(true);
    const mean = u.reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(mean - 0.25)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
  });

  it('rng_below covers [0, bound) evenly (chi-square over 10 cells)', async () => {
    const k = await kernels();
    const state = k.rng(5), counts = new Array(10).fill(0), n = 100_000;
    for (let i = 0; i < n; i++) {
      const r = k.w.rng_below(state, 10) >>> 0;
      expect(r).toBeLessThan(10);
      counts[r]++;
    }
    const chi2 = counts.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
    console.log(`rng_below chi-square (9 dof) ${chi2.toFixed(2)}`);
    expect(chi2).toBeLessThan(27.88); // p = 0.001
  });
});

describe('reparameterisation z = μ + e^{½ logVar}·ε', () => {
  const n = 103;
  const mu = randomArray(n, 1, -2, 2), lv = randomArray(n, 2, -4, 2), eps = randomArray(n, 3, -3, 3);

  it('forward matches the reference', async () => {
    const k = await kernels();
    const pz = k.zeros(n);
    k.w.reparameterize_forward(pz, k.put(mu), k.put(lv), k.put(eps), n);
    const d = maxAbsDiff(k.get(pz, n), reparameterizeRef(mu, lv, eps));
    console.log(`reparameterize_forward: max abs difference ${d.toExponential(2)}`);
    expect(d).toBeLessThan(1e-5);
  });

  it('backward accumulates the gradients finite differences give', async () => {
    const k = await kernels();
    const dz = randomArray(n, 4), base = randomArray(n, 5);
    const mu64 = Float64Array.from(mu), lv64 = Float64Array.from(lv);
    const L = () => reparameterizeRef(mu64, lv64, eps).reduce((s, v, i) => s + v * dz[i], 0);
    const pdmu = k.put(base), pdlv = k.put(base);
    k.w.reparameterize_backward(pdmu, pdlv, k.put(dz), k.put(lv), k.put(eps), n);
    const dmu = k.get(pdmu, n).map((v, i) => v - base[i]), dlv = k.get(pdlv, n).map((v, i) => v - base[i]);
    const d = Math.max(maxAbsDiff(dmu, finiteDifferences(L, mu64)), maxAbsDiff(dlv, finiteDifferences(L, lv64)));
    console.log(`reparameterize_backward vs finite differences: max abs difference ${d.toExponential(2)}`);
    expect(d).toBeLessThan(1e-5);
  });
});
