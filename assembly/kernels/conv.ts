// PyTorch's Conv2d and ConvTranspose2d (dilation 1, groups 1), forward and backward: the six kernels and their
// scratch sizes. Argument order: outputs first, then inputs, then scratch, then dims. Layouts are PyTorch's:
// activations NCHW (an example's values are (C, H, W), examples contiguous), Conv2d weights (outC, inC, kH, kW),
// ConvTranspose2d weights (inC, outC, kH, kW). One stride and one symmetric zero padding serve both axes; kernels
// may be rectangular; any sizes (tails are exact).
//
// Three cores (./conv-cores.ts), each a product on gemm.ts's 4×2-vector tile for a group of images, A packed in
// blocks of 4 rows (./gemm-packed.ts: the peak probe's loop), rows(x_n) the (P, K) patch matrix (P output pixels,
// K = inC·kH·kW values in tap-major (i, j, c) order):
//   forward         y_n (outC, P) = W · rows(x_n)ᵀ + b, epilogue: 4 pixels × 8 channels a tile, each 4-pixel block's
//                   patch values gathered from zero-padded (H, W, C) images (./conv-direct.ts, XNNPACK's indirect
//                   GEMM), tiles transposed into NCHW as they finish; with one input channel, 4 pixels of a channel in
//                   the lanes over patch planes (./conv-thin-forward.ts), y's own layout; when accumulating into y,
//                   im2row + gemm instead
//   input gradient  dx_n = row2im(dy_nᵀ (P, outC) · W (outC, K)), dyᵀ packed straight from dy (./conv-pack.ts); with
//                   8 or more input channels per stride phase (./conv-direct-dx.ts); with one, stride 2 and kernel
//                   width 4, with pixels in the lanes (./conv-thin-dx.ts), the row2im path's sums
//   weight gradient dW (outC, K) += dy_n (outC, P) · rows(x_n), images in order: dy's rows packed by 4×4
//                   transposes; with few input channels, small blocks of patch rows, dy read in place
//                   (./conv-thin-dw.ts)
// ConvTranspose2d's forward is Conv2d's input gradient, its input gradient Conv2d's forward, and its weight gradient
// Conv2d's with the roles of x and dy exchanged.
//
// Determinism: every output is one sum in a fixed order (bias, then taps in (i, j, c) order; row2im's (pixel, tap)
// order; the weight gradient's (image, pixel) order; the bias gradient's: a running sum per channel, or with fewer
// than 4 channels ./conv-sums.ts's fixed tree of 16 partial sums) that depends only on the shapes, so the
// SIMD and scalar builds give the same bits, and a split of the batch by images (forward, input gradient) or of dW
// by rows (conv2d_backward_weight_rows, conv_transpose2d_backward_weight_rows) changes no bit.
// Overwrite or accumulate: each kernel says. Pointers are byte addresses with no alignment requirement (16 bytes is
// faster). Nothing allocates: `scratch` is the caller's, *_scratch_floats floats (one per thread, 4-byte aligned).
import { EPILOGUE_NONE } from './gemm';
import { direct_scratch_floats } from './conv-direct';
import { direct_dx_scratch_floats } from './conv-direct-dx';
import { thin_dx_scratch_floats } from './conv-thin-dx';
import { thin_forward_scratch_floats } from './conv-thin-forward';
import { scratch_floats, weight_scratch_floats, convForward, convInputGradient, convWeightGradient, channelSums } from './conv-cores';

/** Output size of a convolution along one axis: ⌊(n + 2·pad − k) / stride⌋ + 1. */
export function conv_out_size(n: i32, k: i32, stride: i32, pad: i32): i32 { return (n + 2 * pad - k) / stride + 1; }

/** Output size of a transposed convolution along one axis: (n − 1)·stride − 2·pad + k (output_padding 0). */
export function conv_transpose_out_size(n: i32, k: i32, stride: i32, pad: i32): i32 { return (n - 1) * stride - 2 * pad + k; }

/** Scratch floats of the Conv2d kernels (any of the three), K = inC·kH·kW, P = Ho·Wo. */
export function conv2d_scratch_floats(inC: i32, h: i32, w: i32, outC: i32, kh: i32, kw: i32, stride: i32, pad: i32): i32 {
  const floats = scratch_floats(conv_out_size(h, kh, stride, pad) * conv_out_size(w, kw, stride, pad), inC * kh * kw, outC, inC * h * w);
  const paths = max(direct_scratch_floats(inC, h, w, outC, kh, kw, stride, pad), direct_dx_scratch_floats(inC, h, w, outC, kh, kw, stride, pad));
  const thin = max(thin_dx_scratch_floats(h, w, outC, kh, kw, pad), thin_forward_scratch_floats(h, w, outC, kh, kw, stride, pad));
  return max(max(max(floats, paths), thin), weight_scratch_floats(inC, h, w, outC, kh, kw, stride, pad));
}

/** Scratch floats of the ConvTranspose2d kernels (any of the three; inputs inC × h × w). Takes the kernels' dims. */
export function conv_transpose2d_scratch_floats(inC: i32, h: i32, w: i32, outC: i32, kh: i32, kw: i32, stride: i32, pad: i32): i32 {
  const ho = conv_transpose_out_size(h, kh, stride, pad), wo = conv_transpose_out_size(w, kw, stride, pad);
  const floats = max(scratch_floats(h * w, outC * kh * kw, inC, outC * ho * wo), direct_scratch_floats(outC, ho, wo, inC, kh, kw, stride, pad));
  const paths = max(weight_scratch_floats(outC, ho, wo, inC, kh, kw, stride, pad), direct_dx_scratch_floats(outC, ho, wo, inC, kh, kw, stride, pad));
  const thin = max(thin_dx_scratch_floats(ho, wo, inC, kh, kw, pad), thin_forward_scratch_floats(ho, wo, inC, kh, kw, stride, pad));
  return max(max(floats, paths), thin);
}

/**
 * Conv2d forward: y = epilogue(conv(x, W) + b), gemm's EPILOGUE_* (none, ReLU, leaky ReLU) applied to each tile
 * as it is finished. Overwrites y. `b` may be 0 (no bias). `scratch`: conv2d_scratch_floats floats.
 */
export function conv2d_forward(
  y: usize,    // (B, outC, Ho, Wo)
  x: usize,    // (B, inC, H, W)
  w: usize,    // (outC, inC, kH, kW)
  b: usize,    // (outC) or 0
  scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, stride: i32, pad: i32, epilogue: i32
): void {
  convForward(y, x, w, b, scratch, batch, inC, h, wd, outC, kh, kw, stride, pad, false, epilogue);
}

/** conv2d_forward always through im2row + gemm, for the benchmark's comparison of the two paths. */
export function conv2d_forward_im2row(
  y: usize, x: usize, w: usize, b: usize, scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, stride: i32, pad: i32, epilogue: i32
): void {
  convForward(y, x, w, b, scratch, batch, inC, h, wd, outC, kh, kw, stride, pad, false, epilogue, false);
}

/** conv2d_backward_input never through ./conv-thin-dx.ts (one input channel), for the tests' and benchmark's comparison. */
export function conv2d_backward_input_im2row(
  dx: usize, dy: usize, w: usize, scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, stride: i32, pad: i32, accumulate: bool
): void {
  convInputGradient(dx, dy, w, 0, scratch, batch, inC, h, wd, outC, kh, kw, stride, pad, accumulate, EPILOGUE_NONE, false);
}

/** Conv2d input gradient dx = conv2dᵀ(dy, W); overwrites dx, or adds into it when `accumulate`. */
export function conv2d_backward_input(
  dx: usize,   // (B, inC, H, W)
  dy: usize,   // (B, outC, Ho, Wo)
  w: usize,    // (outC, inC, kH, kW)
  scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, stride: i32, pad: i32, accumulate: bool
): void {
  convInputGradient(dx, dy, w, 0, scratch, batch, inC, h, wd, outC, kh, kw, stride, pad, accumulate, EPILOGUE_NONE);
}

/**
 * Conv2d weight and bias gradients: dW = Σ_n dy_n·rows(x_n) and db = Σ_n Σ_pixels dy (db may be 0: no bias),
 * summed over images in order. Overwrites, or adds into dW and db when `accumulate`.
 */
export function conv2d_backward_weight(
  dw: usize,   // (outC, inC, kH, kW)
  db: usize,   // (outC) or 0
  dy: usize,   // (B, outC, Ho, Wo)
  x: usize,    // (B, inC, H, W)
  scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, stride: i32, pad: i32, accumulate: bool
): void {
  convWeightGradient(dw, db, dy, x, scratch, batch, inC, h, wd, outC, kh, kw, stride, pad, 0, outC, accumulate);
}

/**
 * conv2d_backward_weight for output channels [c0, c1) only (a thread's share; dw and db still point at channel 0):
 * the same bits in those rows as the whole call.
 */
export function conv2d_backward_weight_rows(
  dw: usize, db: usize, dy: usize, x: usize, scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, stride: i32, pad: i32, c0: i32, c1: i32, accumulate: bool
): void {
  convWeightGradient(dw, db, dy, x, scratch, batch, inC, h, wd, outC, kh, kw, stride, pad, c0, c1, accumulate);
}

/**
 * ConvTranspose2d forward: y = epilogue(convT(x, W) + b), Ho = (H − 1)·stride − 2·pad + kH (Wo alike). Overwrites
 * y; `b` may be 0. `scratch`: conv_transpose2d_scratch_floats floats.
 */
export function conv_transpose2d_forward(
  y: usize,    // (B, outC, Ho, Wo)
  x: usize,    // (B, inC, H, W)
  w: usize,    // (inC, outC, kH, kW)
  b: usize,    // (outC) or 0
  scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, stride: i32, pad: i32, epilogue: i32
): void {
  const ho = conv_transpose_out_size(h, kh, stride, pad), wo = conv_transpose_out_size(wd, kw, stride, pad);
  convInputGradient(y, x, w, b, scratch, batch, outC, ho, wo, inC, kh, kw, stride, pad, false, epilogue);
}

/** ConvTranspose2d input gradient (a Conv2d forward of dy); overwrites dx, or adds into it when `accumulate`. */
export function conv_transpose2d_backward_input(
  dx: usize,   // (B, inC, H, W)
  dy: usize,   // (B, outC, Ho, Wo)
  w: usize,    // (inC, outC, kH, kW)
  scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, stride: i32, pad: i32, accumulate: bool
): void {
  const ho = conv_transpose_out_size(h, kh, stride, pad), wo = conv_transpose_out_size(wd, kw, stride, pad);
  convForward(dx, dy, w, 0, scratch, batch, outC, ho, wo, inC, kh, kw, stride, pad, accumulate, EPILOGUE_NONE);
}

/**
 * ConvTranspose2d weight and bias gradients: dW[i, o, :, :] = Σ_n x_n[i] ⋆ dy_n[o] and db = Σ_n Σ_pixels dy
 * (db may be 0), images in order. Overwrites, or adds into dW and db when `accumulate`.
 */
export function conv_transpose2d_backward_weight(
  dw: usize,   // (inC, outC, kH, kW)
  db: usize,   // (outC) or 0
  dy: usize,   // (B, outC, Ho, Wo)
  x: usize,    // (B, inC, H, W)
  scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, stride: i32, pad: i32, accumulate: bool
): void {
  conv_transpose2d_backward_weight_rows(dw, db, dy, x, scratch, batch, inC, h, wd, outC, kh, kw, stride, pad, 0, inC, accumulate);
}

/**
 * conv_transpose2d_backward_weight for the weight's rows [c0, c1) of its first dimension (input channels: a
 * thread's share; dw still points at row 0), the same bits there as the whole call. db (all outC entries) is
 * summed only by the share that starts at c0 = 0.
 */
export function conv_transpose2d_backward_weight_rows(
  dw: usize, db: usize, dy: usize, x: usize, scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, stride: i32, pad: i32, c0: i32, c1: i32, accumulate: bool
): void {
  const ho = conv_transpose_out_size(h, kh, stride, pad), wo = conv_transpose_out_size(wd, kw, stride, pad);
  if (db != 0 && c0 == 0) channelSums(db, dy, scratch, batch, outC, ho * wo, 0, outC, accumulate);
  convWeightGradient(dw, 0, x, dy, scratch, batch, outC, ho, wo, inC, kh, kw, stride, pad, c0, c1, accumulate);
}
