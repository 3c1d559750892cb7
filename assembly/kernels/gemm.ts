// The one matrix product every dense form is built from, register-tiled for 128-bit SIMD.
//
//   C(M,N) = A(M,K)·B(K,N) + init      init = C (accumulate) | bias row broadcast to every row | 0
//
// A is addressed by strides, so the same microkernel serves A and Aᵀ: element (i,p) of A sits at
// a + 4·(i·sam + p·sak) — a row-major (M,K) matrix is (sam = K, sak = 1), the transpose of a row-major
// (K,M) matrix is (sam = 1, sak = M). B and C are row-major with row strides ldb and ldc (floats).
// Pointers are byte addresses; no alignment is required (16-byte alignment is faster).
// Tiles: 4 rows × 8 columns (eight f32x4 accumulators: 4 broadcasts of A times 2 vectors of B per k step);
// column tails use 4-wide and scalar tiles, row tails 1-row tiles, so any M, N, K >= 0 is exact.

export const INIT_ZERO: i32 = 0;
export const INIT_BIAS: i32 = 1;
export const INIT_ACCUMULATE: i32 = 2;

// @ts-ignore: decorator
@inline function initVector(c: usize, bias: usize, mode: i32): v128 {
  if (mode == INIT_ACCUMULATE) return v128.load(c);
  if (mode == INIT_BIAS) return v128.load(bias);
  return f32x4.splat(0);
}

// @ts-ignore: decorator
@inline function initScalar(c: usize, bias: usize, mode: i32): f32 {
  if (mode == INIT_ACCUMULATE) return load<f32>(c);
  if (mode == INIT_BIAS) return load<f32>(bias);
  return 0;
}

/** 4×8 tile: C[0..4, 0..8] from A rows 0..4 (byte strides rowB between rows, kB between k) and B columns 0..8. */
function tile4x8(c: usize, ldcB: usize, a: usize, rowB: usize, kB: usize, b: usize, ldbB: usize, bias: usize, k: i32, mode: i32): void {
  let c00 = initVector(c, bias, mode), c01 = initVector(c + 16, bias + 16, mode);
  let c10 = initVector(c + ldcB, bias, mode), c11 = initVector(c + ldcB + 16, bias + 16, mode);
  let c20 = initVector(c + 2 * ldcB, bias, mode), c21 = initVector(c + 2 * ldcB + 16, bias + 16, mode);
  let c30 = initVector(c + 3 * ldcB, bias, mode), c31 = initVector(c + 3 * ldcB + 16, bias + 16, mode);
  const row2 = rowB << 1, row3 = rowB * 3;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let av = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(av, b0)); c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(a + rowB);
    c10 = f32x4.add(c10, f32x4.mul(av, b0)); c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(a + row2);
    c20 = f32x4.add(c20, f32x4.mul(av, b0)); c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(a + row3);
    c30 = f32x4.add(c30, f32x4.mul(av, b0)); c31 = f32x4.add(c31, f32x4.mul(av, b1));
    a += kB; b += ldbB;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldcB, c10); v128.store(c + ldcB, c11, 16);
  v128.store(c + 2 * ldcB, c20); v128.store(c + 2 * ldcB, c21, 16);
  v128.store(c + 3 * ldcB, c30); v128.store(c + 3 * ldcB, c31, 16);
}

/** 4×4 tile (the 4-column tail). */
function tile4x4(c: usize, ldcB: usize, a: usize, rowB: usize, kB: usize, b: usize, ldbB: usize, bias: usize, k: i32, mode: i32): void {
  let c0 = initVector(c, bias, mode), c1 = initVector(c + ldcB, bias, mode);
  let c2 = initVector(c + 2 * ldcB, bias, mode), c3 = initVector(c + 3 * ldcB, bias, mode);
  const row2 = rowB << 1, row3 = rowB * 3;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a + rowB), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a + row2), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a + row3), b0));
    a += kB; b += ldbB;
  }
  v128.store(c, c0); v128.store(c + ldcB, c1); v128.store(c + 2 * ldcB, c2); v128.store(c + 3 * ldcB, c3);
}

/** 1×8 tile (the row tail). */
function tile1x8(c: usize, a: usize, kB: usize, b: usize, ldbB: usize, bias: usize, k: i32, mode: i32): void {
  let c0 = initVector(c, bias, mode), c1 = initVector(c + 16, bias + 16, mode);
  for (let p = 0; p < k; p++) {
    const av = v128.load32_splat(a);
    c0 = f32x4.add(c0, f32x4.mul(av, v128.load(b)));
    c1 = f32x4.add(c1, f32x4.mul(av, v128.load(b, 16)));
    a += kB; b += ldbB;
  }
  v128.store(c, c0); v128.store(c, c1, 16);
}

/** 1×4 tile. */
function tile1x4(c: usize, a: usize, kB: usize, b: usize, ldbB: usize, bias: usize, k: i32, mode: i32): void {
  let c0 = initVector(c, bias, mode);
  for (let p = 0; p < k; p++) {
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a), v128.load(b)));
    a += kB; b += ldbB;
  }
  v128.store(c, c0);
}

/** 1×1 tile: the scalar tail, one output. */
function tile1x1(c: usize, a: usize, kB: usize, b: usize, ldbB: usize, bias: usize, k: i32, mode: i32): void {
  let acc = initScalar(c, bias, mode);
  for (let p = 0; p < k; p++) {
    acc += load<f32>(a) * load<f32>(b);
    a += kB; b += ldbB;
  }
  store<f32>(c, acc);
}

/**
 * C(M,N) = A(M,K)·B(K,N) + init (see the file comment). `bias` is read only with INIT_BIAS and is (N).
 * Overwrites C (INIT_ZERO, INIT_BIAS) or adds into it (INIT_ACCUMULATE). Exact for any M, N, K.
 */
export function gemm(
  c: usize, ldc: i32,            // (M, N), row stride ldc
  a: usize, sam: i32, sak: i32,  // (M, K) by strides
  b: usize, ldb: i32,            // (K, N), row stride ldb
  bias: usize,                   // (N) or 0
  m: i32, n: i32, k: i32, mode: i32
): void {
  const ldcB = <usize>ldc << 2, ldbB = <usize>ldb << 2;
  const rowB = <usize>sam << 2, kB = <usize>sak << 2;
  const n8 = n & ~7, n4 = n & ~3;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const ci = c + <usize>i * ldcB, ai = a + <usize>i * rowB;
    let j = 0;
    for (; j < n8; j += 8) tile4x8(ci + (<usize>j << 2), ldcB, ai, rowB, kB, b + (<usize>j << 2), ldbB, bias + (<usize>j << 2), k, mode);
    for (; j < n4; j += 4) tile4x4(ci + (<usize>j << 2), ldcB, ai, rowB, kB, b + (<usize>j << 2), ldbB, bias + (<usize>j << 2), k, mode);
    for (; j < n; j++) {
      for (let r = 0; r < 4; r++) {
        tile1x1(ci + <usize>r * ldcB + (<usize>j << 2), ai + <usize>r * rowB, kB, b + (<usize>j << 2), ldbB, bias + (<usize>j << 2), k, mode);
      }
    }
  }
  for (; i < m; i++) {
    const ci = c + <usize>i * ldcB, ai = a + <usize>i * rowB;
    let j = 0;
    for (; j < n8; j += 8) tile1x8(ci + (<usize>j << 2), ai, kB, b + (<usize>j << 2), ldbB, bias + (<usize>j << 2), k, mode);
    for (; j < n4; j += 4) tile1x4(ci + (<usize>j << 2), ai, kB, b + (<usize>j << 2), ldbB, bias + (<usize>j << 2), k, mode);
    for (; j < n; j++) tile1x1(ci + (<usize>j << 2), ai, kB, b + (<usize>j << 2), ldbB, bias + (<usize>j << 2), k, mode);
  }
}
