// The one matrix product every dense form is built from, register-tiled for vectors of LANES floats.
//
//   C(M,N) = A(M,K)·B(K,N) + init      init = C (accumulate) | bias row broadcast to every row | 0
//
// A is addressed by strides, so the same microkernel serves A and Aᵀ: element (i,p) of A sits at
// a + 4·(i·sam + p·sak) — a row-major (M,K) matrix is (sam = K, sak = 1), the transpose of a row-major
// (K,M) matrix is (sam = 1, sak = M). B and C are row-major with row strides ldb and ldc (floats).
// Pointers are byte addresses; no alignment is required (16-byte alignment is faster).
// Tiles: 4 rows × 2 vectors (eight accumulators: 4 broadcasts of A times 2 vectors of B per k step; 4×8 floats
// in the SIMD build, 4×2 in the scalar build); column tails use 1-vector and scalar tiles, row tails 1-row
// tiles, so any M, N, K >= 0 is exact. Each output sums its K products in k order in either build.
// Why 4×2 vectors: it is the largest tile whose 8 accumulators, 2 B vectors and a broadcast stay in V8's xmm
// registers; a 6×2 tile (15 live vectors) spills and ran at about half the rate when measured in Node 20.
// Epilogue: the accumulators start from the bias (INIT_BIAS), and ReLU or leaky ReLU is applied to each finished
// tile while it is in L1, so a dense layer's forward makes no second pass over its output.
import { VecF, LANES, VBYTES, vsplat, vload, vloadSplat, vstore, vadd, vmul } from '~lib/lanes';
import { vrelu, vleakyRelu, relu1, leakyRelu1 } from './activations';

export const INIT_ZERO: i32 = 0;
export const INIT_BIAS: i32 = 1;
export const INIT_ACCUMULATE: i32 = 2;

export const EPILOGUE_NONE: i32 = 0;
export const EPILOGUE_RELU: i32 = 1;
export const EPILOGUE_LEAKY_RELU: i32 = 2;

// @ts-ignore: decorator
@inline export function initVector(c: usize, bias: usize, mode: i32): VecF {
  if (mode == INIT_ACCUMULATE) return vload(c);
  if (mode == INIT_BIAS) return vload(bias);
  return vsplat(0);
}

// @ts-ignore: decorator
@inline function initScalar(c: usize, bias: usize, mode: i32): f32 {
  if (mode == INIT_ACCUMULATE) return load<f32>(c);
  if (mode == INIT_BIAS) return load<f32>(bias);
  return 0;
}

/**
 * Applies the epilogue to a finished rows × cols block of C in place (0 < cols, stride ldcB bytes), while the
 * tile is still in L1. One small function instead of a branch at every store keeps both builds compact.
 */
export function activateTile(c: usize, ldcB: usize, rows: i32, cols: i32, epilogue: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = c + <usize>r * ldcB;
    let j = 0;
    for (; j + LANES <= cols; j += LANES) {
      const p = row + (<usize>j << 2), v = vload(p);
      vstore(p, epilogue == EPILOGUE_RELU ? vrelu(v) : vleakyRelu(v));
    }
    for (; j < cols; j++) {
      const p = row + (<usize>j << 2), v = load<f32>(p);
      store<f32>(p, epilogue == EPILOGUE_RELU ? relu1(v) : leakyRelu1(v));
    }
  }
}

/**
 * 4×2-vector tile: C[0..4, 0..2·LANES] from A rows 0..4 (byte strides rowB between rows, kB between k). Inlined
 * into gemm: as a called function V8 recomputes its row addresses every k step and runs ≈ 10% slower.
 */
// @ts-ignore: decorator
@inline function tile4x2v(c: usize, ldcB: usize, a: usize, rowB: usize, kB: usize, b: usize, ldbB: usize, bias: usize, k: i32, mode: i32, epilogue: i32): void {
  let c00 = initVector(c, bias, mode), c01 = initVector(c + VBYTES, bias + VBYTES, mode);
  let c10 = initVector(c + ldcB, bias, mode), c11 = initVector(c + ldcB + VBYTES, bias + VBYTES, mode);
  let c20 = initVector(c + 2 * ldcB, bias, mode), c21 = initVector(c + 2 * ldcB + VBYTES, bias + VBYTES, mode);
  let c30 = initVector(c + 3 * ldcB, bias, mode), c31 = initVector(c + 3 * ldcB + VBYTES, bias + VBYTES, mode);
  const row2 = rowB << 1, row3 = rowB * 3;
  for (let p = 0; p < k; p++) {
    const b0 = vload(b), b1 = vload(b + VBYTES);
    let av = vloadSplat(a);
    c00 = vadd(c00, vmul(av, b0)); c01 = vadd(c01, vmul(av, b1));
    av = vloadSplat(a + rowB);
    c10 = vadd(c10, vmul(av, b0)); c11 = vadd(c11, vmul(av, b1));
    av = vloadSplat(a + row2);
    c20 = vadd(c20, vmul(av, b0)); c21 = vadd(c21, vmul(av, b1));
    av = vloadSplat(a + row3);
    c30 = vadd(c30, vmul(av, b0)); c31 = vadd(c31, vmul(av, b1));
    a += kB; b += ldbB;
  }
  vstore(c, c00); vstore(c + VBYTES, c01);
  vstore(c + ldcB, c10); vstore(c + ldcB + VBYTES, c11);
  vstore(c + 2 * ldcB, c20); vstore(c + 2 * ldcB + VBYTES, c21);
  vstore(c + 3 * ldcB, c30); vstore(c + 3 * ldcB + VBYTES, c31);
  if (epilogue != EPILOGUE_NONE) activateTile(c, ldcB, 4, 2 * LANES, epilogue);
}

/** 4×1-vector tile (the column tail). */
function tile4x1v(c: usize, ldcB: usize, a: usize, rowB: usize, kB: usize, b: usize, ldbB: usize, bias: usize, k: i32, mode: i32, epilogue: i32): void {
  let c0 = initVector(c, bias, mode), c1 = initVector(c + ldcB, bias, mode);
  let c2 = initVector(c + 2 * ldcB, bias, mode), c3 = initVector(c + 3 * ldcB, bias, mode);
  const row2 = rowB << 1, row3 = rowB * 3;
  for (let p = 0; p < k; p++) {
    const b0 = vload(b);
    c0 = vadd(c0, vmul(vloadSplat(a), b0));
    c1 = vadd(c1, vmul(vloadSplat(a + rowB), b0));
    c2 = vadd(c2, vmul(vloadSplat(a + row2), b0));
    c3 = vadd(c3, vmul(vloadSplat(a + row3), b0));
    a += kB; b += ldbB;
  }
  vstore(c, c0); vstore(c + ldcB, c1); vstore(c + 2 * ldcB, c2); vstore(c + 3 * ldcB, c3);
  if (epilogue != EPILOGUE_NONE) activateTile(c, ldcB, 4, LANES, epilogue);
}

/** 1×2-vector tile (the row tail). */
function tile1x2v(c: usize, a: usize, kB: usize, b: usize, ldbB: usize, bias: usize, k: i32, mode: i32, epilogue: i32): void {
  let c0 = initVector(c, bias, mode), c1 = initVector(c + VBYTES, bias + VBYTES, mode);
  for (let p = 0; p < k; p++) {
    const av = vloadSplat(a);
    c0 = vadd(c0, vmul(av, vload(b)));
    c1 = vadd(c1, vmul(av, vload(b + VBYTES)));
    a += kB; b += ldbB;
  }
  vstore(c, c0); vstore(c + VBYTES, c1);
  if (epilogue != EPILOGUE_NONE) activateTile(c, 0, 1, 2 * LANES, epilogue);
}

/** 1×1-vector tile. */
function tile1x1v(c: usize, a: usize, kB: usize, b: usize, ldbB: usize, bias: usize, k: i32, mode: i32, epilogue: i32): void {
  let c0 = initVector(c, bias, mode);
  for (let p = 0; p < k; p++) {
    c0 = vadd(c0, vmul(vloadSplat(a), vload(b)));
    a += kB; b += ldbB;
  }
  vstore(c, c0);
  if (epilogue != EPILOGUE_NONE) activateTile(c, 0, 1, LANES, epilogue);
}

/** 1×1 tile: the scalar tail, one output. */
function tile1x1(c: usize, a: usize, kB: usize, b: usize, ldbB: usize, bias: usize, k: i32, mode: i32, epilogue: i32): void {
  let acc = initScalar(c, bias, mode);
  for (let p = 0; p < k; p++) {
    acc += load<f32>(a) * load<f32>(b);
    a += kB; b += ldbB;
  }
  store<f32>(c, acc);
  if (epilogue != EPILOGUE_NONE) activateTile(c, 0, 1, 1, epilogue);
}

/**
 * C(M,N) = epilogue(A(M,K)·B(K,N) + init) (see the file comment). `bias` is read only with INIT_BIAS and is (N).
 * Overwrites C (INIT_ZERO, INIT_BIAS) or adds into it (INIT_ACCUMULATE). Exact for any M, N, K.
 */
export function gemm(
  c: usize, ldc: i32,            // (M, N), row stride ldc
  a: usize, sam: i32, sak: i32,  // (M, K) by strides
  b: usize, ldb: i32,            // (K, N), row stride ldb
  bias: usize,                   // (N) or 0
  m: i32, n: i32, k: i32, mode: i32, epilogue: i32
): void {
  const ldcB = <usize>ldc << 2, ldbB = <usize>ldb << 2;
  const rowB = <usize>sam << 2, kB = <usize>sak << 2;
  const n2v = n - n % (2 * LANES), n1v = n - n % LANES; // columns covered by 2-vector and 1-vector tiles
  const m4 = m - m % 4;
  // Panel-outer: one panel of B (k rows × 2 vectors) serves every 4-row block while it is in L1, and the rows
  // of A stream from L2. (Row-outer streams all of B per block; B = Wᵀ of a 784×400 layer does not fit L2.)
  for (let j = 0; j < n2v; j += 2 * LANES) {
    const col = <usize>j << 2;
    for (let i = 0; i < m4; i += 4) tile4x2v(c + <usize>i * ldcB + col, ldcB, a + <usize>i * rowB, rowB, kB, b + col, ldbB, bias + col, k, mode, epilogue);
  }
  for (let j = n2v; j < n1v; j += LANES) {
    const col = <usize>j << 2;
    for (let i = 0; i < m4; i += 4) tile4x1v(c + <usize>i * ldcB + col, ldcB, a + <usize>i * rowB, rowB, kB, b + col, ldbB, bias + col, k, mode, epilogue);
  }
  for (let j = n1v; j < n; j++) {
    const col = <usize>j << 2;
    for (let i = 0; i < m4; i++) tile1x1(c + <usize>i * ldcB + col, a + <usize>i * rowB, kB, b + col, ldbB, bias + col, k, mode, epilogue);
  }
  let i = m4;
  for (; i < m; i++) {
    const ci = c + <usize>i * ldcB, ai = a + <usize>i * rowB;
    let j = 0;
    for (; j < n2v; j += 2 * LANES) tile1x2v(ci + (<usize>j << 2), ai, kB, b + (<usize>j << 2), ldbB, bias + (<usize>j << 2), k, mode, epilogue);
    for (; j < n1v; j += LANES) tile1x1v(ci + (<usize>j << 2), ai, kB, b + (<usize>j << 2), ldbB, bias + (<usize>j << 2), k, mode, epilogue);
    for (; j < n; j++) tile1x1(ci + (<usize>j << 2), ai, kB, b + (<usize>j << 2), ldbB, bias + (<usize>j << 2), k, mode, epilogue);
  }
}
