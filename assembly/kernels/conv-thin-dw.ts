// Conv2d's weight gradient for few input channels (conv-cores.ts's convWeightGradient when inC < 4 and a window
// row's kW·C taps are whole vectors: the first layer of an image model, and a decoder's output layer, whose
// ConvTranspose2d weight gradient is this one with x and dy exchanged): for output channels [c0, c0 + count) and
// taps r' in tap-major (i, j, c) order,
//   dWt[o, r'] = init + Σ_n Σ_q dy[n, o, q] · rows_n[q, r']
// with rows_n image n's patch rows (./im2col.ts's geometry). A block of images' patch rows is built first, a few
// vector copies per pixel from the zero-padded (H + 2p, W + 2p, C) image (./conv-direct.ts's padImage), into rows of
// ldb = K rounded up to 16 floats (16 KB a block: L1 while every channel pair reads it; one image in chunks of pixels
// when its rows are more). The tile is 2 output channels (broadcasts straight from dy's rows: no packed copy of dy)
// × 4 vectors of taps (a one-channel 4×4 window's 16 taps), over the block's pixels in (n, q) order. Per pixel:
// 4 vector loads + 2 broadcasts, all at immediate offsets, 16 mul/add, 3 pointer adds, compare and branch: about 28
// instructions in V8's x64 code (the loop unrolled 4 times, one stack check each), the peak probe's loop 29, with no
// pixel-offset table load and no address adds for rows at runtime strides (the indirect kernel this replaces ran
// about 48 a pixel). The tile holds 15 of x64's 16 xmm registers in V8's code (8 sums, 4 tap vectors, 2 broadcasts,
// a product): one more live value, a bias sum or a second pixel unrolled, spilled and ran at about half the speed.
// Each output is the same sum as the im2row path's (the same products, padding's zeros included, in the same (n, q)
// order): the same bits in either build, and a split of the channels changes none. A last odd channel runs the tile
// on a repeated row and stores one.
import { LANES, VBYTES, vsplat, vload, vloadSplat, vstore, vadd, vmul } from '~lib/lanes';
import { padImage, zeroFloats } from './conv-direct';

/** Taps per tile: 4 vectors. Rows of patch values are padded to a multiple of 16 floats in both builds. */
const TAPS: i32 = 4 * LANES;
// @ts-ignore: decorator
@inline export function rowFloats(K: i32): i32 { return (K + 15) & ~15; }

/** Bytes of patch rows per block: read once per channel pair, so within L1 (32 KB here) beside dy's rows. */
const ROWS_BYTES: i32 = 16 << 10;

/**
 * Whether conv-cores takes this path: few input channels (the first layer of an image model, the weight gradient of
 * a decoder's output layer) and window rows of whole vectors (kW·C a multiple of 4).
 */
// @ts-ignore: decorator
@inline export function thinWeightGradient(inC: i32, kw: i32): bool { return inC < 4 && (kw * inC) % 4 == 0; }

/** Images per block (G) and pixels per image in a block (Q): G whole images whose patch rows fit, or one in chunks. */
// @ts-ignore: decorator
@inline function blockImages(P: i32, K: i32): i32 { return max(1, ROWS_BYTES / (rowFloats(K) << 2) / max(1, P)); }
// @ts-ignore: decorator
@inline function blockChunk(P: i32, K: i32): i32 { return min(P, max(1, ROWS_BYTES / (rowFloats(K) << 2))); }

/** Floats of dWt's tap-major rows for `channels` output channels (conv-cores.ts keeps them before the scratch below). */
export function thin_dw_rows_floats(channels: i32, K: i32): i32 { return channels * rowFloats(K); }

/** Scratch floats: one padded image and a block's patch rows. */
export function thin_dw_scratch_floats(inC: i32, h: i32, w: i32, kh: i32, kw: i32, s: i32, p: i32): i32 {
  const ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1, K = inC * kh * kw, P = ho * wo;
  return inC * (h + 2 * p) * (w + 2 * p) + blockImages(P, K) * blockChunk(P, K) * rowFloats(K);
}

/**
 * dWt rows o0, o0 + 1 (`two`: else o0 alone), TAPS columns from `col` += Σ over `images` images (dy rows dyImageB
 * apart, patch rows consecutive) and `steps` pixels each of dy[o, q] · rows[q, col..col + TAPS): the running sums
 * in (n, q) order, loaded from and stored back to dWt.
 */
// @ts-ignore: decorator
@inline function tile(dwt: usize, ldB: usize, two: bool, dy: usize, dyRowB: usize, dyImageB: usize, rows: usize, ldbB: usize, steps: i32, images: i32): void {
  const r1: usize = two ? dyRowB : 0;
  let c00 = vload(dwt), c01 = vload(dwt + VBYTES), c02 = vload(dwt + 2 * VBYTES), c03 = vload(dwt + 3 * VBYTES);
  let c10 = c00, c11 = c01, c12 = c02, c13 = c03;
  if (two) { const d = dwt + ldB; c10 = vload(d); c11 = vload(d + VBYTES); c12 = vload(d + 2 * VBYTES); c13 = vload(d + 3 * VBYTES); }
  let b = rows;
  for (let n = 0; n < images; n++) {
    let d0 = dy + <usize>n * dyImageB;
    const end = d0 + (<usize>steps << 2);
    if (ASC_FEATURE_SIMD) {
      let d1 = d0 + r1;
      while (d0 < end) { // immediate offsets: one address per operand and pixel
        const b0 = v128.load(b), b1 = v128.load(b, 16), b2 = v128.load(b, 32), b3 = v128.load(b, 48);
        let a = v128.load32_splat(d0);
        c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
        c02 = f32x4.add(c02, f32x4.mul(a, b2)); c03 = f32x4.add(c03, f32x4.mul(a, b3));
        a = v128.load32_splat(d1);
        c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
        c12 = f32x4.add(c12, f32x4.mul(a, b2)); c13 = f32x4.add(c13, f32x4.mul(a, b3));
        b += ldbB; d0 += 4; d1 += 4;
      }
    } else {
      while (d0 < end) {
        const b0 = vload(b), b1 = vload(b + VBYTES), b2 = vload(b + 2 * VBYTES), b3 = vload(b + 3 * VBYTES);
        let a = vloadSplat(d0);
        c00 = vadd(c00, vmul(a, b0)); c01 = vadd(c01, vmul(a, b1)); c02 = vadd(c02, vmul(a, b2)); c03 = vadd(c03, vmul(a, b3));
        a = vloadSplat(d0 + r1);
        c10 = vadd(c10, vmul(a, b0)); c11 = vadd(c11, vmul(a, b1)); c12 = vadd(c12, vmul(a, b2)); c13 = vadd(c13, vmul(a, b3));
        b += ldbB; d0 += 4;
      }
    }
  }
  vstore(dwt, c00); vstore(dwt + VBYTES, c01); vstore(dwt + 2 * VBYTES, c02); vstore(dwt + 3 * VBYTES, c03);
  if (two) { const d = dwt + ldB; vstore(d, c10); vstore(d + VBYTES, c11); vstore(d + 2 * VBYTES, c12); vstore(d + 3 * VBYTES, c13); }
}

/**
 * Patch rows of pixels [q0, q0 + steps) of the padded image `img` (wp pixels a row, C channels) into `rows` (row
 * stride ldbB): window row i of pixel (oh, ow) is the run of kW·C floats at ((oh·s + i)·wp + ow·s)·C, whole vectors.
 */
function patchRows(rows: usize, ldbB: usize, img: usize, q0: i32, steps: i32, wo: i32, wp: i32, C: i32, kh: i32, kw: i32, s: i32): void {
  const runB = <usize>(kw * C) << 2, lineB = <usize>(wp * C) << 2, stepB = <usize>(s * C) << 2;
  let oh = q0 / wo, ow = q0 - oh * wo, out = rows, k = 0;
  while (k < steps) {
    const n = min(wo - ow, steps - k); // pixels left in this output row
    let src = img + <usize>(oh * s) * lineB + <usize>ow * stepB;
    const end = out + <usize>n * ldbB;
    if (ASC_FEATURE_SIMD && runB == 16 && kh == 4) { // a one-channel 4×4 window: four vector moves
      while (out < end) {
        v128.store(out, v128.load(src)); v128.store(out, v128.load(src + lineB), 16);
        v128.store(out, v128.load(src + 2 * lineB), 32); v128.store(out, v128.load(src + 3 * lineB), 48);
        src += stepB; out += ldbB;
      }
    } else {
      while (out < end) {
        let from = src, dst = out;
        for (let i = 0; i < kh; i++) {
          for (let j: usize = 0; j < runB; j += VBYTES) vstore(dst + j, vload(from + j));
          from += lineB; dst += runB;
        }
        src += stepB; out += ldbB;
      }
    }
    k += n; ow = 0; oh++;
  }
}

/**
 * dWt (count × rowFloats(K), tap-major columns r' = (i·kW + j)·C + c, for dy's channels [c0, c0 + count)) += Σ_n
 * dy_n · rows(x_n); the caller sets dWt first (zeros, or the old dW). x (batch, inC, h, wd), dy (batch, outC, Ho,
 * Wo). Requires thinWeightGradient(inC, kw). `scratch`: thin_dw_scratch_floats floats.
 */
export function thin_weight_gradient(
  dwt: usize, dy: usize, x: usize, scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32, c0: i32, count: i32
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (wd + 2 * p - kw) / s + 1, P = ho * wo, K = inC * kh * kw, ldb = rowFloats(K);
  const wp = wd + 2 * p, imgF = inC * (h + 2 * p) * wp, G = blockImages(P, K), Q = blockChunk(P, K);
  const img = scratch, rows = img + (<usize>imgF << 2), ldbB = <usize>ldb << 2;
  const dyRowB = <usize>P << 2, dyImageB = <usize>(outC * P) << 2, xB = <usize>(inC * h * wd) << 2;
  zeroFloats(img, imgF); // the padding, once: padImage writes only the interior
  zeroFloats(rows, G * Q * ldb); // columns K..ldb of every patch row, once
  const dyc = dy + <usize>c0 * dyRowB;
  for (let n0 = 0; n0 < batch; n0 += G) {
    const g = min(G, batch - n0);
    for (let q0 = 0; q0 < P; q0 += Q) {
      const steps = min(Q, P - q0);
      for (let i = 0; i < g; i++) {
        if (q0 == 0) padImage(img, x + <usize>(n0 + i) * xB, inC, h, wd, p);
        patchRows(rows + <usize>(i * steps) * ldbB, ldbB, img, q0, steps, wo, wp, inC, kh, kw, s);
      }
      const dyg = dyc + <usize>n0 * dyImageB + (<usize>q0 << 2);
      for (let o = 0; o < count; o += 2) {
        const two = o + 1 < count, dwo = dwt + <usize>o * ldbB, dyo = dyg + <usize>o * dyRowB;
        for (let t = 0; t < ldb; t += TAPS) {
          const col = <usize>t << 2;
          if (two) tile(dwo + col, ldbB, true, dyo, dyRowB, dyImageB, rows + col, ldbB, steps, g);
          else tile(dwo + col, ldbB, false, dyo, dyRowB, dyImageB, rows + col, ldbB, steps, g);
        }
      }
    }
  }
}
