// The copies between an image and its patch matrix that turn a convolution into gemm.ts's product.
//
// Geometry (PyTorch's Conv2d, dilation 1, groups 1): an image x is (C, H, W) row-major; a kernel window is
// kH × kW with one stride s and a symmetric zero padding p on every side, so the output is Ho × Wo with
// Ho = ⌊(H + 2p − kH) / s⌋ + 1 (Wo alike). The patch matrix has one row per output pixel q = oh·Wo + ow (the
// output's order) and K = C·kH·kW columns r = (c·kH + i)·kW + j (PyTorch's weight order):
//   rows[q, r] = x[c, oh·s − p + i, ow·s − p + j], or 0 where that falls in the padding.
// Rows, not columns: each pixel's K values are written (and read back) contiguously, and the products that use the
// matrix run with pixels as their M dimension, whose tail is a vectorised row tile (channels are the N dimension).
// The image is read in (H, W, C) order (channels interleaved, one transpose per image), so the K values go in
// tap-major order r' = (i·kW + j)·C + c and an interior window row is one run of kW·C consecutive floats.
import { LANES, vsplat, vload, vstore, vadd } from '~lib/lanes';

// Loop order: pixel, then window row, so the patch rows are written (and read back) in order while the image, a few
// tens of KB, is read from L1; a window row's valid taps [j0, j1) are found once per pixel.

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

/**
 * The adjoint of im2row_hwc: xh[ih, iw, c] += rows[q, r'] for every (q, r') that im2row_hwc fills from it, in q order
 * then r' order (a fixed order: the same sums in every build and thread split). Accumulates into xh (H, W, C); the
 * caller sets it first. Padding positions are dropped. An interior window row is one run of kW·C lane-wise adds.
 */
export function row2im_hwc_add(
  xh: usize,             // (H, W, C)
  rows: usize, ld: i32,  // (Ho·Wo, kH·kW·C), row stride ld
  c: i32, h: i32, w: i32, kh: i32, kw: i32, s: i32, p: i32
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1;
  const ldB = <usize>ld << 2, pixelB = <usize>c << 2, runB = <usize>(kw * c) << 2, lineB = <usize>(w * c) << 2;
  for (let oh = 0; oh < ho; oh++) {
    const ih0 = oh * s - p;
    for (let ow = 0; ow < wo; ow++) {
      const iw0 = ow * s - p, j0 = min(kw, max(0, -iw0)), j1 = max(j0, min(kw, w - iw0));
      let src = rows + <usize>(oh * wo + ow) * ldB;
      for (let i = 0; i < kh; i++) {
        const ih = ih0 + i;
        if (ih >= 0 && ih < h) {
          const line = xh + <usize>ih * lineB + <usize>(iw0 * c << 2); // wraps for iw0 < 0: only taps j >= j0 are used
          addRow(line + <usize>j0 * pixelB, src + <usize>j0 * pixelB, (j1 - j0) * c, 0, (j1 - j0) * c);
        }
        src += runB;
      }
    }
  }
}

/**
 * Floats [col, col + n) of one patch row stored in panels of 2·LANES columns (the row at `row` inside panel 0, panel
 * j at + j·panelB), from src, or zeros when src is 0: whole panel chunks as two vector moves, ragged ends float by float.
 */
function putRun(row: usize, panelB: usize, col: i32, src: usize, n: i32): void {
  const PW = 2 * LANES, end = col + n;
  if ((col | n) % PW == 0) { // whole chunks: the usual case (channels a multiple of 2·LANES)
    let at = row + <usize>(col / PW) * panelB;
    const atEnd = at + <usize>(n / PW) * panelB, hi = <usize>LANES << 2;
    if (src == 0) {
      const z = vsplat(0);
      for (; at < atEnd; at += panelB) { vstore(at, z); vstore(at + hi, z); }
    } else {
      for (; at < atEnd; at += panelB) { vstore(at, vload(src)); vstore(at + hi, vload(src + hi)); src += hi << 1; }
    }
    return;
  }
  while (col < end) {
    const at = row + <usize>(col / PW) * panelB, lane = col % PW;
    if (lane == 0 && col + PW <= end) {
      const z = vsplat(0);
      vstore(at, src == 0 ? z : vload(src)); vstore(at + (<usize>LANES << 2), src == 0 ? z : vload(src + (<usize>LANES << 2)));
      col += PW; if (src != 0) src += <usize>PW << 2;
      continue;
    }
    store<f32>(at + (<usize>lane << 2), src == 0 ? <f32>0 : load<f32>(src));
    col++; if (src != 0) src += 4;
  }
}

/**
 * im2row_hwc's patch rows (the same values, tap-major) stored as panels for gemm-packed.ts's gemm_packed_panels:
 * columns in panels of 2·LANES, panel j at dst + j·panelB, patch row q of this image at + (row0 + q)·2·LANES floats
 * (row0: the image's first row within the panels). A panel is then a few contiguous pages, where a column block of
 * row-major patch rows spans one page per few rows.
 */
export function im2row_hwc_panels(
  dst: usize, panelB: usize, row0: i32, xh: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, s: i32, p: i32
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1, pixelB = <usize>c << 2, lineB = <usize>(w * c) << 2;
  for (let oh = 0; oh < ho; oh++) {
    const ih0 = oh * s - p;
    for (let ow = 0; ow < wo; ow++) {
      const iw0 = ow * s - p, j0 = min(kw, max(0, -iw0)), j1 = max(j0, min(kw, w - iw0));
      const row = dst + <usize>(row0 + oh * wo + ow) * (<usize>(2 * LANES) << 2);
      for (let i = 0, col = 0; i < kh; i++, col += kw * c) {
        const ih = ih0 + i;
        if (ih < 0 || ih >= h) { putRun(row, panelB, col, 0, kw * c); continue; }
        const line = xh + <usize>ih * lineB + <usize>(iw0 * c << 2); // wraps for iw0 < 0: only taps j >= j0 are read
        if (j0 > 0) putRun(row, panelB, col, 0, j0 * c);
        putRun(row, panelB, col + j0 * c, line + <usize>j0 * pixelB, (j1 - j0) * c);
        if (j1 < kw) putRun(row, panelB, col + j1 * c, 0, (kw - j1) * c);
      }
    }
  }
}
