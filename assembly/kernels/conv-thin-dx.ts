// Conv2d's input gradient with one input channel, stride 2 and kernel width 4 (so ConvTranspose2d's forward to one
// output channel: an image decoder's last layer), vectorised over pixels. With one channel, ./conv-direct-dx.ts's
// tiles of 8 channels have nothing to fill; ./conv-cores.ts's im2row path computes, per group of images, the
// patch-row gradients G (P × K) = dyᵀ·W with gemm_packed (each 0 + Σ_o in o order) on a packed copy of dyᵀ, then
// adds them into dx in row2im's (pixel, tap) order, from init (the bias, the old dx, or 0), then the epilogue. This
// kernel makes those sums in that order, so the same bits, per image and without the copies:
//   1. G with 4 pixels of dy's channel planes in the lanes: G[t, q..q+3] = 0 + Σ_o dy[o, q..q+3]·w[o, t], a tile of
//      2 pixel vectors × 4 taps over o (2 vector loads and 4 broadcasts per 8 mul+adds: the peak probe's loop).
//   2. G into Z, dx with p rows and columns of margin (the padding taps land there and are dropped), a dy row at a
//      time: tap (i, j) of dy pixel (oh, ow) goes to Z[2·oh + i, 2·ow + j], so taps j and j + 1 of 4 pixels,
//      interleaved, are 8 consecutive floats of Z. A Z float gets its taps in ascending (oh, ow) order (row2im's):
//      earlier dy rows first, and within a row taps j = 2, 3 (pixel ow − 1) before j = 0, 1 (pixel ow). The three Z
//      vectors that 4 pixels reach stay in registers, the third carried to the next 4 pixels; lanes that get no tap
//      add −0, which leaves every float (−0 included) unchanged. A row's last wo mod 4 pixels go the same way, as a
//      vector whose lanes past the row are −0.
//   3. dx = epilogue(Z's interior).
// The SIMD build only: the scalar build keeps the im2row path, whose bits the tests compare with this one's.
import { LANES } from '~lib/lanes';
import { act, act1 } from './gemm-packed';

/** Whether conv-cores takes this path: one input channel, stride 2, kernel width 4, SIMD lanes. */
// @ts-ignore: decorator
@inline export function thinInputGradient(inC: i32, kw: i32, s: i32): bool { return ASC_FEATURE_SIMD && LANES == 4 && inC == 1 && s == 2 && kw == 4; }

// @ts-ignore: decorator
@inline function zRows(h: i32, ho: i32, kh: i32, p: i32): i32 { return max(2 * (ho - 1) + kh, h + p); }
// Z's columns: a row's last group of 4 pixels reaches column 2·wo + 9; the interior spans p .. p + wd − 1.
// @ts-ignore: decorator
@inline function zCols(wd: i32, wo: i32, p: i32): i32 { return max(2 * wo + 12, wd + p + 4); }
// @ts-ignore: decorator
@inline function planeFloats(P: i32): i32 { return (P + 3) & ~3; }

/** Scratch floats: a tail block of dy (outC × 4), G (K planes of P floats, rounded up to 4), Z. */
export function thin_dx_scratch_floats(h: i32, wd: i32, outC: i32, kh: i32, kw: i32, p: i32): i32 {
  const ho = (h + 2 * p - kh) / 2 + 1, wo = (wd + 2 * p - kw) / 2 + 1;
  return 4 * outC + kh * kw * planeFloats(ho * wo) + zRows(h, ho, kh, p) * zCols(wd, wo, p);
}

/**
 * G[t0..t0+3, q..q+4·vecs) = 0 + Σ_o dy[o, ·]·w[o, t] over `outC` channel planes dyPB bytes apart (w rows wRowB
 * apart, at tap t0), for 1 or 2 vectors of 4 pixels; G planes gPB bytes apart.
 */
// @ts-ignore: decorator
@inline function gTile(g: usize, gPB: usize, dy: usize, dyPB: usize, w: usize, wRowB: usize, outC: i32, vecs: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const z = f32x4.splat(0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  const end = dy + <usize>outC * dyPB;
  while (dy < end) {
    const x0 = v128.load(dy), x1 = vecs > 1 ? v128.load(dy, 16) : x0;
    let wv = v128.load32_splat(w);
    c00 = f32x4.add(c00, f32x4.mul(x0, wv)); c01 = f32x4.add(c01, f32x4.mul(x1, wv));
    wv = v128.load32_splat(w, 4);
    c10 = f32x4.add(c10, f32x4.mul(x0, wv)); c11 = f32x4.add(c11, f32x4.mul(x1, wv));
    wv = v128.load32_splat(w, 8);
    c20 = f32x4.add(c20, f32x4.mul(x0, wv)); c21 = f32x4.add(c21, f32x4.mul(x1, wv));
    wv = v128.load32_splat(w, 12);
    c30 = f32x4.add(c30, f32x4.mul(x0, wv)); c31 = f32x4.add(c31, f32x4.mul(x1, wv));
    dy += dyPB; w += wRowB;
  }
  v128.store(g, c00); v128.store(g + gPB, c10); v128.store(g + 2 * gPB, c20); v128.store(g + 3 * gPB, c30);
  if (vecs > 1) { v128.store(g, c01, 16); v128.store(g + gPB, c11, 16); v128.store(g + 2 * gPB, c21, 16); v128.store(g + 3 * gPB, c31, 16); }
}

/** One image's G (K planes gPB bytes apart) from its dy (outC planes of P floats); `tail`: 4·outC floats of scratch. */
function patchGradients(g: usize, gPB: usize, dy: usize, w: usize, tail: usize, outC: i32, P: i32, K: i32): void {
  const dyPB = <usize>P << 2, wRowB = <usize>K << 2, p4 = P & ~3;
  let q = 0;
  for (; q + 8 <= p4; q += 8) { // pixels outer: a pair of vectors' outC·32 bytes of dy serve every tap from L1
    const gq = g + (<usize>q << 2), dq = dy + (<usize>q << 2);
    for (let t = K - 4; t >= 16; t -= 4) gTile(gq + <usize>t * gPB, gPB, dq, dyPB, w + (<usize>t << 2), wRowB, outC, 2);
    switch (min(K >> 2, 4)) { // kernel rows 3 .. 0 (distinct G planes) in straight code: no loop branch per tile
      case 4: gTile(gq + 12 * gPB, gPB, dq, dyPB, w + 48, wRowB, outC, 2);
      case 3: gTile(gq + 8 * gPB, gPB, dq, dyPB, w + 32, wRowB, outC, 2);
      case 2: gTile(gq + 4 * gPB, gPB, dq, dyPB, w + 16, wRowB, outC, 2);
      default: gTile(gq, gPB, dq, dyPB, w, wRowB, outC, 2);
    }
  }
  if (q < p4) for (let t = 0; t < K; t += 4) gTile(g + <usize>t * gPB + (<usize>q << 2), gPB, dy + (<usize>q << 2), dyPB, w + (<usize>t << 2), wRowB, outC, 1);
  if (p4 < P) { // the last P mod 4 pixels, copied with zeros after them: no read past dy's planes
    for (let o = 0; o < outC; o++) for (let l = 0; l < 4; l++) {
      store<f32>(tail + (<usize>(4 * o + l) << 2), p4 + l < P ? load<f32>(dy + <usize>o * dyPB + (<usize>(p4 + l) << 2)) : 0);
    }
    for (let t = 0; t < K; t += 4) gTile(g + <usize>t * gPB + (<usize>p4 << 2), gPB, tail, 16, w + (<usize>t << 2), wRowB, outC, 1);
  }
}

/**
 * Z[2·ow .. 2·ow + 9] += 4 pixels' taps (G planes gPB bytes apart from gq; Z from zp), z0: the first Z vector, already
 * holding the previous pixels' taps; returns the third, to carry to the next 4 pixels. `keep`: the lanes of real
 * pixels (the others add −0).
 */
// @ts-ignore: decorator
@inline function pixels4(zp: usize, gq: usize, gPB: usize, z0: v128, masked: bool, keep: v128): v128 {
  const nz = f32x4.splat(-0.0);
  let a0 = v128.load(gq), a1 = v128.load(gq + gPB), a2 = v128.load(gq + 2 * gPB), a3 = v128.load(gq + 3 * gPB);
  if (masked) { a0 = v128.bitselect(a0, nz, keep); a1 = v128.bitselect(a1, nz, keep); a2 = v128.bitselect(a2, nz, keep); a3 = v128.bitselect(a3, nz, keep); }
  const lo2 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), hi2 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7); // Z cols 2ow+2 .. 2ow+9
  let z1 = v128.load(zp, 16), z2 = v128.load(zp, 32);
  z0 = f32x4.add(z0, v128.shuffle<f32>(nz, lo2, 0, 1, 4, 5));
  z1 = f32x4.add(z1, v128.shuffle<f32>(lo2, hi2, 2, 3, 4, 5));
  z2 = f32x4.add(z2, v128.shuffle<f32>(hi2, nz, 2, 3, 4, 5));
  z0 = f32x4.add(z0, v128.shuffle<f32>(a0, a1, 0, 4, 1, 5)); // Z cols 2ow .. 2ow+7
  z1 = f32x4.add(z1, v128.shuffle<f32>(a0, a1, 2, 6, 3, 7));
  v128.store(zp, z0); v128.store(zp, z1, 16);
  return z2;
}

/**
 * Z[2·oh + i, 2·ow + j] += G[4i + j, oh·wo + ow] for one dy row oh, in the order of the file comment, 4 pixels at a
 * time; a row's last 4 groups in straight code (most rows have no more: no loop branches per group, and constant
 * offsets), the very last with its lanes past the row −0 (G and Z have room for the floats read and written there).
 */
function scatterRow(z: usize, zRowB: usize, g: usize, gPB: usize, oh: i32, wo: i32, kh: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const groups = (wo + 3) >> 2, keep = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(wo - 4 * (groups - 1)));
  const last = min(groups, 4), looped = groups - last;
  for (let i = 0; i < kh; i++) {
    let zp = z + <usize>(2 * oh + i) * zRowB, gq = g + <usize>(4 * i) * gPB + (<usize>(oh * wo) << 2);
    let z0 = v128.load(zp);
    for (let k = 0; k < looped; k++) { z0 = pixels4(zp, gq, gPB, z0, false, keep); zp += 32; gq += 16; }
    zp += <usize>(last - 1) << 5; gq += <usize>(last - 1) << 4; // at the very last group: constant offsets back
    switch (last) { // falls through: the last `last` groups in order
      case 4: z0 = pixels4(zp - 96, gq - 48, gPB, z0, false, keep);
      case 3: z0 = pixels4(zp - 64, gq - 32, gPB, z0, false, keep);
      case 2: z0 = pixels4(zp - 32, gq - 16, gPB, z0, false, keep);
      default: z0 = pixels4(zp, gq, gPB, z0, true, keep);
    }
    v128.store(zp, z0, 32);
  }
}

/**
 * dx = epilogue(init + conv2dᵀ(dy, W)) for dx (batch, 1, h, wd), dy (batch, outC, Ho, Wo), W (outC, 1, kh, 4),
 * stride 2, padding p; init = bias[0] (bias != 0), the old dx (accumulate), or 0. Requires thinInputGradient.
 * `scratch`: thin_dx_scratch_floats floats. The bits of conv-cores.ts's im2row path.
 */
export function conv2d_input_gradient_thin(
  dx: usize, dy: usize, w: usize, bias: usize, scratch: usize,
  batch: i32, h: i32, wd: i32, outC: i32, kh: i32, p: i32, accumulate: bool, epilogue: i32
): void {
  const ho = (h + 2 * p - kh) / 2 + 1, wo = (wd + 2 * p - 4) / 2 + 1, P = ho * wo, K = 4 * kh, HW = h * wd;
  const tail = scratch, g = tail + (<usize>(4 * outC) << 2), gPB = <usize>planeFloats(P) << 2, z = g + <usize>K * gPB;
  const zRowB = <usize>zCols(wd, wo, p) << 2, init = bias == 0 ? <f32>0 : load<f32>(bias), wd4 = wd & ~3;
  for (let n = 0; n < batch; n++) {
    const dxn = dx + (<usize>(n * HW) << 2), dyn = dy + (<usize>(n * outC * P) << 2);
    for (let ih = 0; ih < h; ih++) { // Z's interior from init
      const zr = z + <usize>(ih + p) * zRowB + (<usize>p << 2), xr = dxn + (<usize>(ih * wd) << 2);
      let iw = 0;
      if (ASC_FEATURE_SIMD) {
        if (accumulate) for (; iw < wd4; iw += 4) v128.store(zr + (<usize>iw << 2), v128.load(xr + (<usize>iw << 2)));
        else for (; iw < wd4; iw += 4) v128.store(zr + (<usize>iw << 2), f32x4.splat(init));
      }
      for (; iw < wd; iw++) store<f32>(zr + (<usize>iw << 2), accumulate ? load<f32>(xr + (<usize>iw << 2)) : init);
    }
    patchGradients(g, gPB, dyn, w, tail, outC, P, K);
    for (let oh = 0; oh < ho; oh++) scatterRow(z, zRowB, g, gPB, oh, wo, kh);
    for (let ih = 0; ih < h; ih++) {
      const zr = z + <usize>(ih + p) * zRowB + (<usize>p << 2), xr = dxn + (<usize>(ih * wd) << 2);
      let iw = 0;
      if (ASC_FEATURE_SIMD) for (; iw < wd4; iw += 4) v128.store(xr + (<usize>iw << 2), act(v128.load(zr + (<usize>iw << 2)), epilogue));
      for (; iw < wd; iw++) store<f32>(xr + (<usize>iw << 2), act1(load<f32>(zr + (<usize>iw << 2)), epilogue));
    }
  }
}
