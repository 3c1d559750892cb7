// The oracle for the convolution kernels: PyTorch's Conv2d and ConvTranspose2d (dilation 1, groups 1) written from
// their definitions as plain float64 loops, one output or one scatter at a time, independent of the kernels'
// im2col + GEMM factoring. Activations NCHW; weights (outC, inC, kH, kW) for Conv2d, (inC, outC, kH, kW) for
// ConvTranspose2d; one stride and one symmetric padding for both axes.
import type { Vec } from './kernels.js';

export interface ConvDims {
  batch: number; inC: number; h: number; w: number; outC: number; kh: number; kw: number; stride: number; pad: number;
}

export const convOut = (n: number, k: number, s: number, p: number) => Math.floor((n + 2 * p - k) / s) + 1;
export const convTransposeOut = (n: number, k: number, s: number, p: number) => (n - 1) * s - 2 * p + k;

/** y[n, o, oh, ow] = b[o] + Σ_{c,i,j} w[o, c, i, j] · x[n, c, oh·s − p + i, ow·s − p + j] (zero outside x). */
export function conv2dRef(x: Vec, wt: Vec, b: Vec | null, d: ConvDims): Float64Array {
  const ho = convOut(d.h, d.kh, d.stride, d.pad), wo = convOut(d.w, d.kw, d.stride, d.pad);
  const y = new Float64Array(d.batch * d.outC * ho * wo);
  for (let n = 0; n < d.batch; n++) for (let o = 0; o < d.outC; o++) for (let oh = 0; oh < ho; oh++) for (let ow = 0; ow < wo; ow++) {
    let s = b ? b[o] : 0;
    for (let c = 0; c < d.inC; c++) for (let i = 0; i < d.kh; i++) for (let j = 0; j < d.kw; j++) {
      const ih = oh * d.stride - d.pad + i, iw = ow * d.stride - d.pad + j;
      if (ih < 0 || ih >= d.h || iw < 0 || iw >= d.w) continue;
      s += wt[((o * d.inC + c) * d.kh + i) * d.kw + j] * x[((n * d.inC + c) * d.h + ih) * d.w + iw];
    }
    y[((n * d.outC + o) * ho + oh) * wo + ow] = s;
  }
  return y;
}

/** The chain rule through conv2dRef, scattering each dy back along the same index map. */
export function conv2dBackwardRef(dy: Vec, x: Vec, wt: Vec, d: ConvDims) {
  const ho = convOut(d.h, d.kh, d.stride, d.pad), wo = convOut(d.w, d.kw, d.stride, d.pad);
  const dx = new Float64Array(d.batch * d.inC * d.h * d.w), dw = new Float64Array(d.outC * d.inC * d.kh * d.kw);
  const db = new Float64Array(d.outC);
  for (let n = 0; n < d.batch; n++) for (let o = 0; o < d.outC; o++) for (let oh = 0; oh < ho; oh++) for (let ow = 0; ow < wo; ow++) {
    const g = dy[((n * d.outC + o) * ho + oh) * wo + ow];
    db[o] += g;
    for (let c = 0; c < d.inC; c++) for (let i = 0; i < d.kh; i++) for (let j = 0; j < d.kw; j++) {
      const ih = oh * d.stride - d.pad + i, iw = ow * d.stride - d.pad + j;
      if (ih < 0 || ih >= d.h || iw < 0 || iw >= d.w) continue;
      const wi = ((o * d.inC + c) * d.kh + i) * d.kw + j, xi = ((n * d.inC + c) * d.h + ih) * d.w + iw;
      dx[xi] += g * wt[wi];
      dw[wi] += g * x[xi];
    }
  }
  return { dx, dw, db };
}

/**
 * PyTorch's ConvTranspose2d as a scatter: y[n, o, ih·s − p + i, iw·s − p + j] += x[n, c, ih, iw] · w[c, o, i, j]
 * (dropped outside y), plus b[o]; y is (outC, (H−1)·s − 2p + kH, (W−1)·s − 2p + kW) per image.
 */
export function convTranspose2dRef(x: Vec, wt: Vec, b: Vec | null, d: ConvDims): Float64Array {
  const ho = convTransposeOut(d.h, d.kh, d.stride, d.pad), wo = convTransposeOut(d.w, d.kw, d.stride, d.pad);
  const y = new Float64Array(d.batch * d.outC * ho * wo);
  for (let n = 0; n < d.batch; n++) for (let o = 0; o < d.outC; o++) y.fill(b ? b[o] : 0, ((n * d.outC + o) * ho) * wo, ((n * d.outC + o + 1) * ho) * wo);
  forEachTap(d, ho, wo, (xi, wi, yi) => { y[yi] += x[xi] * wt[wi]; });
  return y;
}

/** The chain rule through convTranspose2dRef. */
export function convTranspose2dBackwardRef(dy: Vec, x: Vec, wt: Vec, d: ConvDims) {
  const ho = convTransposeOut(d.h, d.kh, d.stride, d.pad), wo = convTransposeOut(d.w, d.kw, d.stride, d.pad);
  const dx = new Float64Array(d.batch * d.inC * d.h * d.w), dw = new Float64Array(d.inC * d.outC * d.kh * d.kw);
  const db = new Float64Array(d.outC);
  for (let n = 0; n < d.batch; n++) for (let o = 0; o < d.outC; o++) for (let q = 0; q < ho * wo; q++) db[o] += dy[(n * d.outC + o) * ho * wo + q];
  forEachTap(d, ho, wo, (xi, wi, yi) => { dx[xi] += dy[yi] * wt[wi]; dw[wi] += dy[yi] * x[xi]; });
  return { dx, dw, db };
}

/** Every (input, weight, output) index triple of a transposed convolution that lands inside the output. */
function forEachTap(d: ConvDims, ho: number, wo: number, f: (xi: number, wi: number, yi: number) => void): void {
  for (let n = 0; n < d.batch; n++) for (let c = 0; c < d.inC; c++) for (let ih = 0; ih < d.h; ih++) for (let iw = 0; iw < d.w; iw++) {
    const xi = ((n * d.inC + c) * d.h + ih) * d.w + iw;
    for (let o = 0; o < d.outC; o++) for (let i = 0; i < d.kh; i++) for (let j = 0; j < d.kw; j++) {
      const oh = ih * d.stride - d.pad + i, ow = iw * d.stride - d.pad + j;
      if (oh < 0 || oh >= ho || ow < 0 || ow >= wo) continue;
      f(xi, ((c * d.outC + o) * d.kh + i) * d.kw + j, ((n * d.outC + o) * ho + oh) * wo + ow);
    }
  }
}
