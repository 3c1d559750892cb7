// Conv2d's forward as an indirect product, without the patch matrix: the faster path for few input channels
// (measured beside im2row + gemm by bench/experiments/conv.mjs; conv.ts picks it for inC < 4, the first layer of an
// image model and the input gradient of a decoder's output layer). The image is copied once into a zero-padded
// (C, H + 2p, W + 2p) plane, so that every tap of every output pixel is one float of it at
//   pixel base (oh·s·Wp + ow·s) + tap offset (c·Hp·Wp + i·Wp + j)
// (two small tables, XNNPACK's indirect GEMM with the pointers split into a pixel part and a tap part). The product
// is gemm.ts's 4×2-vector tile turned around: 4 output pixels (their taps broadcast, any pixels: no ragged rows) ×
// 8 output channels (two vectors of a row of Wᵀ), the accumulators starting from the bias. A finished tile gets the
// epilogue in registers and is transposed in 4×4 blocks straight into y's (channel, pixel) rows: no second pass.
// Each output sums b, then its K products in PyTorch's (c, i, j) order, in both builds.
import { LANES, VBYTES, VecF, vsplat, vload, vloadSplat, vstore, vadd, vmul, transpose4x4 } from '~lib/lanes';
import { EPILOGUE_RELU, EPILOGUE_LEAKY_RELU } from './gemm';
import { vrelu, vleakyRelu, relu1, leakyRelu1 } from './activations';

/** Floats of the direct forward's scratch: tap offsets (K), pixel bases (P), Wᵀ (K × outC), the padded image, a tile. */
export function direct_scratch_floats(inC: i32, h: i32, w: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32): i32 {
  const ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1, K = inC * kh * kw;
  return K + ho * wo + K * outC + inC * (h + 2 * p) * (w + 2 * p) + 8 * LANES;
}

/** The zero-padded image (c, h + 2p, w + 2p) of x (c, h, w); overwrites all of it. */
function padImage(dst: usize, x: usize, c: i32, h: i32, w: i32, p: i32): void {
  const wp = w + 2 * p;
  let out = dst, src = x;
  for (let ci = 0; ci < c; ci++) for (let r = -p; r < h + p; r++) {
    if (r < 0 || r >= h) { zeros(out, wp); out += <usize>wp << 2; continue; }
    zeros(out, p);
    out += <usize>p << 2;
    let j = 0;
    for (; j + LANES <= w; j += LANES) vstore(out + (<usize>j << 2), vload(src + (<usize>j << 2)));
    for (; j < w; j++) store<f32>(out + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
    out += <usize>w << 2; src += <usize>w << 2;
    zeros(out, p);
    out += <usize>p << 2;
  }
}

// @ts-ignore: decorator
@inline function zeros(dst: usize, n: i32): void { for (let j = 0; j < n; j++) store<f32>(dst + (<usize>j << 2), 0); }

/** The epilogue on one finished vector, with the operations of gemm.ts's activateTile. */
// @ts-ignore: decorator
@inline function act(v: VecF, epilogue: i32): VecF {
  return epilogue == EPILOGUE_RELU ? vrelu(v) : epilogue == EPILOGUE_LEAKY_RELU ? vleakyRelu(v) : v;
}
// @ts-ignore: decorator
@inline function act1(v: f32, epilogue: i32): f32 {
  return epilogue == EPILOGUE_RELU ? relu1(v) : epilogue == EPILOGUE_LEAKY_RELU ? leakyRelu1(v) : v;
}

/**
 * Moves a finished tile, `pixels` rows of 2·LANES channels in `tmp` (row stride 2·LANES floats), into y's channel
 * rows (stride ldyB bytes). Exact moves: 4×4 block transposes in the SIMD build, float by float otherwise.
 */
// @ts-ignore: decorator
@inline function writeTile(y: usize, ldyB: usize, tmp: usize, pixels: i32): void {
  if (LANES == 4 && pixels == 4) {
    transpose4x4(y, ldyB, tmp, 8 * 4);
    transpose4x4(y + 4 * ldyB, ldyB, tmp + 16, 8 * 4);
    return;
  }
  for (let o = 0; o < 2 * LANES; o++) for (let r = 0; r < pixels; r++) {
    store<f32>(y + <usize>o * ldyB + (<usize>r << 2), load<f32>(tmp + (<usize>(r * 2 * LANES + o) << 2)));
  }
}

/**
 * 4 output pixels (bases a0..a3) × 2·LANES output channels (Wᵀ columns at wt, row stride ldwB) over K taps, from the
 * bias vectors (bias at `bias` or 0), the epilogue applied, written into y (channel rows ldyB bytes apart).
 */
// @ts-ignore: decorator
@inline function tile4(y: usize, ldyB: usize, tmp: usize, a0: usize, a1: usize, a2: usize, a3: usize, offs: usize, wt: usize, ldwB: usize, bias: usize, k: i32, epilogue: i32): void {
  let c00 = bias == 0 ? vsplat(0) : vload(bias), c01 = bias == 0 ? vsplat(0) : vload(bias + VBYTES);
  let c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
  let b = wt;
  for (let t = 0; t < k; t++) {
    const off = <usize>load<i32>(offs + (<usize>t << 2));
    const b0 = vload(b), b1 = vload(b + VBYTES);
    let av = vloadSplat(a0 + off);
    c00 = vadd(c00, vmul(av, b0)); c01 = vadd(c01, vmul(av, b1));
    av = vloadSplat(a1 + off);
    c10 = vadd(c10, vmul(av, b0)); c11 = vadd(c11, vmul(av, b1));
    av = vloadSplat(a2 + off);
    c20 = vadd(c20, vmul(av, b0)); c21 = vadd(c21, vmul(av, b1));
    av = vloadSplat(a3 + off);
    c30 = vadd(c30, vmul(av, b0)); c31 = vadd(c31, vmul(av, b1));
    b += ldwB;
  }
  const rowB: usize = 2 * VBYTES;
  vstore(tmp, act(c00, epilogue)); vstore(tmp + VBYTES, act(c01, epilogue));
  vstore(tmp + rowB, act(c10, epilogue)); vstore(tmp + rowB + VBYTES, act(c11, epilogue));
  vstore(tmp + 2 * rowB, act(c20, epilogue)); vstore(tmp + 2 * rowB + VBYTES, act(c21, epilogue));
  vstore(tmp + 3 * rowB, act(c30, epilogue)); vstore(tmp + 3 * rowB + VBYTES, act(c31, epilogue));
  writeTile(y, ldyB, tmp, 4);
}

/** 1 output pixel × 2·LANES channels (the pixel tail of tile4). */
function tile1(y: usize, ldyB: usize, tmp: usize, a0: usize, offs: usize, wt: usize, ldwB: usize, bias: usize, k: i32, epilogue: i32): void {
  let c0 = bias == 0 ? vsplat(0) : vload(bias), c1 = bias == 0 ? vsplat(0) : vload(bias + VBYTES);
  let b = wt;
  for (let t = 0; t < k; t++) {
    const av = vloadSplat(a0 + <usize>load<i32>(offs + (<usize>t << 2)));
    c0 = vadd(c0, vmul(av, vload(b))); c1 = vadd(c1, vmul(av, vload(b + VBYTES)));
    b += ldwB;
  }
  vstore(tmp, act(c0, epilogue)); vstore(tmp + VBYTES, act(c1, epilogue));
  writeTile(y, ldyB, tmp, 1);
}

/** One output channel (row o of w, PyTorch's (o, c, i, j) = (o, t) order) at every pixel: the channel tail. */
function channelRow(y: usize, img: usize, pix: usize, offs: usize, wo: usize, init: f32, P: i32, k: i32, epilogue: i32): void {
  for (let q = 0; q < P; q++) {
    const a = img + <usize>load<i32>(pix + (<usize>q << 2));
    let acc = init;
    for (let t = 0; t < k; t++) acc += load<f32>(wo + (<usize>t << 2)) * load<f32>(a + <usize>load<i32>(offs + (<usize>t << 2)));
    store<f32>(y + (<usize>q << 2), act1(acc, epilogue));
  }
}

/**
 * Conv2d forward by an indirect product: y = epilogue(conv(x, W) + b) (b may be 0), overwriting y; the same
 * arguments as conv2d_forward. No alignment needed. `scratch`: direct_scratch_floats floats, 4-byte aligned.
 */
export function conv2d_forward_direct(
  y: usize, x: usize, w: usize, b: usize, scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32, epilogue: i32
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (wd + 2 * p - kw) / s + 1, K = inC * kh * kw, P = ho * wo;
  const hp = h + 2 * p, wp = wd + 2 * p;
  const offs = scratch, pix = offs + (<usize>K << 2), wt = pix + (<usize>P << 2), img = wt + (<usize>(K * outC) << 2);
  const tmp = img + (<usize>(inC * hp * wp) << 2);
  for (let ci = 0, t = 0; ci < inC; ci++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++, t++) {
    store<i32>(offs + (<usize>t << 2), ((ci * hp + i) * wp + j) << 2);
  }
  for (let q = 0; q < P; q++) store<i32>(pix + (<usize>q << 2), ((q / wo) * s * wp + (q % wo) * s) << 2);
  for (let o = 0; o < outC; o++) for (let t = 0; t < K; t++) { // Wᵀ (K × outC)
    store<f32>(wt + (<usize>(t * outC + o) << 2), load<f32>(w + (<usize>(o * K + t) << 2)));
  }
  const ldwB = <usize>outC << 2, ldyB = <usize>P << 2, o8 = outC - outC % (2 * LANES), p4 = P - P % 4;
  for (let n = 0; n < batch; n++) {
    const yn = y + <usize>n * <usize>outC * ldyB;
    padImage(img, x + (<usize>(n * inC * h * wd) << 2), inC, h, wd, p);
    for (let o = 0; o < o8; o += 2 * LANES) {
      const col = <usize>o << 2, bo = b == 0 ? 0 : b + col, yo = yn + <usize>o * ldyB;
      for (let q = 0; q < p4; q += 4) {
        const q0 = pix + (<usize>q << 2);
        tile4(yo + (<usize>q << 2), ldyB, tmp, img + <usize>load<i32>(q0), img + <usize>load<i32>(q0, 4),
          img + <usize>load<i32>(q0, 8), img + <usize>load<i32>(q0, 12), offs, wt + col, ldwB, bo, K, epilogue);
      }
      for (let q = p4; q < P; q++) {
        tile1(yo + (<usize>q << 2), ldyB, tmp, img + <usize>load<i32>(pix + (<usize>q << 2)), offs, wt + col, ldwB, bo, K, epilogue);
      }
    }
    for (let o = o8; o < outC; o++) {
      channelRow(yn + <usize>o * ldyB, img, pix, offs, w + (<usize>(o * K) << 2), b == 0 ? <f32>0 : load<f32>(b + (<usize>o << 2)), P, K, epilogue);
    }
  }
}
