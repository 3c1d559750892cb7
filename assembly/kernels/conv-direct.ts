// Conv2d's forward as an indirect product, without the patch matrix: the faster path for few input channels
// (measured beside im2row + gemm by bench/experiments/conv.mjs; conv.ts picks it for inC < 4, the first layer of an
// image model and the input gradient of a decoder's output layer). Each image is copied once into a zero-padded
// (H + 2p, W + 2p, C) plane, so that every tap of every output pixel is one float of it at
//   pixel base ((oh·s·Wp + ow·s)·C) + tap offset ((i·Wp + j)·C + c)
// (two small tables: XNNPACK's indirect GEMM with its pointers split into a pixel part and a tap part). The product
// is gemm.ts's 4×2-vector tile turned around: 4 output pixels (any 4 of a group of images' pixel list: no ragged
// rows) × 8 output channels (two vectors of a row of Wᵀ). The 4 pixels' K taps are first gathered into one packed
// block (./gemm-packed.ts), which then serves every 8-channel panel at the peak probe's loop; a finished tile gets
// the bias and epilogue in registers and is transposed in 4×4 blocks straight into y's (channel, pixel) rows.
// Each output sums b, then its K products in tap-major (i, j, c) order, in both builds: the im2row path's order.
import { LANES, VBYTES, vsplat, vload, vstore, transpose4x4 } from '~lib/lanes';
import { INIT_BIAS, INIT_ZERO } from './gemm';
import { tile_packed, act1 } from './gemm-packed';
import { transpose } from './dense';

/** Images per group: as many padded images as fit in 128 KB (at least 1). */
// @ts-ignore: decorator
@inline function groupOf(inC: i32, h: i32, w: i32, p: i32): i32 { return max(1, (1 << 15) / (inC * (h + 2 * p) * (w + 2 * p))); }

/**
 * Floats of the direct forward's scratch: tap offsets (K), a group's pixel bases and output offsets (2·G·P), Wᵀ
 * (K × outC), the group's padded images, a tile, one packed block of 4 pixels' taps, and Wᵀ's 8-channel panels
 * (panels(): each tile then reads its K rows of B as one contiguous stream, not 32 bytes of rows outC floats apart).
 */
export function direct_scratch_floats(inC: i32, h: i32, w: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32): i32 {
  const ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1, K = inC * kh * kw, G = groupOf(inC, h, w, p);
  return K + 2 * G * ho * wo + 2 * K * outC + G * inC * (h + 2 * p) * (w + 2 * p) + 8 * LANES + 4 * K;
}

/**
 * The interior of the zero-padded image (h + 2p, w + 2p, c), channels interleaved, of x (c, h, w): the padding is
 * not written, so the caller zeros the buffer once (zeroFloats) and reuses it for every image.
 */
export function padImage(dst: usize, x: usize, c: i32, h: i32, w: i32, p: i32): void {
  padImageHWC(dst, x, c, h, w, p, p, w + 2 * p);
}

/**
 * The interior of a zero-padded (…, wt, c) image of x (c, h, w) at row `top`, column `left` (rows wt pixels wide): the
 * transpose to channels-interleaved by 4×4 blocks straight into place, the ragged edges float by float.
 */
export function padImageHWC(dst: usize, x: usize, c: i32, h: i32, w: i32, top: i32, left: i32, wt: i32): void {
  const HW = h * w, planeB = <usize>HW << 2, pixelB = <usize>c << 2, w4 = w & ~3, c4 = c & ~3;
  for (let ih = 0; ih < h; ih++) {
    const out = dst + <usize>((ih + top) * wt + left) * pixelB, src = x + (<usize>(ih * w) << 2);
    if (c == 1) {
      let j = 0;
      for (; j + LANES <= w; j += LANES) vstore(out + (<usize>j << 2), vload(src + (<usize>j << 2)));
      for (; j < w; j++) store<f32>(out + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
      continue;
    }
    for (let iw = 0; iw < w4; iw += 4) for (let ci = 0; ci < c4; ci += 4) {
      transpose4x4(out + <usize>iw * pixelB + (<usize>ci << 2), pixelB, src + <usize>ci * planeB + (<usize>iw << 2), planeB);
    }
    for (let iw = 0; iw < w; iw++) for (let ci = iw < w4 ? c4 : 0; ci < c; ci++) {
      store<f32>(out + <usize>iw * pixelB + (<usize>ci << 2), load<f32>(src + <usize>ci * planeB + (<usize>iw << 2)));
    }
  }
}

/** n floats at dst set to 0. */
export function zeroFloats(dst: usize, n: i32): void {
  let j = 0;
  for (; j + LANES <= n; j += LANES) vstore(dst + (<usize>j << 2), vsplat(0));
  for (; j < n; j++) store<f32>(dst + (<usize>j << 2), 0);
}

/**
 * Moves a finished tile, `pixels` rows of 2·LANES channels in `tmp` (row stride 2·LANES floats), into y's channel
 * rows (stride ldyB bytes from y), pixel r at byte offset yoff[r]. Exact moves. In the SIMD build: when the 4 pixels
 * are consecutive floats of one image, 4×4 block transposes; any other 4 pixels (a stride phase's, ./conv-direct-dx.ts)
 * transposed in registers and stored a lane at a time, without reloading tmp and yoff float by float. Else float by float.
 */
// @ts-ignore: decorator
@inline export function writeTile(y: usize, ldyB: usize, yoff: usize, tmp: usize, pixels: i32): void {
  const first = <usize>load<i32>(yoff);
  if (LANES == 4 && pixels == 4 && load<i32>(yoff, 12) - load<i32>(yoff) == 12) {
    transpose4x4(y + first, ldyB, tmp, 8 * 4);
    transpose4x4(y + first + 4 * ldyB, ldyB, tmp + 16, 8 * 4);
    return;
  }
  if (ASC_FEATURE_SIMD && pixels == 4) { // any 4 pixels (a stride phase's): transposed in registers, one lane a store
    const y0 = y + first, y1 = y + <usize>load<i32>(yoff, 4), y2 = y + <usize>load<i32>(yoff, 8), y3 = y + <usize>load<i32>(yoff, 12);
    for (let half = 0; half < 2; half++) {
      const src = tmp + <usize>(half << 4), o = <usize>(half << 2) * ldyB;
      const r0 = v128.load(src), r1 = v128.load(src, 32), r2 = v128.load(src, 64), r3 = v128.load(src, 96);
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      storeColumn(y0 + o, y1 + o, y2 + o, y3 + o, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      storeColumn(y0 + o + ldyB, y1 + o + ldyB, y2 + o + ldyB, y3 + o + ldyB, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
      storeColumn(y0 + o + 2 * ldyB, y1 + o + 2 * ldyB, y2 + o + 2 * ldyB, y3 + o + 2 * ldyB, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
      storeColumn(y0 + o + 3 * ldyB, y1 + o + 3 * ldyB, y2 + o + 3 * ldyB, y3 + o + 3 * ldyB, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
    }
    return;
  }
  for (let r = 0; r < pixels; r++) {
    const yr = y + <usize>load<i32>(yoff + (<usize>r << 2));
    for (let o = 0; o < 2 * LANES; o++) store<f32>(yr + <usize>o * ldyB, load<f32>(tmp + (<usize>(r * 2 * LANES + o) << 2)));
  }
}

/** One channel's 4 pixels (the lanes of v) stored at 4 addresses. */
// @ts-ignore: decorator
@inline function storeColumn(a0: usize, a1: usize, a2: usize, a3: usize, v: v128): void {
  v128.store32_lane(a0, v, 0); v128.store32_lane(a1, v, 1); v128.store32_lane(a2, v, 2); v128.store32_lane(a3, v, 3);
}

/**
 * The K taps of `rows` (<= 4) output pixels (bases at pix, into img) as one packed block for tile_packed: tap t of
 * pixel r at dst + 16·t + 4·r (rows past `rows` repeat pixel 0: computed, never stored). With `runs4` (the tap
 * offsets come in aligned runs of 4 consecutive floats: the forward's kW·C, conv-direct-dx.ts's channels, a multiple
 * of 4), the SIMD build moves 4 taps of the 4 pixels at once, 4 loads and a 4×4 shuffle transpose; else float by float.
 */
export function packPixels(dst: usize, img: usize, pix: usize, offs: usize, k: i32, rows: i32, runs4: bool): void {
  const a0 = img + <usize>load<i32>(pix), a1 = rows > 1 ? img + <usize>load<i32>(pix, 4) : a0;
  const a2 = rows > 2 ? img + <usize>load<i32>(pix, 8) : a0, a3 = rows > 3 ? img + <usize>load<i32>(pix, 12) : a0;
  let out = dst, t = 0;
  if (ASC_FEATURE_SIMD) {
    if (runs4) for (; t + 4 <= k; t += 4) {
      const off = <usize>load<i32>(offs + (<usize>t << 2));
      const r0 = v128.load(a0 + off), r1 = v128.load(a1 + off), r2 = v128.load(a2 + off), r3 = v128.load(a3 + off);
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      v128.store(out, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5)); v128.store(out, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16);
      v128.store(out, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32); v128.store(out, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48);
      out += 64;
    }
  }
  for (; t < k; t++) {
    const off = <usize>load<i32>(offs + (<usize>t << 2));
    store<f32>(out, load<f32>(a0 + off));
    store<f32>(out, load<f32>(a1 + off), 4);
    store<f32>(out, load<f32>(a2 + off), 8);
    store<f32>(out, load<f32>(a3 + off), 12);
    out += 16;
  }
}

/** One output channel (column wo of Wᵀ, rows ldwB bytes apart) at pixels [0, M), from init or y: the channel tail. */
export function channelRow(y: usize, yoff: usize, img: usize, pix: usize, offs: usize, wo: usize, ldwB: usize, init: f32, M: i32, k: i32, epilogue: i32, accumulate: bool = false): void {
  for (let q = 0; q < M; q++) {
    const a = img + <usize>load<i32>(pix + (<usize>q << 2));
    let acc = accumulate ? load<f32>(y + <usize>load<i32>(yoff + (<usize>q << 2))) : init;
    for (let t = 0; t < k; t++) acc += load<f32>(wo + <usize>t * ldwB) * load<f32>(a + <usize>load<i32>(offs + (<usize>t << 2)));
    store<f32>(y + <usize>load<i32>(yoff + (<usize>q << 2)), act1(acc, epilogue));
  }
}

/**
 * Conv2d forward by an indirect product: y = epilogue(conv(x, W) + b) (b may be 0), overwriting y; the same
 * arguments as conv2d_forward. No alignment needed. `scratch`: direct_scratch_floats floats, 4-byte aligned.
 * The pixels of a group of images are one list (bases into their padded images, offsets into y), so that the
 * tiles run across image boundaries.
 */
export function conv2d_forward_direct(
  y: usize, x: usize, w: usize, b: usize, scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32, epilogue: i32
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (wd + 2 * p - kw) / s + 1, K = inC * kh * kw, P = ho * wo;
  const hp = h + 2 * p, wp = wd + 2 * p, G = groupOf(inC, h, wd, p), imgF = inC * hp * wp;
  const offs = scratch, pix = offs + (<usize>K << 2), yoff = pix + (<usize>(G * P) << 2), wt = yoff + (<usize>(G * P) << 2);
  const img = wt + (<usize>(K * outC) << 2), tmp = img + (<usize>(G * imgF) << 2);
  const pa = tmp + (<usize>(8 * LANES) << 2), wpan = pa + (<usize>(4 * K) << 2), mode = b == 0 ? INIT_ZERO : INIT_BIAS;
  // taps in (i, j, c) order: a window row's taps are kW·C consecutive floats of the padded image
  for (let i = 0, t = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let ci = 0; ci < inC; ci++, t++) {
    store<i32>(offs + (<usize>t << 2), ((i * wp + j) * inC + ci) << 2);
    for (let o = 0; o < outC; o++) { // Wᵀ (K × outC), rows in the same order
      store<f32>(wt + (<usize>(t * outC + o) << 2), load<f32>(w + (<usize>(((o * inC + ci) * kh + i) * kw + j) << 2)));
    }
  }
  for (let q = 0; q < G * P; q++) {
    const n = q / P, r = q % P;
    store<i32>(pix + (<usize>q << 2), (n * imgF + ((r / wo) * s * wp + (r % wo) * s) * inC) << 2);
    store<i32>(yoff + (<usize>q << 2), (n * outC * P + r) << 2);
  }
  const ldwB = <usize>outC << 2, ldyB = <usize>P << 2, o8 = outC - outC % (2 * LANES), panelB = <usize>K * (2 * VBYTES);
  panels(wpan, wt, ldwB, K, o8);
  zeroFloats(img, G * imgF); // the padding, once: padImage writes only the interiors
  for (let n0 = 0; n0 < batch; n0 += G) {
    const g = min(G, batch - n0), M = g * P, yg = y + <usize>n0 * <usize>outC * ldyB;
    for (let i = 0; i < g; i++) padImage(img + (<usize>(i * imgF) << 2), x + (<usize>((n0 + i) * inC * h * wd) << 2), inC, h, wd, p);
    for (let q = 0; q < M; q += 4) {
      const rows = min(4, M - q);
      packPixels(pa, img, pix + (<usize>q << 2), offs, K, rows, (kw * inC) % 4 == 0);
      for (let o = 0; o < o8; o += 2 * LANES) {
        const col = <usize>o << 2, yo = yg + <usize>o * ldyB;
        tile_packed(tmp, 8 * LANES, pa, wpan + <usize>(o / (2 * LANES)) * panelB, 2 * VBYTES, b + col, K, mode, epilogue, 4);
        writeTile(yo, ldyB, yoff + (<usize>q << 2), tmp, rows);
      }
    }
    for (let o = o8; o < outC; o++) {
      const init = b == 0 ? <f32>0 : load<f32>(b + (<usize>o << 2));
      channelRow(yg + <usize>o * ldyB, yoff, img, pix, offs, wt + (<usize>o << 2), ldwB, init, M, K, epilogue);
    }
  }
}

/**
 * Columns [0, n) of a k-row matrix (rows ldB bytes apart; n a multiple of 2·LANES) as panels of 2·LANES columns,
 * panel j's k rows contiguous at dst + j·k·2·VBYTES: the B operand of tile_packed read as one contiguous stream.
 */
export function panels(dst: usize, src: usize, ldB: usize, k: i32, n: i32): void {
  let out = dst;
  for (let j = 0; j < n; j += 2 * LANES) {
    let row = src + (<usize>j << 2);
    for (let t = 0; t < k; t++) { vstore(out, vload(row)); vstore(out + VBYTES, vload(row + VBYTES)); out += 2 * VBYTES; row += ldB; }
  }
}
