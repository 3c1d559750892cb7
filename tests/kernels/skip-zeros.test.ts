// Zero-skipping products (assembly/kernels/skip-zeros.ts) against the dense gemm they replace: the same bits,
// for both list forms, every init mode and epilogue, over sizes that exercise every tile edge; the lists
// themselves against a plain-JS construction; and the dense-layer entry points under every policy.
import { describe, expect, it } from 'vitest';
import { gemmRef, maxScaledDiff } from '../reference/kernels.js';
import { kernels, randomArray, type Kernels } from '../helpers/wasm.js';
import { sparseImages } from '../helpers/data.js';

const SIZES = [1, 3, 4, 5, 8, 9, 13, 20];
const SKIP_AUTO = 0, SKIP_NEVER = 1, SKIP_ALWAYS = 2;

/** Random values with about `zeros` of them exact zeros, a few of those −0. */
function sparse(n: number, seed: number, zeros = 0.6): Float32Array {
  const r = randomArray(n, seed, 0, 1), v = randomArray(n, seed + 1);
  return v.map((x, i) => (r[i] < zeros ? (i % 7 === 0 ? -0 : 0) : x));
}

/** Indices at which two arrays differ in bits (Object.is: −0 and +0 differ, NaN equals NaN). */
function differing(a: Float32Array, b: Float32Array): number {
  let d = 0;
  a.forEach((v, i) => { if (!Object.is(v, b[i])) d++; });
  return d;
}

function listBytes(k: Kernels, m: number, n: number, kk: number): number {
  return Math.max(16, k.w.skip_list_bytes(m, n, kk));
}

describe('zero-skipping gemm', () => {
  it('gives the dense gemm\'s bits in both list forms, for every mode and epilogue, over tail-exercising sizes', async () => {
    const k = await kernels();
    let compared = 0, skipped = 0, worst = 0;
    for (const m of SIZES) for (const n of SIZES) for (const kk of [1, 7, 16]) {
      for (const form of ['rows', 'panels'] as const) {
        // rows form skips zeros of A (row-major), panels form zeros of B; the other operand is dense
        const a = form === 'rows' ? sparse(m * kk, m * 31 + kk) : randomArray(m * kk, m * 31 + kk);
        const b = form === 'panels' ? sparse(kk * n, n * 17 + kk) : randomArray(kk * n, n * 17 + kk);
        const bias = randomArray(n, 3), c0 = randomArray(m * n, 11);
        const pa = k.put(a), pb = k.put(b), pbias = k.put(bias), lists = k.zeros(listBytes(k, m, n, kk) / 4);
        const total = form === 'rows' ? k.w.row_block_lists(lists, pa, kk, 1, m, kk) : k.w.panel_lists(lists, pb, n, kk, n);
        skipped += (form === 'rows' ? Math.floor(m / 4) : Math.floor(n / (k.engine.simd ? 8 : 2))) * kk - total;
        for (const mode of [0, 1, 2]) for (const epilogue of [0, 1, 2]) {
          const dense = k.put(c0), listed = k.put(c0);
          k.w.gemm(dense, n, pa, kk, 1, pb, n, pbias, m, n, kk, mode, epilogue);
          const run = form === 'rows' ? k.w.gemm_listed_rows : k.w.gemm_listed_panels;
          run(listed, n, pa, kk, 1, pb, n, pbias, m, n, kk, mode, epilogue, lists);
          const got = k.get(listed, m * n);
          expect(differing(got, k.get(dense, m * n))).toBe(0);
          compared += m * n;
          if (mode === 1 && epilogue === 0) worst = Math.max(worst, maxScaledDiff(got, gemmRef(a, kk, 1, b, n, m, n, kk, (_i, j) => bias[j])));
        }
      }
    }
    console.log(`zero-skipping gemm: ${compared} outputs, all bit-identical to dense gemm; ${skipped} k steps skipped; ` +
      `max scaled difference from the float64 reference ${worst.toExponential(2)}`);
    expect(skipped).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1e-5);
  });

  it('lists hold exactly the ascending k where a 4-row block (rows) or a panel of 2·LANES columns (panels) has a non-zero', async () => {
    const k = await kernels();
    const m = 13, n = 21, kk = 30, width = k.engine.simd ? 8 : 2;
    const a = sparse(m * kk, 5, 0.8), b = sparse(kk * n, 6, 0.8);
    const rows = k.zeros(listBytes(k, m, 0, kk) / 4), panels = k.zeros(listBytes(k, 0, n, kk) / 4);
    const rowTotal = k.w.row_block_lists(rows, k.put(a), kk, 1, m, kk), panelTotal = k.w.panel_lists(panels, k.put(b), n, kk, n);
    const record = (ptr: number, r: number) => {
      const words = new Int32Array(k.get(ptr + 4 * r * (kk + 1), kk + 1).buffer);
      return Array.from(words.subarray(1, 1 + words[0]));
    };
    let total = 0;
    for (let blk = 0; blk < Math.floor(m / 4); blk++) {
      const want = [...Array(kk).keys()].filter((p) => [0, 1, 2, 3].some((r) => a[(4 * blk + r) * kk + p] !== 0));
      expect(record(rows, blk)).toEqual(want);
      total += want.length;
    }
    expect(rowTotal).toBe(total);
    total = 0;
    for (let pn = 0; pn < Math.floor(n / width); pn++) {
      const want = [...Array(kk).keys()].filter((p) => [...Array(width).keys()].some((c) => b[p * n + pn * width + c] !== 0));
      expect(record(panels, pn)).toEqual(want);
      total += want.length;
    }
    expect(panelTotal).toBe(total);
  });

  it('nonzero_fraction counts +0 and −0 as zeros and everything else, NaN included, as non-zero', async () => {
    const k = await kernels();
    for (const n of [1, 4, 7, 37]) {
      const x = sparse(n, n, 0.5);
      if (n > 2) x[1] = NaN;
      const want = Array.from(x).filter((v) => v !== 0).length / n; // NaN !== 0
      expect(k.w.nonzero_fraction(k.put(x), n)).toBeCloseTo(want, 12);
    }
  });
});

describe('dense layer under every zero-skipping policy', () => {
  it('forward and weight gradient have the same bits; AUTO skips on digit-like images and not on dense data', async () => {
    const k = await kernels();
    const B = 32, I = 784, O = 40;
    const lists = k.zeros(Math.max(k.w.skip_list_bytes(B, 0, I), k.w.skip_list_bytes(0, I, B)) / 4);
    const w = k.put(randomArray(O * I, 1, -0.05, 0.05)), b = k.put(randomArray(O, 2)), dy = k.put(randomArray(B * O, 3));
    for (const [name, data] of [['digit-like', sparseImages(B, 4)], ['dense', randomArray(B * I, 5, 0.01, 1)]] as const) {
      const x = k.put(data);
      const results = [SKIP_NEVER, SKIP_ALWAYS, SKIP_AUTO].map((policy) => {
        const y = k.zeros(B * O), dw = k.zeros(O * I), db = k.zeros(O);
        const forward = k.w.dense_forward(y, x, w, b, k.zeros(I * O), lists, B, I, O, 1, policy);
        const gradient = k.w.dense_backward_params(dw, db, dy, x, lists, B, I, O, 0, policy);
        return { forward, gradient, y: k.get(y, B * O), dw: k.get(dw, O * I), db: k.get(db, O) };
      });
      const [never, always, auto] = results;
      for (const r of [always, auto]) {
        expect(differing(r.y, never.y) + differing(r.dw, never.dw) + differing(r.db, never.db)).toBe(0);
      }
      expect([never.forward, never.gradient]).toEqual([1, 1]);
      console.log(`${name} images: AUTO ran ${(auto.forward * 100).toFixed(1)}% of the forward's k steps, ` +
        `${(auto.gradient * 100).toFixed(1)}% of the weight gradient's`);
      if (name === 'digit-like') {
        expect(auto.forward).toBeLessThan(0.8);
        expect(auto.gradient).toBeLessThan(0.8);
      } else {
        expect([auto.forward, auto.gradient]).toEqual([1, 1]);
      }
    }
  });
});
