// Experiment (not part of the library; `npm run bench:sparse-rows`): can the decoder's post-ReLU zeros (≈ 50% of
// its hidden units, scattered) be skipped in the output layer's forward product? gemm's 4-row tile can only skip
// a k where all four rows are zero (≈ 6% of them at 50% density), so this measures the alternative: one row at a
// time, 8 vectors (32 columns) of B per k, visiting only that row's non-zero k. Same sums in the same k order as
// the dense tile (a skipped term is an exact zero), so it would change no bit; the question is only its speed.
// Own memory (no import), bump allocation.

let top: usize = 65536;

/** `bytes` of zeroed memory, 64-byte aligned. */
export function alloc(bytes: usize): usize {
  const p = top;
  top += (bytes + 63) & ~(<usize>63);
  const pages = <i32>((top + 0xffff) >> 16) - memory.size();
  if (pages > 0) memory.grow(pages);
  return p;
}

/** C(m, n) = A(m, k)·B(k, n), row-major, gemm's 4×(2 vectors) tile, panel-outer; m % 4 == 0, n % 8 == 0. */
export function dense4x8(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32): void {
  const ldB = <usize>n << 2, rowB = <usize>k << 2;
  for (let j = 0; j < n; j += 8) {
    for (let i = 0; i < m; i += 4) {
      const cc = c + <usize>i * ldB + (<usize>j << 2);
      let ap = a + <usize>i * rowB, bp = b + (<usize>j << 2);
      let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(bp), b1 = v128.load(bp, 16);
        let av = v128.load32_splat(ap);
        c00 = f32x4.add(c00, f32x4.mul(av, b0)); c01 = f32x4.add(c01, f32x4.mul(av, b1));
        av = v128.load32_splat(ap + rowB);
        c10 = f32x4.add(c10, f32x4.mul(av, b0)); c11 = f32x4.add(c11, f32x4.mul(av, b1));
        av = v128.load32_splat(ap + 2 * rowB);
        c20 = f32x4.add(c20, f32x4.mul(av, b0)); c21 = f32x4.add(c21, f32x4.mul(av, b1));
        av = v128.load32_splat(ap + 3 * rowB);
        c30 = f32x4.add(c30, f32x4.mul(av, b0)); c31 = f32x4.add(c31, f32x4.mul(av, b1));
        ap += 4; bp += ldB;
      }
      v128.store(cc, c00); v128.store(cc, c01, 16);
      v128.store(cc + ldB, c10); v128.store(cc + ldB, c11, 16);
      v128.store(cc + 2 * ldB, c20); v128.store(cc + 2 * ldB, c21, 16);
      v128.store(cc + 3 * ldB, c30); v128.store(cc + 3 * ldB, c31, 16);
    }
  }
}

/** Per row of A(m, k): a record (count, k₀, k₁, …) of its non-zero k, k + 1 i32 each. Returns the total count. */
export function row_lists(lists: usize, a: usize, m: i32, k: i32): i32 {
  let total = 0;
  for (let i = 0; i < m; i++) {
    const record = lists + <usize>i * ((<usize>k + 1) << 2);
    let cursor = record + 4;
    for (let p = 0; p < k; p++) {
      store<i32>(cursor, p);
      cursor += <usize>((load<u32>(a + ((<usize>i * <usize>k + <usize>p) << 2)) & 0x7fffffff) != 0) << 2;
    }
    const count = <i32>((cursor - record - 4) >> 2);
    store<i32>(record, count);
    total += count;
  }
  return total;
}

/** The same C from one row at a time over its listed k: 8 accumulators, 8 loads of B per k; n % 32 == 0. */
export function listed1x8(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lists: usize): void {
  const ldB = <usize>n << 2, rowB = <usize>k << 2, recordB = (<usize>k + 1) << 2;
  for (let j = 0; j < n; j += 32) {
    for (let i = 0; i < m; i++) {
      const record = lists + <usize>i * recordB, end = record + 4 + (<usize>load<i32>(record) << 2);
      const ai = a + <usize>i * rowB, bj = b + (<usize>j << 2), cc = c + <usize>i * ldB + (<usize>j << 2);
      let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
      for (let q = record + 4; q < end; q += 4) {
        const p = <usize>load<i32>(q);
        const av = v128.load32_splat(ai + (p << 2)), bp = bj + p * ldB;
        c0 = f32x4.add(c0, f32x4.mul(av, v128.load(bp)));
        c1 = f32x4.add(c1, f32x4.mul(av, v128.load(bp, 16)));
        c2 = f32x4.add(c2, f32x4.mul(av, v128.load(bp, 32)));
        c3 = f32x4.add(c3, f32x4.mul(av, v128.load(bp, 48)));
        c4 = f32x4.add(c4, f32x4.mul(av, v128.load(bp, 64)));
        c5 = f32x4.add(c5, f32x4.mul(av, v128.load(bp, 80)));
        c6 = f32x4.add(c6, f32x4.mul(av, v128.load(bp, 96)));
        c7 = f32x4.add(c7, f32x4.mul(av, v128.load(bp, 112)));
      }
      v128.store(cc, c0); v128.store(cc, c1, 16); v128.store(cc, c2, 32); v128.store(cc, c3, 48);
      v128.store(cc, c4, 64); v128.store(cc, c5, 80); v128.store(cc, c6, 96); v128.store(cc, c7, 112);
    }
  }
}
