// gemm.ts's product with A packed: C(M,N) = epilogue(A(M,K)·B(K,N) + init), A given as blocks of 4 rows with the
// rows interleaved, block i at a + 16·i·K bytes and element (4i + r, k) at + 16·k + 4·r (XNNPACK's and BLIS's packed
// A panel). The tile is gemm's 4×2 vectors, but its four broadcasts come from one pointer at immediate offsets 0, 4,
// 8 and 12 and the pointer moves 16 bytes a k step: the loop of bench/'s peak probe, without gemm's three address
// adds per step for rows of A at a runtime stride (≈ 10% of the loop when measured on the conv layers' shapes).
// Each output sums its K products in k order, as gemm does, in either build: the same bits as gemm on unpacked A.
// The packers are the callers' (./conv-pack.ts, ./conv-direct.ts's packPixels).
import { VecF, LANES, VBYTES, vsplat, vload, vloadSplat, vstore, vadd, vmul } from '~lib/lanes';
import { INIT_ACCUMULATE, INIT_BIAS, EPILOGUE_RELU, EPILOGUE_LEAKY_RELU } from './gemm';
import { vrelu, vleakyRelu, relu1, leakyRelu1 } from './activations';

/** The epilogue on one finished vector or float, with the operations of gemm.ts's activateTile. */
// @ts-ignore: decorator
@inline export function act(v: VecF, epilogue: i32): VecF {
  return epilogue == EPILOGUE_RELU ? vrelu(v) : epilogue == EPILOGUE_LEAKY_RELU ? vleakyRelu(v) : v;
}
// @ts-ignore: decorator
@inline export function act1(v: f32, epilogue: i32): f32 {
  return epilogue == EPILOGUE_RELU ? relu1(v) : epilogue == EPILOGUE_LEAKY_RELU ? leakyRelu1(v) : v;
}

// @ts-ignore: decorator
@inline function init(c: usize, bias: usize, mode: i32, valid: bool): VecF {
  return !valid ? vsplat(0) : mode == INIT_ACCUMULATE ? vload(c) : mode == INIT_BIAS ? vload(bias) : vsplat(0);
}

/** One 4×2-vector tile over K steps from packed A; rows [rows, 4) are computed but neither read nor stored. */
// @ts-ignore: decorator
@inline export function tile_packed(c: usize, ldcB: usize, a: usize, b: usize, ldbB: usize, bias: usize, k: i32, mode: i32, epilogue: i32, rows: i32): void {
  let c00 = init(c, bias, mode, true), c01 = init(c + VBYTES, bias + VBYTES, mode, true);
  let c10 = init(c + ldcB, bias, mode, rows > 1), c11 = init(c + ldcB + VBYTES, bias + VBYTES, mode, rows > 1);
  let c20 = init(c + 2 * ldcB, bias, mode, rows > 2), c21 = init(c + 2 * ldcB + VBYTES, bias + VBYTES, mode, rows > 2);
  let c30 = init(c + 3 * ldcB, bias, mode, rows > 3), c31 = init(c + 3 * ldcB + VBYTES, bias + VBYTES, mode, rows > 3);
  const end = a + (<usize>k << 4);
  if (ASC_FEATURE_SIMD) { // immediate offsets: one address per operand and step
    while (a < end) {
      const b0 = v128.load(b), b1 = v128.load(b, 16);
      let av = v128.load32_splat(a);
      c00 = f32x4.add(c00, f32x4.mul(av, b0)); c01 = f32x4.add(c01, f32x4.mul(av, b1));
      av = v128.load32_splat(a, 4);
      c10 = f32x4.add(c10, f32x4.mul(av, b0)); c11 = f32x4.add(c11, f32x4.mul(av, b1));
      av = v128.load32_splat(a, 8);
      c20 = f32x4.add(c20, f32x4.mul(av, b0)); c21 = f32x4.add(c21, f32x4.mul(av, b1));
      av = v128.load32_splat(a, 12);
      c30 = f32x4.add(c30, f32x4.mul(av, b0)); c31 = f32x4.add(c31, f32x4.mul(av, b1));
      a += 16; b += ldbB;
    }
  } else {
    while (a < end) {
      const b0 = vload(b), b1 = vload(b + VBYTES);
      let av = vloadSplat(a);
      c00 = vadd(c00, vmul(av, b0)); c01 = vadd(c01, vmul(av, b1));
      av = vloadSplat(a + 4);
      c10 = vadd(c10, vmul(av, b0)); c11 = vadd(c11, vmul(av, b1));
      av = vloadSplat(a + 8);
      c20 = vadd(c20, vmul(av, b0)); c21 = vadd(c21, vmul(av, b1));
      av = vloadSplat(a + 12);
      c30 = vadd(c30, vmul(av, b0)); c31 = vadd(c31, vmul(av, b1));
      a += 16; b += ldbB;
    }
  }
  vstore(c, act(c00, epilogue)); vstore(c + VBYTES, act(c01, epilogue));
  if (rows > 1) { vstore(c + ldcB, act(c10, epilogue)); vstore(c + ldcB + VBYTES, act(c11, epilogue)); }
  if (rows > 2) { vstore(c + 2 * ldcB, act(c20, epilogue)); vstore(c + 2 * ldcB + VBYTES, act(c21, epilogue)); }
  if (rows > 3) { vstore(c + 3 * ldcB, act(c30, epilogue)); vstore(c + 3 * ldcB + VBYTES, act(c31, epilogue)); }
}

/**
 * C(M,N) = epilogue(A·B + init) with A packed (see the file comment; ⌈M/4⌉ blocks, a last partial block's extra rows
 * anything). init, bias, epilogue and B, C as in gemm.ts's gemm. Columns past a multiple of 2·LANES go float by
 * float (the same sums). Exact for any M, N, K.
 */
export function gemm_packed(c: usize, ldc: i32, a: usize, b: usize, ldb: i32, bias: usize, m: i32, n: i32, k: i32, mode: i32, epilogue: i32): void {
  const ldcB = <usize>ldc << 2, ldbB = <usize>ldb << 2, blockB = <usize>k << 4, n2v = n - n % (2 * LANES);
  for (let j = 0; j < n2v; j += 2 * LANES) {
    const col = <usize>j << 2;
    for (let i = 0; i < m; i += 4) {
      const block = a + <usize>(i >> 2) * blockB, ci = c + <usize>i * ldcB + col, rows = min(4, m - i);
      if (rows == 4) tile_packed(ci, ldcB, block, b + col, ldbB, bias + col, k, mode, epilogue, 4);
      else tile_packed(ci, ldcB, block, b + col, ldbB, bias + col, k, mode, epilogue, rows);
    }
  }
  for (let j = n2v; j < n; j++) for (let i = 0; i < m; i++) {
    const ci = c + <usize>i * ldcB + (<usize>j << 2);
    let acc: f32 = mode == INIT_ACCUMULATE ? load<f32>(ci) : mode == INIT_BIAS ? load<f32>(bias + (<usize>j << 2)) : 0;
    let pa = a + <usize>(i >> 2) * blockB + (<usize>(i & 3) << 2), pb = b + (<usize>j << 2);
    for (let p = 0; p < k; p++) { acc += load<f32>(pa) * load<f32>(pb); pa += 16; pb += ldbB; }
    store<f32>(ci, act1(acc, epilogue));
  }
}

/**
 * C(M,N) = A·B + init for A packed as gemm_packed's, B given as panels of 2·LANES columns, panel j's k rows
 * contiguous at bp + j·k·2·VBYTES (n a multiple of 2·LANES): a panel is a few contiguous pages, not k rows of a
 * wide matrix. The same sums as gemm_packed.
 */
export function gemm_packed_panels(c: usize, ldc: i32, a: usize, bp: usize, m: i32, n: i32, k: i32, mode: i32, epilogue: i32): void {
  const ldcB = <usize>ldc << 2, blockB = <usize>k << 4, panelB = <usize>k * (2 * VBYTES);
  for (let j = 0; j < n; j += 2 * LANES) {
    const col = <usize>j << 2, b = bp + <usize>(j / (2 * LANES)) * panelB;
    for (let i = 0; i < m; i += 4) {
      const block = a + <usize>(i >> 2) * blockB, ci = c + <usize>i * ldcB + col, rows = min(4, m - i);
      if (rows == 4) tile_packed(ci, ldcB, block, b, 2 * VBYTES, 0, k, mode, epilogue, 4);
      else tile_packed(ci, ldcB, block, b, 2 * VBYTES, 0, k, mode, epilogue, rows);
    }
  }
}
