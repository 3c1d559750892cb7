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
