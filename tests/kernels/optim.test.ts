import { describe, expect, it } from 'vitest';
import { adamRef, maxScaledDiff } from '../reference/kernels.js';
import { kernels, randomArray } from '../helpers/wasm.js';

describe('adam_step', () => {
  it('follows the float64 reference over 20 steps with bias correction', async () => {
    const k = await kernels();
    const n = 1000;
    const p = Float64Array.from(randomArray(n, 1)), m = new Float64Array(n), v = new Float64Array(n);
    const pp = k.put(p), pg = k.zeros(n), pm = k.zeros(n), pv = k.zeros(n);
    for (let t = 1; t <= 20; t++) {
      const g = randomArray(n, 100 + t, -2, 2);
      k.engine.write(pg, g);
      k.w.adam_step(pp, pg, pm, pv, n, 1e-2, 0.9, 0.999, 1e-8, t);
      adamRef(p, g, m, v, 1e-2, 0.9, 0.999, 1e-8, t);
    }
    const d = maxScaledDiff(k.get(pp, n), p);
    console.log(`adam: max scaled difference after 20 steps ${d.toExponential(2)}`);
    expect(d).toBeLessThan(1e-5);
    expect(maxScaledDiff(k.get(pm, n), m)).toBeLessThan(1e-5);
    expect(maxScaledDiff(k.get(pv, n), v)).toBeLessThan(1e-5);
  });
});

describe('adam_update', () => {
  it('keeps parameters finite whatever the step size (the divergence guard relies on it)', async () => {
    const k = await kernels();
    const n = 64;
    const p = randomArray(n, 2, -3e38, 3e38);
    const pp = k.put(p), pg = k.put(randomArray(n, 3)), pm = k.zeros(n), pv = k.zeros(n);
    k.w.adam_step(pp, pg, pm, pv, n, 1e38, 0.9, 0.999, 1e-8, 1);
    const after = k.get(pp, n);
    expect(after.every(Number.isFinite)).toBe(true);
    expect(after.some((v) => Math.abs(v) === 3.4028234663852886e38)).toBe(true); // the clamp did act
  });
});
