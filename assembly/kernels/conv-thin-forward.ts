// Conv2d's forward with one input channel, vectorised over output pixels: an image encoder's first layer, and
// ConvTranspose2d's input gradient at one output channel (an image decoder's last layer). There K = kH·kW is short
// (16 for a 4×4 kernel), so ./conv-direct.ts's tiles of 4 pixels × 8 channels spend much of their time outside the
// K loop: gathering the pixels' taps into a packed block, and transposing each finished tile into y's channel rows.
// Here the lanes hold 4 consecutive output pixels of one channel, which is y's own layout, so a finished vector is
// stored as it is. Per image:
//   1. The patch planes T (K planes of P floats): T[t, oh·Wo + ow] = x_pad[oh·s + i, ow·s + j] for tap t = i·kW + j,
//      from the zero-padded image (conv-direct.ts's padImage): stride 2 takes the even lanes of two loads, stride 1
//      one load, other strides float by float.
//   2. y[o, q..] = epilogue(b[o] + Σ_t w[o, t]·T[t, q..]) as a tile of 4 channels × 2 pixel vectors over t, the
//      weights of 4 channels interleaved per tap (16 bytes a step: 4 broadcasts at immediate offsets, 2 vector loads
//      per 8 mul+adds, the loop of the peak probe and gemm-packed.ts's tile_packed).
// Each output sums its bias (or 0), then its products in tap order, then the epilogue: conv-direct.ts's sums, so
// the same bits. The SIMD build only: the scalar build keeps the direct kernel, whose bits the tests compare.
import { LANES } from '~lib/lanes';
import { act } from './gemm-packed';
import { padImage, zeroFloats } from './conv-direct';

/** Whether conv-cores takes this path for a forward that overwrites y: one input channel, SIMD lanes. */
// @ts-ignore: decorator
@inline export function thinForward(inC: i32): bool { return ASC_FEATURE_SIMD && LANES == 4 && inC == 1; }

// @ts-ignore: decorator
@inline function planeFloats(P: i32): i32 { return (P + 3) & ~3; }

/**
 * Scratch floats: the padded image with 8 floats of slack (the stride-2 loads reach 7 past a row), K patch planes
 * with 4 of slack (the last vector of a row may run 3 floats past it), the weights and biases in groups of 4 channels.
 */
export function thin_forward_scratch_floats(h: i32, w: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32): i32 {
  const ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1, K = kh * kw, C4 = (outC + 3) & ~3;
  return (h + 2 * p) * (w + 2 * p) + 8 + K * planeFloats(ho * wo) + 4 + C4 * K + C4;
}

/**
 * The K patch planes (planePB bytes apart) of one padded image (rows wp floats), for the taps (i, j) in order. Each
 * plane row is written in whole vectors, the last one past the row: its extra lanes land where the next row (or
 * plane) will be written, or in the slack after the last plane. Stride 2 takes the even floats of pairs of loads,
 * at immediate offsets from two running pointers (rows up to 16 pixels wide take no inner loop).
 */
function patchPlanes(T: usize, planePB: usize, img: usize, wp: i32, kh: i32, kw: i32, ho: i32, wo: i32, s: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const rowB = <usize>wo << 2, srcRowB = <usize>(s * wp) << 2;
  for (let i = 0, t = 0; i < kh; i++) for (let j = 0; j < kw; j++, t++) {
    let dst = T + <usize>t * planePB, src = img + (<usize>(i * wp + j) << 2);
    for (let oh = 0; oh < ho; oh++, dst += rowB, src += srcRowB) {
      if (s == 2) {
        for (let ow = 0; ow < wo; ow += 16) {
          const d = dst + (<usize>ow << 2), a = src + (<usize>ow << 3);
          evens(d, a, 0);
          if (ow + 4 < wo) evens(d, a, 16);
          if (ow + 8 < wo) evens(d, a, 32);
          if (ow + 12 < wo) evens(d, a, 48);
        }
      } else if (s == 1) for (let ow = 0; ow < wo; ow += 4) v128.store(dst + (<usize>ow << 2), v128.load(src + (<usize>ow << 2)));
      else for (let ow = 0; ow < wo; ow++) store<f32>(dst + (<usize>ow << 2), load<f32>(src + <usize>(ow * s) * 4));
    }
  }
}

/** The even floats of the 8 at src + 2·offset, stored at dst + offset (a compile-time byte offset). */
// @ts-ignore: decorator
@inline function evens(dst: usize, src: usize, offset: usize): void {
  v128.store(dst + offset, v128.shuffle<f32>(v128.load(src + 2 * offset), v128.load(src + 2 * offset + 16), 0, 2, 4, 6));
}

/**
 * y rows (4 channels, `rows` of them real, rows ldyB bytes apart) at `vecs` (1 or 2) pixel vectors from y, the last
 * vector's first `lanes` lanes only = epilogue(bias + Σ_t w·T): a (K steps of 16 bytes), bias4 (4 floats), T planes
 * ldtB bytes apart from t (the first pixel).
 */
// @ts-ignore: decorator
@inline function tile(y: usize, ldyB: usize, a: usize, bias4: usize, t: usize, ldtB: usize, k: i32, epilogue: i32, rows: i32, vecs: i32, lanes: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  let c00 = v128.load32_splat(bias4), c10 = v128.load32_splat(bias4, 4), c20 = v128.load32_splat(bias4, 8), c30 = v128.load32_splat(bias4, 12);
  let c01 = c00, c11 = c10, c21 = c20, c31 = c30;
  const end = a + (<usize>k << 4);
  if (vecs == 2) {
    while (a < end) {
      const b0 = v128.load(t), b1 = v128.load(t, 16);
      let av = v128.load32_splat(a);
      c00 = f32x4.add(c00, f32x4.mul(av, b0)); c01 = f32x4.add(c01, f32x4.mul(av, b1));
      av = v128.load32_splat(a, 4);
      c10 = f32x4.add(c10, f32x4.mul(av, b0)); c11 = f32x4.add(c11, f32x4.mul(av, b1));
      av = v128.load32_splat(a, 8);
      c20 = f32x4.add(c20, f32x4.mul(av, b0)); c21 = f32x4.add(c21, f32x4.mul(av, b1));
      av = v128.load32_splat(a, 12);
      c30 = f32x4.add(c30, f32x4.mul(av, b0)); c31 = f32x4.add(c31, f32x4.mul(av, b1));
      a += 16; t += ldtB;
    }
    store2(y, act(c00, epilogue), act(c01, epilogue));
    if (rows > 1) store2(y + ldyB, act(c10, epilogue), act(c11, epilogue));
    if (rows > 2) store2(y + 2 * ldyB, act(c20, epilogue), act(c21, epilogue));
    if (rows > 3) store2(y + 3 * ldyB, act(c30, epilogue), act(c31, epilogue));
    return;
  }
  while (a < end) {
    const b0 = v128.load(t);
    c00 = f32x4.add(c00, f32x4.mul(v128.load32_splat(a), b0));
    c10 = f32x4.add(c10, f32x4.mul(v128.load32_splat(a, 4), b0));
    c20 = f32x4.add(c20, f32x4.mul(v128.load32_splat(a, 8), b0));
    c30 = f32x4.add(c30, f32x4.mul(v128.load32_splat(a, 12), b0));
    a += 16; t += ldtB;
  }
  storeFirst(y, act(c00, epilogue), lanes);
  if (rows > 1) storeFirst(y + ldyB, act(c10, epilogue), lanes);
  if (rows > 2) storeFirst(y + 2 * ldyB, act(c20, epilogue), lanes);
  if (rows > 3) storeFirst(y + 3 * ldyB, act(c30, epilogue), lanes);
}

// @ts-ignore: decorator
@inline function store2(p: usize, v0: v128, v1: v128): void { v128.store(p, v0); v128.store(p, v1, 16); }

/** The first `lanes` (1–4) lanes of v at p. */
// @ts-ignore: decorator
@inline function storeFirst(p: usize, v: v128, lanes: i32): void {
  if (lanes >= 4) { v128.store(p, v); return; }
  v128.store32_lane(p, v, 0);
  if (lanes > 1) v128.store32_lane(p, v, 1, 4);
  if (lanes > 2) v128.store32_lane(p, v, 2, 8);
}

/**
 * Conv2d forward for one input channel: y = epilogue(conv(x, W) + b) (b may be 0), overwriting y; the arguments of
 * conv2d_forward with inC = 1. Requires thinForward(1). `scratch`: thin_forward_scratch_floats floats.
 */
export function conv2d_forward_thin(
  y: usize, x: usize, w: usize, b: usize, scratch: usize,
  batch: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32, epilogue: i32
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (wd + 2 * p - kw) / s + 1, P = ho * wo, K = kh * kw, C4 = (outC + 3) & ~3;
  const hp = h + 2 * p, wp = wd + 2 * p, planePB = <usize>planeFloats(P) << 2, ldyB = <usize>P << 2;
  const img = scratch, T = img + (<usize>(hp * wp + 8) << 2), wq = T + <usize>K * planePB + 16, bq = wq + (<usize>(C4 * K) << 2);
  for (let o = 0; o < C4; o++) { // 4 channels' weights interleaved per tap, and their biases; 0 past outC
    for (let t = 0; t < K; t++) store<f32>(wq + (<usize>(((o >> 2) * K + t) * 4 + (o & 3)) << 2), o < outC ? load<f32>(w + (<usize>(o * K + t) << 2)) : 0);
    store<f32>(bq + (<usize>o << 2), o < outC && b != 0 ? load<f32>(b + (<usize>o << 2)) : 0);
  }
  zeroFloats(img, hp * wp + 8); // the padding, once: padImage writes only the interior
  const p8 = P & ~7, kB = <usize>K << 4;
  for (let n = 0; n < batch; n++) {
    padImage(img, x + (<usize>(n * h * wd) << 2), 1, h, wd, p);
    patchPlanes(T, planePB, img, wp, kh, kw, ho, wo, s);
    const yn = y + <usize>n * <usize>outC * ldyB;
    let q = 0;
    for (; q < p8; q += 8) { // pixels outer: 8 pixels' K·32 bytes of T serve every channel group from L1
      const tq = T + (<usize>q << 2), yq = yn + (<usize>q << 2);
      for (let o = 0; o < outC; o += 4) {
        tile(yq + <usize>o * ldyB, ldyB, wq + <usize>(o >> 2) * kB, bq + (<usize>o << 2), tq, planePB, K, epilogue, min(4, outC - o), 2, 4);
      }
    }
    for (; q < P; q += 4) { // a last vector, or two: the lanes up to P
      const tq = T + (<usize>q << 2), yq = yn + (<usize>q << 2), lanes = min(4, P - q);
      for (let o = 0; o < outC; o += 4) {
        tile(yq + <usize>o * ldyB, ldyB, wq + <usize>(o >> 2) * kB, bq + (<usize>o << 2), tq, planePB, K, epilogue, min(4, outC - o), 1, lanes);
      }
    }
  }
}
