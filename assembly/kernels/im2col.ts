// The copies between an image and its patch matrix that turn a convolution into gemm.ts's product.
//
// Geometry (PyTorch's Conv2d, dilation 1, groups 1): an image x is (C, H, W) row-major; a kernel window is
// kH × kW with one stride s and a symmetric zero padding p on every side, so the output is Ho × Wo with
// Ho = ⌊(H + 2p − kH) / s⌋ + 1 (Wo alike). The patch matrix has K = C·kH·kW rows indexed r = (c·kH + i)·kW + j,
// PyTorch's weight order, and P = Ho·Wo columns indexed q = oh·Wo + ow, the output's order:
//   patch[r, q] = x[c, oh·s − p + i, ow·s − p + j], or 0 where that falls in the padding.
// Each window row's valid output columns [ow0, ow1) are found once, so the loops carry no per-element test.

/** ⌈a / s⌉ for any sign of a and s > 0. */
// @ts-ignore: decorator
@inline function ceilDiv(a: i32, s: i32): i32 { return a >= 0 ? (a + s - 1) / s : -((-a) / s); }

/** The output columns [ow0, ow1) whose input column ow·s − p + j lies in [0, W); ow0 <= ow1. */
// @ts-ignore: decorator
@inline function validFrom(j: i32, w: i32, s: i32, p: i32): i32 { return max(0, ceilDiv(p - j, s)); }
// @ts-ignore: decorator
@inline function validTo(j: i32, w: i32, s: i32, p: i32, wo: i32, from: i32): i32 { return max(from, min(wo, ceilDiv(w + p - j, s))); }

/**
 * Writes the patch matrix of one image x (C, H, W) at dst, element (r, q) at dst + 4·(r·rowStride + q·colStride):
 * (K, P) row-major is (rowStride = P, colStride = 1), its transpose (P, K) is (1, K). Overwrites every element of
 * the K × P matrix, padding included (zeros). No alignment needed; reads only x's C·H·W floats.
 */
export function im2col(
  dst: usize, rowStride: i32, colStride: i32,  // (K, P) by strides
  x: usize,                                    // (C, H, W)
  c: i32, h: i32, w: i32, kh: i32, kw: i32, s: i32, p: i32
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1;
  const rowB = <usize>rowStride << 2, colB = <usize>colStride << 2, ohB = <usize>(wo * colStride) << 2;
  let r = dst;
  for (let ci = 0; ci < c; ci++) {
    const xc = x + (<usize>(ci * h * w) << 2);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const ow0 = validFrom(j, w, s, p), ow1 = validTo(j, w, s, p, wo, ow0);
        let q = r;
        for (let oh = 0; oh < ho; oh++) {
          const ih = oh * s - p + i;
          if (ih < 0 || ih >= h) {
            for (let ow = 0; ow < wo; ow++) store<f32>(q + <usize>ow * colB, 0);
          } else {
            for (let ow = 0; ow < ow0; ow++) store<f32>(q + <usize>ow * colB, 0);
            let src = xc + (<usize>(ih * w + ow0 * s - p + j) << 2);
            const srcStep = <usize>s << 2;
            for (let ow = ow0; ow < ow1; ow++) { store<f32>(q + <usize>ow * colB, load<f32>(src)); src += srcStep; }
            for (let ow = ow1; ow < wo; ow++) store<f32>(q + <usize>ow * colB, 0);
          }
          q += ohB;
        }
        r += rowB;
      }
    }
  }
}

/**
 * The adjoint of im2col for one image: x[c, ih, iw] += patch[r, q] over every (r, q) that im2col would have read
 * x[c, ih, iw] into, in r order then q order (a fixed order, so the sums are the same bits in every build and
 * thread split). patch is (K, P) row-major. Accumulates into x (the caller sets x to 0, a bias or a prior sum);
 * padding positions are dropped. No alignment needed.
 */
export function col2im_add(
  x: usize,      // (C, H, W)
  patch: usize,  // (K, P)
  c: i32, h: i32, w: i32, kh: i32, kw: i32, s: i32, p: i32
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1;
  let r = patch;
  for (let ci = 0; ci < c; ci++) {
    const xc = x + (<usize>(ci * h * w) << 2);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const ow0 = validFrom(j, w, s, p), ow1 = validTo(j, w, s, p, wo, ow0);
        for (let oh = 0; oh < ho; oh++) {
          const ih = oh * s - p + i;
          if (ih < 0 || ih >= h) continue;
          let dst = xc + (<usize>(ih * w + ow0 * s - p + j) << 2), q = r + (<usize>(oh * wo) << 2);
          const dstStep = <usize>s << 2;
          for (let ow = ow0; ow < ow1; ow++) {
            store<f32>(dst, load<f32>(dst) + load<f32>(q + (<usize>ow << 2)));
            dst += dstStep;
          }
        }
        r += <usize>(ho * wo) << 2;
      }
    }
  }
}
