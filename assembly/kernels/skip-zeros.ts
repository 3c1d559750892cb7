// Zero-skipping products: gemm's sums with the terms whose A or B factor is an exact zero left out. MNIST
// pixels are ≈ 81% exact zeros, so the first layer's forward product and its weight gradient shrink ≈ 2.5×.
//
// Exactness: a skipped term is 0·w = ±0 for finite w, and s + ±0 = s for every s ≠ 0; a zero s stays a zero
// (+0 + ±0 = +0). So for finite weights and accumulators that do not start at −0, every output has the bits of
// gemm's dense sum: the listed tile adds the same non-zero terms in the same ascending k order. gemm's zero
// init never is −0, and neither is a bias from initialisation or Adam; a loaded file's −0 bias can only change
// the sign of an all-zero row's output. −0 inputs count as zeros. A NaN or infinite weight facing a zero input
// gives NaN in the dense product but is skipped here: a model already diverged, which nothing checks yet (the
// divergence guard belongs to the model-files issue).
//
// Lists: the k indices to visit, ascending, as i32 records of (count, k₀, k₁, … up to K entries):
//   rows form (forward, x·Wᵀ): one record per block of 4 rows of A — the k where any of the 4 rows is non-zero
//     (the union, so the 4×2-vector register tile of gemm still runs at full width);
//   panels form (weight gradient, dyᵀ·x): one record per panel of 2·LANES columns of B — the k (batch rows)
//     where B has a non-zero in that panel.
// Rows and columns outside whole blocks and panels are left to gemm, which sums the same terms in the same order.
// Lists are built branch-free: every k is written, the write cursor advances only for a kept one.
import { LANES, VBYTES, vload, vloadSplat, vstore, vadd, vmul, vhsum, convertS, iload, isplat, isub, iand, ior, ine, ianyTrue } from '~lib/lanes';
import { gemm, initVector, activateTile, EPILOGUE_NONE } from './gemm';

const MAGNITUDE: u32 = 0x7fffffff; // the bits of |x|: zero exactly for +0 and −0

/** Bytes of list scratch that gemm_listed_rows (m rows) or gemm_listed_panels (n columns) needs for K = k. */
export function skip_list_bytes(m: i32, n: i32, k: i32): usize {
  const records = max(m >> 2, n / (2 * LANES));
  return <usize>records * ((<usize>k + 1) << 2);
}

/** The fraction of x's n values that are not ±0 (NaN counts as non-zero). Reads exactly n values. */
export function nonzero_fraction(x: usize /* (n) */, n: i32): f64 {
  if (n <= 0) return 0;
  const whole = n - n % LANES, magnitude = isplat(<i32>MAGNITUDE), zero = isplat(0);
  let counts = isplat(0); // per lane: minus the count of non-zeros (a true mask lane is −1)
  let i = 0;
  for (; i < whole; i += LANES) counts = isub(counts, ine(iand(iload(x + (<usize>i << 2)), magnitude), zero));
  let nonzero = vhsum(convertS(counts));
  for (; i < n; i++) if ((load<u32>(x + (<usize>i << 2)) & MAGNITUDE) != 0) nonzero += 1;
  return nonzero / <f64>n;
}

/**
 * Rows form: for each whole block of 4 rows of A (element (i,p) at a + 4·(i·sam + p·sak)), the ascending p in
 * [0, k) where one of the 4 is non-zero. Writes ⌊m/4⌋ records of k+1 i32 at `lists`; returns the total count.
 */
export function row_block_lists(lists: usize, a: usize, sam: i32, sak: i32, m: i32, k: i32): i32 {
  const rowB = <usize>sam << 2, kB = <usize>sak << 2, recordB = (<usize>k + 1) << 2;
  let total = 0;
  for (let i = 0; i + 4 <= m; i += 4) {
    const record = lists + <usize>(i >> 2) * recordB;
    let cursor = record + 4, ap = a + <usize>i * rowB;
    for (let p = 0; p < k; p++) {
      const bits = load<u32>(ap) | load<u32>(ap + rowB) | load<u32>(ap + 2 * rowB) | load<u32>(ap + 3 * rowB);
      store<i32>(cursor, p);
      cursor += <usize>((bits & MAGNITUDE) != 0) << 2;
      ap += kB;
    }
    const count = <i32>((cursor - record - 4) >> 2);
    store<i32>(record, count);
    total += count;
  }
  return total;
}

/**
 * Panels form: for each whole panel of 2·LANES columns of B (row-major, row stride ldb floats), the ascending
 * rows p in [0, k) with a non-zero in the panel. Writes ⌊n/(2·LANES)⌋ records of k+1 i32; returns the total.
 */
export function panel_lists(lists: usize, b: usize, ldb: i32, k: i32, n: i32): i32 {
  const ldbB = <usize>ldb << 2, recordB = (<usize>k + 1) << 2, magnitude = isplat(<i32>MAGNITUDE);
  let total = 0;
  for (let j = 0; j + 2 * LANES <= n; j += 2 * LANES) {
    const record = lists + <usize>(j / (2 * LANES)) * recordB;
    let cursor = record + 4, bp = b + (<usize>j << 2);
    for (let p = 0; p < k; p++) {
      const any = ianyTrue(iand(ior(iload(bp), iload(bp + VBYTES)), magnitude));
      store<i32>(cursor, p);
      cursor += <usize>any << 2;
      bp += ldbB;
    }
    const count = <i32>((cursor - record - 4) >> 2);
    store<i32>(record, count);
    total += count;
  }
  return total;
}

/**
 * gemm's 4×2-vector tile, visiting only the `count` k indices of `list`. A copy of it rather than one tile for
 * both: walking a list costs an index load and two multiplies per step, ≈ 10% at full density, which the dense
 * path should not pay. Inlined into its callers, as gemm's is, so that V8 keeps the addresses in registers.
 */
// @ts-ignore: decorator
@inline function tile4x2vListed(c: usize, ldcB: usize, a: usize, rowB: usize, kB: usize, b: usize, ldbB: usize, bias: usize,
  list: usize, count: i32, mode: i32, epilogue: i32): void {
  let c00 = initVector(c, bias, mode), c01 = initVector(c + VBYTES, bias + VBYTES, mode);
  let c10 = initVector(c + ldcB, bias, mode), c11 = initVector(c + ldcB + VBYTES, bias + VBYTES, mode);
  let c20 = initVector(c + 2 * ldcB, bias, mode), c21 = initVector(c + 2 * ldcB + VBYTES, bias + VBYTES, mode);
  let c30 = initVector(c + 3 * ldcB, bias, mode), c31 = initVector(c + 3 * ldcB + VBYTES, bias + VBYTES, mode);
  const row2 = rowB << 1, row3 = rowB * 3, end = list + (<usize>count << 2);
  for (let q = list; q < end; q += 4) {
    const p = <usize>load<i32>(q);
    const ap = a + p * kB, bp = b + p * ldbB;
    const b0 = vload(bp), b1 = vload(bp + VBYTES);
    let av = vloadSplat(ap);
    c00 = vadd(c00, vmul(av, b0)); c01 = vadd(c01, vmul(av, b1));
    av = vloadSplat(ap + rowB);
    c10 = vadd(c10, vmul(av, b0)); c11 = vadd(c11, vmul(av, b1));
    av = vloadSplat(ap + row2);
    c20 = vadd(c20, vmul(av, b0)); c21 = vadd(c21, vmul(av, b1));
    av = vloadSplat(ap + row3);
    c30 = vadd(c30, vmul(av, b0)); c31 = vadd(c31, vmul(av, b1));
  }
  vstore(c, c00); vstore(c + VBYTES, c01);
  vstore(c + ldcB, c10); vstore(c + ldcB + VBYTES, c11);
  vstore(c + 2 * ldcB, c20); vstore(c + 2 * ldcB + VBYTES, c21);
  vstore(c + 3 * ldcB, c30); vstore(c + 3 * ldcB + VBYTES, c31);
  if (epilogue != EPILOGUE_NONE) activateTile(c, ldcB, 4, 2 * LANES, epilogue);
}

/** gemm's result for the rows and columns outside whole 4-row blocks and 2·LANES-column panels. */
function denseEdges(c: usize, ldc: i32, a: usize, sam: i32, sak: i32, b: usize, ldb: i32, bias: usize,
  m: i32, n: i32, k: i32, mode: i32, epilogue: i32): void {
  const m4 = m - m % 4, n2v = n - n % (2 * LANES), cols = <usize>n2v << 2;
  if (n2v < n) gemm(c + cols, ldc, a, sam, sak, b + cols, ldb, bias + cols, m4, n - n2v, k, mode, epilogue);
  if (m4 < m) {
    gemm(c + ((<usize>m4 * ldc) << 2), ldc, a + ((<usize>m4 * sam) << 2), sam, sak, b, ldb, bias, m - m4, n, k, mode, epilogue);
  }
}

/** gemm (same arguments, same bits) over the rows form of `lists` (row_block_lists of this A). */
export function gemm_listed_rows(
  c: usize, ldc: i32, a: usize, sam: i32, sak: i32, b: usize, ldb: i32, bias: usize,
  m: i32, n: i32, k: i32, mode: i32, epilogue: i32, lists: usize
): void {
  const ldcB = <usize>ldc << 2, ldbB = <usize>ldb << 2, rowB = <usize>sam << 2, kB = <usize>sak << 2;
  const recordB = (<usize>k + 1) << 2, n2v = n - n % (2 * LANES);
  for (let i = 0; i + 4 <= m; i += 4) {
    const record = lists + <usize>(i >> 2) * recordB, count = load<i32>(record);
    const ci = c + <usize>i * ldcB, ai = a + <usize>i * rowB;
    for (let j = 0; j < n2v; j += 2 * LANES) {
      const col = <usize>j << 2;
      tile4x2vListed(ci + col, ldcB, ai, rowB, kB, b + col, ldbB, bias + col, record + 4, count, mode, epilogue);
    }
  }
  denseEdges(c, ldc, a, sam, sak, b, ldb, bias, m, n, k, mode, epilogue);
}

/** gemm (same arguments, same bits) over the panels form of `lists` (panel_lists of this B). */
export function gemm_listed_panels(
  c: usize, ldc: i32, a: usize, sam: i32, sak: i32, b: usize, ldb: i32, bias: usize,
  m: i32, n: i32, k: i32, mode: i32, epilogue: i32, lists: usize
): void {
  const ldcB = <usize>ldc << 2, ldbB = <usize>ldb << 2, rowB = <usize>sam << 2, kB = <usize>sak << 2;
  const recordB = (<usize>k + 1) << 2;
  for (let j = 0; j + 2 * LANES <= n; j += 2 * LANES) {
    const record = lists + <usize>(j / (2 * LANES)) * recordB, count = load<i32>(record);
    const col = <usize>j << 2;
    for (let i = 0; i + 4 <= m; i += 4) {
      tile4x2vListed(c + <usize>i * ldcB + col, ldcB, a + <usize>i * rowB, rowB, kB, b + col, ldbB, bias + col, record + 4, count, mode, epilogue);
    }
  }
  denseEdges(c, ldc, a, sam, sak, b, ldb, bias, m, n, k, mode, epilogue);
}
