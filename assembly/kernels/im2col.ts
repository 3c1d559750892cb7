// The copies between an image and its patch matrix that turn a convolution into gemm.ts's product.
//
// Geometry (PyTorch's Conv2d, dilation 1, groups 1): an image x is (C, H, W) row-major; a kernel window is
// kH × kW with one stride s and a symmetric zero padding p on every side, so the output is Ho × Wo with
// Ho = ⌊(H + 2p − kH) / s⌋ + 1 (Wo alike). The patch matrix has one row per output pixel q = oh·Wo + ow (the
// output's order) and K = C·kH·kW columns r = (c·kH + i)·kW + j (PyTorch's weight order):
//   rows[q, r] = x[c, oh·s − p + i, ow·s − p + j], or 0 where that falls in the padding.
// Rows, not columns: each pixel's K values are written (and read back) contiguously, and the products that use the
// matrix run with pixels as their M dimension, whose tail is a vectorised row tile (channels are the N dimension).
import { LANES, vsplat, vload, vstore, vadd } from '~lib/lanes';

// Loop order: pixel, then channel, then window row, so the patch rows are written (and read back) in order while the
// image, a few tens of KB, is read from L1; a window's valid rows [i0, i1) and columns [j0, j1) are found once
// per pixel, so the inner loops are plain vector copies (or adds) of kW floats.

/** Zeros n floats at dst. */
// @ts-ignore: decorator
@inline function zeroRow(dst: usize, n: i32): void {
  let j = 0;
  for (; j + LANES <= n; j += LANES) vstore(dst + (<usize>j << 2), vsplat(0));
  for (; j < n; j++) store<f32>(dst + (<usize>j << 2), 0);
}

/** Copies floats [j0, j1) of a window row from src to dst and zeros the rest of its n floats. */
// @ts-ignore: decorator
@inline function copyRow(dst: usize, src: usize, n: i32, j0: i32, j1: i32): void {
  if (j0 == 0 && j1 == n) {
    let j = 0;
    for (; j + LANES <= n; j += LANES) vstore(dst + (<usize>j << 2), vload(src + (<usize>j << 2)));
    for (; j < n; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
  } else {
    for (let j = 0; j < n; j++) store<f32>(dst + (<usize>j << 2), j >= j0 && j < j1 ? load<f32>(src + (<usize>j << 2)) : 0);
  }
}

/** dst[j] += src[j] for j in [j0, j1): lane-wise adds, so each float gets the same sum in either build. */
// @ts-ignore: decorator
@inline function addRow(dst: usize, src: usize, n: i32, j0: i32, j1: i32): void {
  let j = j0;
  if (j0 == 0 && j1 == n) {
    for (; j + LANES <= n; j += LANES) {
      const d = dst + (<usize>j << 2);
      vstore(d, vadd(vload(d), vload(src + (<usize>j << 2))));
    }
  }
  for (; j < j1; j++) {
    const d = dst + (<usize>j << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>j << 2)));
  }
}

/**
 * Writes the (P, K) patch matrix of one image x (C, H, W) at dst, row-major with row stride ld >= K floats.
 * Overwrites the K values of every row, padding included (zeros); the ld − K floats after each row are not touched.
 * No alignment needed; reads only x's C·H·W floats.
 */
export function im2row(
  dst: usize, ld: i32,  // (Ho·Wo, C·kH·kW), row stride ld
  x: usize,             // (C, H, W)
  c: i32, h: i32, w: i32, kh: i32, kw: i32, s: i32, p: i32
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1;
  const planeB = <usize>(h * w) << 2, rowB = <usize>w << 2, kwB = <usize>kw << 2, ldB = <usize>ld << 2;
  for (let oh = 0; oh < ho; oh++) {
    const ih0 = oh * s - p, i0 = max(0, -ih0), i1 = max(i0, min(kh, h - ih0));
    for (let ow = 0; ow < wo; ow++) {
      let out = dst + <usize>(oh * wo + ow) * ldB;
      const iw0 = ow * s - p, j0 = min(kw, max(0, -iw0)), j1 = max(j0, min(kw, w - iw0));
      // the window's top-left tap, possibly in the padding (the address wraps; only valid taps are read)
      let plane = x + <usize>((ih0 * w + iw0) << 2);
      if (kw == LANES && i0 == 0 && i1 == kh && j0 == 0 && j1 == kw) {
        // the common interior window of a kernel one vector wide (k4 in the SIMD build): one vector per window row
        for (let ci = 0; ci < c; ci++) {
          let row = plane;
          for (let i = 0; i < kh; i++) { vstore(out, vload(row)); out += kwB; row += rowB; }
          plane += planeB;
        }
        continue;
      }
      for (let ci = 0; ci < c; ci++) {
        let i = 0;
        for (; i < i0; i++) { zeroRow(out, kw); out += kwB; }
        let row = plane + <usize>i0 * rowB;
        for (; i < i1; i++) { copyRow(out, row, kw, j0, j1); out += kwB; row += rowB; }
        for (; i < kh; i++) { zeroRow(out, kw); out += kwB; }
        plane += planeB;
      }
    }
  }
}

/**
 * The adjoint of im2row for one image: x[c, ih, iw] += rows[q, r] for every (q, r) that im2row fills from
 * x[c, ih, iw], in q order then r order (a fixed order, so the sums are the same bits in every build and thread
 * split). Accumulates into x (the caller sets it to 0, a bias or a prior sum); padding positions are dropped.
 */
export function row2im_add(
  x: usize,              // (C, H, W)
  rows: usize, ld: i32,  // (Ho·Wo, C·kH·kW), row stride ld
  c: i32, h: i32, w: i32, kh: i32, kw: i32, s: i32, p: i32
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1;
  const planeB = <usize>(h * w) << 2, rowB = <usize>w << 2, kwB = <usize>kw << 2, skipped = <usize>(kh * kw) << 2;
  const ldB = <usize>ld << 2;
  for (let oh = 0; oh < ho; oh++) {
    const ih0 = oh * s - p, i0 = max(0, -ih0), i1 = max(i0, min(kh, h - ih0));
    for (let ow = 0; ow < wo; ow++) {
      let src = rows + <usize>(oh * wo + ow) * ldB;
      const iw0 = ow * s - p, j0 = min(kw, max(0, -iw0)), j1 = max(j0, min(kw, w - iw0));
      let plane = x + <usize>((ih0 * w + iw0) << 2);
      if (kw == LANES && i0 == 0 && i1 == kh && j0 == 0 && j1 == kw) {
        // the interior window of a kernel one vector wide: one vector add per window row (lane-wise, same sums)
        for (let ci = 0; ci < c; ci++) {
          let row = plane;
          for (let i = 0; i < kh; i++) { vstore(row, vadd(vload(row), vload(src))); src += kwB; row += rowB; }
          plane += planeB;
        }
        continue;
      }
      for (let ci = 0; ci < c; ci++) {
        let row = plane + <usize>i0 * rowB, from = src + <usize>i0 * kwB;
        for (let i = i0; i < i1; i++) { addRow(row, from, kw, j0, j1); row += rowB; from += kwB; }
        src += skipped;
        plane += planeB;
      }
    }
  }
}

/**
 * The forward's patch rows from the image in (H, W, C) order (xh, its channels interleaved): row q holds window row
 * i, then tap j, then channel c, so K = kH·kW·C values with r' = (i·kW + j)·C + c, and an interior window row is
 * kW·C consecutive floats of xh: one long copy. Row stride ld >= K; overwrites the K values (zeros in the padding).
 */
export function im2row_hwc(
  dst: usize, ld: i32,  // (Ho·Wo, kH·kW·C), row stride ld
  xh: usize,            // (H, W, C)
  c: i32, h: i32, w: i32, kh: i32, kw: i32, s: i32, p: i32
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1;
  const ldB = <usize>ld << 2, pixelB = <usize>c << 2, runB = <usize>(kw * c) << 2, lineB = <usize>(w * c) << 2;
  for (let oh = 0; oh < ho; oh++) {
    const ih0 = oh * s - p;
    for (let ow = 0; ow < wo; ow++) {
      const iw0 = ow * s - p, j0 = min(kw, max(0, -iw0)), j1 = max(j0, min(kw, w - iw0));
      let out = dst + <usize>(oh * wo + ow) * ldB;
      for (let i = 0; i < kh; i++) {
        const ih = ih0 + i;
        if (ih < 0 || ih >= h) {
          zeroRow(out, kw * c);
        } else {
          const line = xh + <usize>ih * lineB + <usize>(iw0 * c << 2); // wraps for iw0 < 0: only taps j >= j0 are read
          if (j0 > 0) zeroRow(out, j0 * c);
          copyRow(out + <usize>j0 * pixelB, line + <usize>j0 * pixelB, (j1 - j0) * c, 0, (j1 - j0) * c);
          if (j1 < kw) zeroRow(out + <usize>j1 * pixelB, (kw - j1) * c);
        }
        out += runB;
      }
    }
  }
}
