// Every kernel of the scalar build (the fallback for engines without SIMD) against the same kernel of the SIMD
// build, on the same inputs, with sizes that exercise every tail. The SIMD kernels are checked against float64
// references in the other files, so agreement here carries those checks over to the scalar build. Element-wise
// results and products must be the same bits; loss sums may round differently (another summation order).
import { describe, expect, it } from 'vitest';
import { SIMD_ENGINE, kernels, randomArray, type Kernels } from '../helpers/wasm.js';

const N = 37; // not a multiple of 4 or 8

/** Each case returns its outputs: arrays compared bit for bit, and `sums` compared to a relative 1e-6. */
type Case = (k: Kernels) => { out: Float32Array[]; sums?: number[] };

const cases: Record<string, Case> = {
  'gemm, every mode, row-major and transposed A': (k) => {
    const out: Float32Array[] = [];
    for (const [m, n, kk] of [[1, 1, 1], [5, 13, 7], [9, 20, 11]]) {
      for (const mode of [0, 1, 2]) {
        const c = k.put(randomArray(m * n, 1)), a = k.put(randomArray(m * kk, 2)), b = k.put(randomArray(kk * n, 3)), bias = k.put(randomArray(n, 4));
        k.w.gemm(c, n, a, kk, 1, b, n, bias, m, n, kk, mode, mode); // epilogue none, ReLU, leaky ReLU
        out.push(k.get(c, m * n));
        k.w.gemm(c, n, a, 1, m, b, n, bias, m, n, kk, mode, 0); // A read as the transpose of a (kk, m) matrix
        out.push(k.get(c, m * n));
      }
    }
    return { out };
  },
  'dense forward and backward, dense and zero-skipping paths': (k) => {
    const B = 10, I = 19, O = 11, out: Float32Array[] = [];
    const x = k.put(randomArray(B * I, 5).map((v) => (v > 0.4 ? v : 0))); // 70% zeros
    const w = k.put(randomArray(O * I, 6)), b = k.put(randomArray(O, 7)), dy = k.put(randomArray(B * O, 10));
    const lists = k.zeros(Math.max(k.w.skip_list_bytes(B, 0, I), k.w.skip_list_bytes(0, I, B)) / 4);
    for (const policy of [1, 2]) { // SKIP_NEVER, SKIP_ALWAYS
      const y = k.zeros(B * O), dx = k.zeros(B * I), dw = k.put(randomArray(O * I, 8)), db = k.put(randomArray(O, 9));
      k.w.dense_forward(y, x, w, b, k.zeros(I * O), lists, B, I, O, 1, policy);
      k.w.dense_backward_input(dx, dy, w, B, I, O, 0);
      k.w.dense_backward_params(dw, db, dy, x, lists, B, I, O, 1, policy);
      out.push(k.get(y, B * O), k.get(dx, B * I), k.get(dw, O * I), k.get(db, O));
    }
    return { out };
  },
  'activations forward and backward': (k) => {
    const out: Float32Array[] = [];
    for (const kind of [0, 1, 2, 3]) {
      const y = k.put(randomArray(N, 11, -6, 6)), dy = k.put(randomArray(N, 12));
      k.w.activation_forward(kind, y, N);
      k.w.activation_backward(kind, dy, y, N);
      out.push(k.get(y, N), k.get(dy, N));
    }
    return { out };
  },
  'PRNG: normal_fill, uniform_fill, rng_below, reparameterisation': (k) => {
    const state = k.rng(42, 3);
    const normals = k.zeros(N), uniforms = k.zeros(N);
    k.w.normal_fill(normals, N, state);
    k.w.uniform_fill(uniforms, N, state, -2, 3);
    const below = Float32Array.from({ length: 9 }, () => k.w.rng_below(state, 1000));
    const mu = k.put(randomArray(N, 13)), lv = k.put(randomArray(N, 14, -3, 3)), z = k.zeros(N);
    k.w.reparameterize_forward(z, mu, lv, normals, N);
    const dmu = k.put(randomArray(N, 15)), dlv = k.put(randomArray(N, 16));
    k.w.reparameterize_backward(dmu, dlv, k.put(randomArray(N, 17)), lv, normals, N);
    return { out: [k.get(normals, N), k.get(uniforms, N), below, k.get(z, N), k.get(dmu, N), k.get(dlv, N)] };
  },
  'losses and KL with their gradients': (k) => {
    const logits = k.put(randomArray(N, 18, -15, 15)), x = k.put(randomArray(N, 19, 0, 1));
    const dl = k.zeros(N), dm = k.zeros(N), dmu = k.zeros(N), dlv = k.zeros(N);
    const mu = k.put(randomArray(N, 20)), lv = k.put(randomArray(N, 21, -3, 3));
    const sums = [
      k.w.bernoulli_logits_loss(dl, logits, x, N, 0.5),
      k.w.gaussian_unit_loss(dm, mu, x, N, 0.5),
      k.w.kl_forward(mu, lv, N),
    ];
    k.w.kl_backward(dmu, dlv, mu, lv, N, 0.25);
    return { out: [k.get(dl, N), k.get(dm, N), k.get(dmu, N), k.get(dlv, N)], sums };
  },
  'Adam, three steps': (k) => {
    const n = 40, p = k.put(randomArray(n, 22)), m = k.zeros(n), v = k.zeros(n);
    for (let t = 1; t <= 3; t++) k.w.adam_step(p, k.put(randomArray(n, 22 + t)), m, v, n, 1e-2, 0.9, 0.999, 1e-8, t);
    return { out: [k.get(p, n), k.get(m, n), k.get(v, n)] };
  },
  'first_outside': (k) => {
    const values = randomArray(N, 26, 0, 1);
    const found = [N, 0, 5, 33, 36].map((at) => {
      const copy = values.slice();
      if (at < N) copy[at] = at % 2 ? NaN : 2;
      return k.w.first_outside(k.put(copy), N, 0, 1);
    });
    return { out: [Float32Array.from(found)] };
  },
};

describe.runIf(SIMD_ENGINE)('scalar build against the SIMD build, kernel by kernel', () => {
  it.each(Object.keys(cases))('%s', async (name) => {
    const simd = await kernels('simd'), scalar = await kernels('scalar');
    expect(simd.engine.simd).toBe(true);
    expect(scalar.engine.simd).toBe(false);
    const a = cases[name](simd), b = cases[name](scalar);
    let differing = 0, total = 0;
    a.out.forEach((arr, i) => arr.forEach((v, j) => { total++; if (!Object.is(v, b.out[i][j])) differing++; }));
    const sumDiff = Math.max(0, ...(a.sums ?? []).map((s, i) => Math.abs(s - b.sums![i]) / Math.abs(s)));
    console.log(`${name}: ${total} values, ${differing} differ; loss sums max relative difference ${sumDiff.toExponential(2)}`);
    expect(total).toBeGreaterThan(0);
    expect(differing).toBe(0);
    expect(sumDiff).toBeLessThan(1e-6);
  });
});
