// Conv2d's input gradient (and so ConvTranspose2d's forward) as an indirect product, without the patch-row gradients
// and their scatter-add (./im2col.ts's row2im): the path for 8 or more input channels, which are the vector lanes.
// For an input pixel (ih, iw), the taps that reach it are i ≡ ih + p (mod s) and j ≡ iw + p (mod s): with
// a = (ih + p) mod s, i = a + s·u and oh = ⌊(ih + p)/s⌋ − u (u < Ua = ⌈(kH − a)/s⌉; b, j, v, ow alike), so
//   dx[c, ih, iw] = init + Σ_{u, v, o} dy[o, ⌊(ih+p)/s⌋ − u, ⌊(iw+p)/s⌋ − v] · w[o, c, a + s·u, b + s·v]
// summed in (u, v, o) order: per phase (a, b) a stride-1 product of dy, zero-padded so that every (u, v) lands in it,
// with that phase's weights (Ua·Vb·outC rows × inC columns). dy is padded in (H, W, C) order, so a tap (u, v) is
// outC consecutive floats, and the pixels of each phase form one list over a group of images. The product is
// ./conv-direct.ts's: 4 pixels of a phase packed, tile_packed against 8 channels of the phase's weights, the bias
// or old dx as init, the epilogue in registers, and the tile moved into dx's (channel, pixel) rows.
import { LANES, VBYTES } from '~lib/lanes';
import { INIT_ACCUMULATE, INIT_BIAS, INIT_ZERO } from './gemm';
import { tile_packed } from './gemm-packed';
import { padImageHWC, zeroFloats, packPixels, writeTile, channelRow, panels } from './conv-direct';

/** Whether conv-cores takes this path: input channels enough for the 8-channel panels (the same rule in both builds). */
// @ts-ignore: decorator
@inline export function directInputGradient(inC: i32): bool { return inC >= 8; }

// @ts-ignore: decorator
@inline function taps(k: i32, s: i32, a: i32): i32 { return a < k ? (k - a + s - 1) / s : 0; }

/** dy's padding: rows before and after (cols alike) so that oh = ⌊(ih + p)/s⌋ − u stays inside for every ih, u. */
// @ts-ignore: decorator
@inline function padBefore(k: i32, s: i32, p: i32): i32 { return max(0, (k + s - 1) / s - 1 - p / s); }
// @ts-ignore: decorator
@inline function padAfter(n: i32, no: i32, s: i32, p: i32): i32 { return max(0, (n - 1 + p) / s - no + 1); }

/** Images per group: as many padded dy images as fit in 128 KB (at least 1). */
// @ts-ignore: decorator
@inline function groupOf(floats: i32): i32 { return max(1, (1 << 15) / floats); }

// @ts-ignore: decorator
@inline function paddedFloats(outC: i32, h: i32, wd: i32, kh: i32, kw: i32, s: i32, p: i32): i32 {
  const ho = (h + 2 * p - kh) / s + 1, wo = (wd + 2 * p - kw) / s + 1;
  return (padBefore(kh, s, p) + ho + padAfter(h, ho, s, p)) * (padBefore(kw, s, p) + wo + padAfter(wd, wo, s, p)) * outC;
}

/** Scratch floats: tap offsets, phase weights, 2·s² phase bounds, pixel tables, padded dy, a packed block, a tile, the phase weights as panels. */
export function direct_dx_scratch_floats(inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32): i32 {
  const K = outC * kh * kw, pad = paddedFloats(outC, h, wd, kh, kw, s, p);
  const G = groupOf(pad), maxK = outC * ((kh + s - 1) / s) * ((kw + s - 1) / s);
  return K + 2 * K * inC + 2 * s * s + 2 * G * h * wd + G * pad + 4 * maxK + 8 * LANES;
}

/**
 * dx = epilogue(init + conv2dᵀ(dy, W)) for dx (batch, inC, h, wd), dy (batch, outC, Ho, Wo), W (outC, inC, kh, kw);
 * init = bias per channel (bias != 0), the old dx (accumulate), or 0. Requires directInputGradient(inC).
 * `scratch`: direct_dx_scratch_floats floats.
 */
export function conv2d_input_gradient_direct(
  dx: usize, dy: usize, w: usize, bias: usize, scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32, accumulate: bool, epilogue: i32
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (wd + 2 * p - kw) / s + 1, K = outC * kh * kw, HW = h * wd;
  const top = padBefore(kh, s, p), left = padBefore(kw, s, p), wpd = left + wo + padAfter(wd, wo, s, p);
  const pad = paddedFloats(outC, h, wd, kh, kw, s, p), G = groupOf(pad), maxK = outC * ((kh + s - 1) / s) * ((kw + s - 1) / s);
  const offs = scratch, wph = offs + (<usize>K << 2), bounds = wph + (<usize>(K * inC) << 2), pix = bounds + (<usize>(2 * s * s) << 2);
  const yoff = pix + (<usize>(G * HW) << 2), img = yoff + (<usize>(G * HW) << 2);
  const pa = img + (<usize>(G * pad) << 2), tmp = pa + (<usize>(4 * maxK) << 2), wpan = tmp + (<usize>(8 * LANES) << 2);
  // Per phase (a, b): tap offsets and weight rows in (u, v, o) order; bounds[ph] = (first tap, pixels per image).
  let t = 0, q = 0;
  for (let a = 0; a < s; a++) for (let b = 0; b < s; b++) {
    const ph = a * s + b, ua = taps(kh, s, a), vb = taps(kw, s, b);
    store<i32>(bounds + (<usize>(2 * ph) << 2), t);
    for (let u = 0; u < ua; u++) for (let v = 0; v < vb; v++) for (let o = 0; o < outC; o++, t++) {
      store<i32>(offs + (<usize>t << 2), (-(u * wpd + v) * outC + o) << 2);
      for (let c = 0; c < inC; c++) {
        store<f32>(wph + (<usize>(t * inC + c) << 2), load<f32>(w + (<usize>(((o * inC + c) * kh + a + s * u) * kw + b + s * v) << 2)));
      }
    }
    let cnt = 0; // this phase's pixels, image-major over the group: a group of g images uses the first g·cnt
    for (let n = 0; n < G; n++) for (let ih = 0; ih < h; ih++) for (let iw = 0; iw < wd; iw++) {
      if ((ih + p) % s != a || (iw + p) % s != b) continue;
      store<i32>(pix + (<usize>(q + cnt) << 2), (n * pad + (((ih + p) / s + top) * wpd + (iw + p) / s + left) * outC) << 2);
      store<i32>(yoff + (<usize>(q + cnt) << 2), (n * inC * HW + ih * wd + iw) << 2);
      cnt++;
    }
    store<i32>(bounds + (<usize>(2 * ph + 1) << 2), cnt / G);
    q += cnt;
  }
  const ldwB = <usize>inC << 2, ldyB = <usize>HW << 2, c8 = inC - inC % (2 * LANES);
  for (let ph = 0; ph < s * s; ph++) { // each phase's weights also as 8-channel panels (conv-direct.ts's panels())
    const t0 = load<i32>(bounds + (<usize>(2 * ph) << 2)), k = (ph + 1 < s * s ? load<i32>(bounds + (<usize>(2 * ph + 2) << 2)) : K) - t0;
    panels(wpan + (<usize>(t0 * inC) << 2), wph + (<usize>(t0 * inC) << 2), ldwB, k, c8);
  }
  const mode = accumulate ? INIT_ACCUMULATE : bias != 0 ? INIT_BIAS : INIT_ZERO, tileB = <usize>(8 * LANES);
  zeroFloats(img, G * pad); // the padding, once: padImageHWC writes only the interiors
  for (let n0 = 0; n0 < batch; n0 += G) {
    const g = min(G, batch - n0), dxg = dx + <usize>n0 * <usize>inC * ldyB;
    for (let i = 0; i < g; i++) {
      padImageHWC(img + (<usize>(i * pad) << 2), dy + (<usize>((n0 + i) * outC * ho * wo) << 2), outC, ho, wo, top, left, wpd);
    }
    let first = 0;
    for (let ph = 0; ph < s * s; ph++) {
      const t0 = load<i32>(bounds + (<usize>(2 * ph) << 2)), cnt = load<i32>(bounds + (<usize>(2 * ph + 1) << 2));
      const k = (ph + 1 < s * s ? load<i32>(bounds + (<usize>(2 * ph + 2) << 2)) : K) - t0, M = g * cnt;
      const po = offs + (<usize>t0 << 2), pw = wph + (<usize>(t0 * inC) << 2), pn = wpan + (<usize>(t0 * inC) << 2), pp = pix + (<usize>first << 2), py = yoff + (<usize>first << 2);
      for (let r = 0; r < M; r += 4) {
        const rows = min(4, M - r), yr = py + (<usize>r << 2);
        packPixels(pa, img, pp + (<usize>r << 2), po, k, rows, outC % 4 == 0);
        for (let c = 0; c < c8; c += 2 * LANES) {
          const col = <usize>c << 2, yc = dxg + <usize>c * ldyB;
          if (accumulate) readTile(tmp, yc, ldyB, yr, rows);
          tile_packed(tmp, tileB, pa, pn + <usize>(c / (2 * LANES)) * <usize>k * (2 * VBYTES), 2 * VBYTES, bias + col, k, mode, epilogue, rows);
          writeTile(yc, ldyB, yr, tmp, rows);
        }
      }
      for (let c = c8; c < inC; c++) {
        const init = bias == 0 ? <f32>0 : load<f32>(bias + (<usize>c << 2));
        channelRow(dxg + <usize>c * ldyB, py, img, pp, po, pw + (<usize>c << 2), ldwB, init, M, k, epilogue, accumulate);
      }
      first += G * cnt;
    }
  }
}

/** The inverse move of writeTile: `pixels` rows of 2·LANES channels from y's channel rows into tmp. */
function readTile(tmp: usize, y: usize, ldyB: usize, yoff: usize, pixels: i32): void {
  for (let r = 0; r < pixels; r++) {
    const yr = y + <usize>load<i32>(yoff + (<usize>r << 2));
    for (let o = 0; o < 2 * LANES; o++) store<f32>(tmp + (<usize>(r * 2 * LANES + o) << 2), load<f32>(yr + <usize>o * ldyB));
  }
}
