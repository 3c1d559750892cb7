import { describe, expect, it } from 'vitest';
import { ACTIVATION_KINDS, activationDerivRef, activationRef, finiteDifferences, maxAbsDiff } from '../reference/kernels.js';
import { BUILDS, kernels, randomArray } from '../helpers/wasm.js';

describe('activations', () => {
  // n = 1001 is not a multiple of 4: the last vector runs into the arena's padding.
  const x = randomArray(1001, 42, -8, 8);
  x[0] = 0; x[1] = -0; x[2] = 30; x[3] = -30; x[4] = 1e-6;

  it.each(ACTIVATION_KINDS.map((kind, code) => [kind, code] as const))('%s forward matches the reference', async (kind, code) => {
    const k = await kernels();
    const p = k.put(x);
    k.w.activation_forward(code, p, x.length);
    const d = maxAbsDiff(k.get(p, x.length), Array.from(x, (v) => activationRef(kind, v)));
    console.log(`${kind} forward: max abs difference ${d.toExponential(2)}`);
    expect(d).toBeLessThan(2e-6);
  });

  it.each(ACTIVATION_KINDS.map((kind, code) => [kind, code] as const))('%s backward matches the derivative and finite differences', async (kind, code) => {
    const k = await kernels();
    const g = randomArray(x.length, 7);
    const py = k.put(x);
    k.w.activation_forward(code, py, x.length);
    const pg = k.put(g);
    k.w.activation_backward(code, pg, py, x.length);
    const got = k.get(pg, x.length);
    const d = maxAbsDiff(got, Array.from(x, (v, i) => g[i] * activationDerivRef(kind, v)));
    // finite differences away from relu's kink
    const x64 = Float64Array.from(x.slice(5, 60)).map((v) => (Math.abs(v) < 1e-3 ? v + 0.1 : v));
    const fd = finiteDifferences(() => x64.reduce((s, v, i) => s + g[5 + i] * activationRef(kind, v), 0), x64);
    const py2 = k.put(x64), pg2 = k.put(g.slice(5, 60));
    k.w.activation_forward(code, py2, x64.length);
    k.w.activation_backward(code, pg2, py2, x64.length);
    const dfd = maxAbsDiff(k.get(pg2, x64.length), fd);
    console.log(`${kind} backward: max abs difference ${d.toExponential(2)} (derivative), ${dfd.toExponential(2)} (finite differences)`);
    expect(d).toBeLessThan(2e-6);
    expect(dfd).toBeLessThan(1e-5);
  });
});

describe('clamp (the log-variance bounds)', () => {
  const x = randomArray(1001, 5, -40, 30);
  x[0] = -30; x[1] = 20; x[2] = -0; x[3] = Infinity; x[4] = -Infinity;
  const clampRef = (v: number) => Math.min(Math.max(v, -30), 20);

  it('forward matches min(max(x, lo), hi), infinities included', async () => {
    const k = await kernels();
    const p = k.put(x);
    k.w.clamp_forward(p, x.length, -30, 20);
    const d = maxAbsDiff(k.get(p, x.length), Array.from(x, clampRef));
    console.log(`clamp forward: max abs difference ${d}`);
    expect(d).toBe(0);
  });

  it('backward passes the gradient strictly inside the bounds only, as finite differences say', async () => {
    const k = await kernels();
    const g = randomArray(x.length, 8);
    const py = k.put(x), pg = k.put(g);
    k.w.clamp_forward(py, x.length, -30, 20);
    k.w.clamp_backward(pg, py, x.length, -30, 20);
    const got = k.get(pg, x.length);
    // finite differences away from the two kinks
    const x64 = Float64Array.from(x.slice(5, 200)).map((v) => (Math.abs(v + 30) < 1e-2 || Math.abs(v - 20) < 1e-2 ? v + 0.1 : v));
    const fd = finiteDifferences(() => x64.reduce((s, v, i) => s + g[5 + i] * clampRef(v), 0), x64);
    const py2 = k.put(x64), pg2 = k.put(g.slice(5, 200));
    k.w.clamp_forward(py2, x64.length, -30, 20);
    k.w.clamp_backward(pg2, py2, x64.length, -30, 20);
    const dfd = maxAbsDiff(k.get(pg2, x64.length), fd);
    console.log(`clamp backward: max abs difference ${dfd.toExponential(2)} (finite differences)`);
    expect(dfd).toBeLessThan(1e-5);
    expect(got[0]).toBe(0); expect(got[1]).toBe(0); expect(got[3]).toBe(0); // held at a bound: no gradient
    expect(got[2]).toBe(g[2]);
    expect(got.filter((v) => v === 0).length).toBeGreaterThan(100); // values beyond the bounds exist in x
  });
});

describe('the edges of relu and exp (pmax/pmin, and 2^n built without a float→int conversion)', () => {
  const edges = Float32Array.from([-0, 0, NaN, Infinity, -Infinity, -1, 1, 1e-45, -1e-45, 3.4e38, -3.4e38]);

  it.each(BUILDS)('%s build: relu keeps wasm max\'s bits: relu(−0) = +0, NaN stays NaN', async (build) => {
    const k = await kernels(build);
    const p = k.put(edges);
    k.w.activation_forward(ACTIVATION_KINDS.indexOf('relu'), p, edges.length);
    const got = Array.from(k.get(p, edges.length));
    const want = Array.from(edges, (v) => Math.max(v, 0));
    got.forEach((v, i) => expect(Object.is(v, want[i]), `relu(${edges[i]}) = ${v}, expected ${want[i]}`).toBe(true));
  });

  it.each(BUILDS)('%s build: exp within a few ulp, clamped to [−87.3, 88], NaN stays NaN', async (build) => {
    const k = await kernels(build);
    // z = μ + exp(½·logVar)·ε with μ = 0, ε = 1 and logVar = 2x is exp(x)
    const xs = [0, 1, -1, 10, -10, 0.5, -0.5, 87, -87, 88, 200, -200, -0, NaN, Infinity, -Infinity];
    const n = xs.length, z = k.zeros(n);
    k.w.reparameterize_forward(z, k.put(new Array(n).fill(0)), k.put(xs.map((x) => 2 * x)), k.put(new Array(n).fill(1)), n);
    const e = k.get(z, n);
    xs.forEach((x, i) => {
      if (Number.isNaN(x)) return expect(e[i]).toBeNaN();
      const want = Math.exp(Math.min(Math.max(x, Math.fround(-87.3)), 88)); // the bound as the f32 it is
      expect(Math.abs(e[i] - want) / want, `exp(${x}) = ${e[i]}, expected ${want}`).toBeLessThan(5e-7);
    });
  });
});
