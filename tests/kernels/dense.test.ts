import { describe, expect, it } from 'vitest';
import { denseBackwardRef, denseForwardRef, finiteDifferences, gemmRef, maxScaledDiff } from '../reference/kernels.js';
import { kernels, randomArray } from '../helpers/wasm.js';

const INIT_ZERO = 0, INIT_BIAS = 1, INIT_ACCUMULATE = 2;
const EPILOGUES = [['none', (v: number) => v], ['relu', (v: number) => Math.max(0, v)], ['leakyRelu', (v: number) => (v > 0 ? v : 0.01 * v)]] as const;
const SKIP_NEVER = 1;
// Sizes around the tile edges: 4-row blocks and 8/4/1-column tails.
const SIZES = [1, 3, 4, 5, 8, 9, 13, 20];

describe('gemm (4×8 register tiles with 4-wide and scalar tails)', () => {
  it('matches the naive product for every mode and epilogue, row-major and transposed A, over tail-exercising sizes', async () => {
    const k = await kernels();
    let worst = 0;
    for (const m of SIZES) for (const n of SIZES) for (const kk of [1, 7, 16]) {
      for (const transposedA of [false, true]) {
        const [sam, sak] = transposedA ? [1, m] : [kk, 1];
        const a = randomArray(m * kk, m * 100 + n), b = randomArray(kk * n, n * 7 + kk), bias = randomArray(n, 3);
        const c0 = randomArray(m * n, 11);
        for (const mode of [INIT_ZERO, INIT_BIAS, INIT_ACCUMULATE]) {
          EPILOGUES.forEach(([, f], epilogue) => {
            const pc = k.put(c0), pa = k.put(a), pb = k.put(b), pbias = k.put(bias);
            k.w.gemm(pc, n, pa, sam, sak, pb, n, pbias, m, n, kk, mode, epilogue);
            const init = (i: number, j: number) => (mode === INIT_ACCUMULATE ? c0[i * n + j] : mode === INIT_BIAS ? bias[j] : 0);
            const d = maxScaledDiff(k.get(pc, m * n), gemmRef(a, sam, sak, b, n, m, n, kk, init).map(f));
            worst = Math.max(worst, d);
          });
        }
      }
    }
    console.log(`gemm: max scaled difference from the float64 reference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
  });

  it('writes nothing outside C, even past a ragged last row and column', async () => {
    const k = await kernels();
    const m = 5, n = 13, kk = 6, ldc = 16; // C embedded in a wider matrix: columns 13..15 must stay untouched
    const big = new Float32Array(m * ldc).fill(7);
    const pc = k.put(big), pa = k.put(randomArray(m * kk, 1)), pb = k.put(randomArray(kk * n, 2));
    k.w.gemm(pc, ldc, pa, kk, 1, pb, n, 0, m, n, kk, INIT_ZERO, 0);
    const out = k.get(pc, m * ldc);
    for (let i = 0; i < m; i++) for (let j = n; j < ldc; j++) expect(out[i * ldc + j]).toBe(7);
  });
});

describe('dense layer', () => {
  const cases: Array<[number, number, number]> = [[1, 1, 1], [3, 5, 7], [4, 8, 8], [9, 20, 13], [128, 784, 40]];

  it('forward y = x·Wᵀ + b matches the reference', async () => {
    const k = await kernels();
    let worst = 0;
    for (const [B, I, O] of cases) {
      const x = randomArray(B * I, 1), w = randomArray(O * I, 2), b = randomArray(O, 3);
      const py = k.zeros(B * O), wt = k.zeros(I * O);
      k.w.dense_forward(py, k.put(x), k.put(w), k.put(b), wt, 0, B, I, O, 0, SKIP_NEVER);
      const d = maxScaledDiff(k.get(py, B * O), denseForwardRef(x, w, b, B, I, O));
      console.log(`dense_forward (${B}×${I})·(${I}×${O}): max scaled difference ${d.toExponential(2)}`);
      // float32 summation error grows with the reduction length: bound it by K·2^-23
      expect(d).toBeLessThan(Math.max(I, 8) * 2 ** -23);
      worst = Math.max(worst, d);
    }
    expect(worst).toBeGreaterThan(0); // the comparison really ran in float32
  });

  it('forward applies the ReLU and leaky ReLU epilogues to exactly the values of the plain forward', async () => {
    const k = await kernels();
    const [B, I, O] = [9, 20, 13];
    const px = k.put(randomArray(B * I, 1)), pw = k.put(randomArray(O * I, 2)), pb = k.put(randomArray(O, 3)), wt = k.zeros(I * O);
    const plain = k.zeros(B * O);
    k.w.dense_forward(plain, px, pw, pb, wt, 0, B, I, O, 0, SKIP_NEVER);
    const y = k.get(plain, B * O);
    for (const [epilogue, kind] of [[1, 0], [2, 1]] as const) { // gemm EPILOGUE_RELU / _LEAKY_RELU, activation RELU / LEAKY_RELU
      const fused = k.zeros(B * O), separate = k.put(y);
      k.w.dense_forward(fused, px, pw, pb, wt, 0, B, I, O, epilogue, SKIP_NEVER);
      k.w.activation_forward(kind, separate, B * O);
      expect(k.get(fused, B * O)).toEqual(k.get(separate, B * O));
    }
    expect(y.some((v) => v < 0)).toBe(true); // the epilogue had negatives to change
  });

  it('backward dx, dW, db match the reference; dW, db overwrite, or accumulate when asked', async () => {
    const k = await kernels();
    for (const [B, I, O] of cases) {
      const x = randomArray(B * I, 4), w = randomArray(O * I, 5), dy = randomArray(B * O, 6);
      const dw0 = randomArray(O * I, 7), db0 = randomArray(O, 8);
      const pdx = k.zeros(B * I), pdw = k.put(dw0), pdb = k.put(db0), px = k.put(x), pw = k.put(w), pdy = k.put(dy);
      k.w.dense_backward_input(pdx, pdy, pw, B, I, O, 0);
      k.w.dense_backward_params(pdw, pdb, pdy, px, 0, B, I, O, 1, SKIP_NEVER);
      const ref = denseBackwardRef(dy, x, w, B, I, O);
      const dx = maxScaledDiff(k.get(pdx, B * I), ref.dx);
      const dwb = Math.max(maxScaledDiff(k.get(pdw, O * I), ref.dw.map((v, i) => v + dw0[i])),
        maxScaledDiff(k.get(pdb, O), ref.db.map((v, i) => v + db0[i])));
      // accumulate = 0 overwrites whatever was there
      k.w.dense_backward_params(pdw, pdb, pdy, px, 0, B, I, O, 0, SKIP_NEVER);
      const dwbOver = Math.max(maxScaledDiff(k.get(pdw, O * I), ref.dw), maxScaledDiff(k.get(pdb, O), ref.db));
      // accumulate=1 adds a second dx on top of the first
      k.w.dense_backward_input(pdx, pdy, pw, B, I, O, 1);
      const dx2 = maxScaledDiff(k.get(pdx, B * I), ref.dx.map((v) => 2 * v));
      console.log(`dense backward B=${B} in=${I} out=${O}: max scaled difference dx ${dx.toExponential(2)}, dW/db ${dwb.toExponential(2)}`);
      expect(Math.max(dx, dx2)).toBeLessThan(Math.max(O, 8) * 2 ** -23); // reduction over out
      expect(Math.max(dwb, dwbOver)).toBeLessThan(Math.max(B, 8) * 2 ** -23); // reduction over the batch
    }
  });

  it('backward agrees with finite differences of the float64 forward', async () => {
    const k = await kernels();
    const B = 3, I = 5, O = 6;
    const x = Float64Array.from(randomArray(B * I, 9)), w = Float64Array.from(randomArray(O * I, 10));
    const b = Float64Array.from(randomArray(O, 11)), r = randomArray(B * O, 12);
    // scalar objective L = Σ r ⊙ y, so dL/dy = r
    const L = () => denseForwardRef(x, w, b, B, I, O).reduce((s, v, i) => s + v * r[i], 0);
    const pdx = k.zeros(B * I), pdw = k.zeros(O * I), pdb = k.zeros(O);
    k.w.dense_backward_input(pdx, k.put(r), k.put(w), B, I, O, 0);
    k.w.dense_backward_params(pdw, pdb, k.put(r), k.put(x), 0, B, I, O, 0, SKIP_NEVER);
    const d = Math.max(
      maxScaledDiff(k.get(pdx, B * I), finiteDifferences(L, x)),
      maxScaledDiff(k.get(pdw, O * I), finiteDifferences(L, w)),
      maxScaledDiff(k.get(pdb, O), finiteDifferences(L, b)));
    console.log(`dense backward vs finite differences: max scaled difference ${d.toExponential(2)}`);
    expect(d).toBeLessThan(1e-5);
  });

  it('transpose is exact', async () => {
    const k = await kernels();
    for (const [r, c] of [[1, 1], [3, 17], [20, 400], [9, 8], [37, 45], [64, 36]]) {
      const a = randomArray(r * c, r + c), po = k.zeros(r * c);
      k.w.transpose(po, k.put(a), r, c);
      const out = k.get(po, r * c);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) expect(out[j * r + i]).toBe(a[i * c + j]);
    }
  });
});
