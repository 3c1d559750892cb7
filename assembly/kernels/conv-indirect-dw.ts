// Conv2d's weight gradient as an indirect product, without the patch matrix (./conv-cores.ts's im2row path builds
// one): for output channels [c0, c1) and taps r' in tap-major (i, j, c) order,
//   dWt[o, r'] = init + Σ_n Σ_q dy[n, o, q] · img_n[pix[q] + voff(r')]
// where img_n is image n zero-padded in (H + 2p, W + 2p, C) order (./conv-direct.ts's padImage), pix[q] the byte
// offset of output pixel q's window and voff the taps' offsets. A window row's kW·C taps are consecutive floats
// there, so when kW·C is a multiple of 4, every vector of LANES taps is one load at pix[q] + voff[v]. The tile is
// gemm.ts's 4×2 vectors: 4 output channels (dy broadcast) × 2 tap vectors, summed over the pixels of a group of
// images in (n, q) order, images inner, so the accumulators stay in registers across the group. Each output is the
// same sum as the im2row path's (the same products in the same (n, q) order, padding's zeros included): the same
// bits. Tails (channels past a multiple of 4, a last single tap vector) run the full tile on repeated rows or
// vectors and store only their own outputs.
import { LANES, VBYTES, vsplat, vload, vloadSplat, vstore, vadd, vmul } from '~lib/lanes';
import { padImage, zeroFloats } from './conv-direct';

/**
 * Whether conv-cores takes the indirect weight gradient: every aligned group of 4 taps lies within one window row,
 * and few input channels, where it was measured faster than im2row + gemm (bench/experiments/conv.mjs: 1 channel,
 * ≈ 0.6× the time; 32 channels, ≈ 1.3×). The two paths give the same bits, so this is a choice of speed only.
 */
// @ts-ignore: decorator
@inline export function indirectWeightGradient(inC: i32, kw: i32): bool { return inC < 4 && (kw * inC) % 4 == 0; }

/** Images per group: as many padded images as fit in 128 KB (at least 1). */
// @ts-ignore: decorator
@inline function groupOf(imgF: i32): i32 { return max(1, (1 << 15) / imgF); }

/** Scratch floats: vector offsets (K / LANES), pixel offsets (P), a group's padded images. */
export function indirect_dw_scratch_floats(inC: i32, h: i32, w: i32, kh: i32, kw: i32, s: i32, p: i32): i32 {
  const ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1, imgF = inC * (h + 2 * p) * (w + 2 * p);
  return inC * kh * kw + ho * wo + groupOf(imgF) * imgF;
}

/**
 * dWt rows (count × ld floats, tap-major columns) = init + Σ over images [n0, n0 + g) and pixels of dy · patch, for
 * the tile of 4 rows (channels o0..o0+3 of dy, `rowsValid` of them real) × 2 vectors (`vecsValid` real).
 * `init`: the old dWt (accumulate) or 0.
 */
// @ts-ignore: decorator
@inline function tile(
  dwt: usize, ldB: usize, rowsValid: i32, vecsValid: i32, accumulate: bool,
  dy: usize, dyRowB: usize, dyImageB: usize, img: usize, imgB: usize, pix: usize, P: i32, g: i32, off0: usize, off1: usize
): void {
  const z = vsplat(0);
  const r1: usize = rowsValid > 1 ? dyRowB : 0, r2: usize = rowsValid > 2 ? 2 * dyRowB : r1, r3: usize = rowsValid > 3 ? 3 * dyRowB : r2;
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  if (accumulate) {
    c00 = vload(dwt); if (vecsValid > 1) c01 = vload(dwt + VBYTES);
    if (rowsValid > 1) { c10 = vload(dwt + ldB); if (vecsValid > 1) c11 = vload(dwt + ldB + VBYTES); }
    if (rowsValid > 2) { c20 = vload(dwt + 2 * ldB); if (vecsValid > 1) c21 = vload(dwt + 2 * ldB + VBYTES); }
    if (rowsValid > 3) { c30 = vload(dwt + 3 * ldB); if (vecsValid > 1) c31 = vload(dwt + 3 * ldB + VBYTES); }
  }
  const pixEnd = pix + (<usize>P << 2);
  for (let n = 0; n < g; n++) {
    let d = dy + <usize>n * dyImageB, q = pix;
    const base = img + <usize>n * imgB;
    while (q < pixEnd) {
      const a = base + <usize>load<i32>(q);
      const b0 = vload(a + off0), b1 = vload(a + off1);
      let av = vloadSplat(d);
      c00 = vadd(c00, vmul(av, b0)); c01 = vadd(c01, vmul(av, b1));
      av = vloadSplat(d + r1);
      c10 = vadd(c10, vmul(av, b0)); c11 = vadd(c11, vmul(av, b1));
      av = vloadSplat(d + r2);
      c20 = vadd(c20, vmul(av, b0)); c21 = vadd(c21, vmul(av, b1));
      av = vloadSplat(d + r3);
      c30 = vadd(c30, vmul(av, b0)); c31 = vadd(c31, vmul(av, b1));
      d += 4; q += 4;
    }
  }
  vstore(dwt, c00); if (vecsValid > 1) vstore(dwt + VBYTES, c01);
  if (rowsValid > 1) { vstore(dwt + ldB, c10); if (vecsValid > 1) vstore(dwt + ldB + VBYTES, c11); }
  if (rowsValid > 2) { vstore(dwt + 2 * ldB, c20); if (vecsValid > 1) vstore(dwt + 2 * ldB + VBYTES, c21); }
  if (rowsValid > 3) { vstore(dwt + 3 * ldB, c30); if (vecsValid > 1) vstore(dwt + 3 * ldB + VBYTES, c31); }
}

/**
 * dWt (count × ld, tap-major columns r' = (i·kW + j)·C + c, for dy's channels [c0, c0 + count)) = init + Σ_n dy_n ·
 * rows(x_n), init = dWt itself (accumulate) or 0. x (batch, inC, h, wd), dy (batch, outC, Ho, Wo). Requires
 * indirectWeightGradient(inC, kw). `scratch`: indirect_dw_scratch_floats floats.
 */
export function indirect_weight_gradient(
  dwt: usize, ld: i32, dy: usize, x: usize, scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32, c0: i32, count: i32, accumulate: bool
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (wd + 2 * p - kw) / s + 1, P = ho * wo, K = inC * kh * kw;
  const hp = h + 2 * p, wp = wd + 2 * p, imgF = inC * hp * wp, G = groupOf(imgF), run = kw * inC, nv = K / LANES;
  const voff = scratch, pix = voff + (<usize>nv << 2), img = pix + (<usize>P << 2);
  for (let v = 0; v < nv; v++) { // vector v starts at tap-major column v·LANES: window row i, offset within its run
    const r = v * LANES, i = r / run;
    store<i32>(voff + (<usize>v << 2), (i * wp * inC + r % run) << 2);
  }
  for (let q = 0; q < P; q++) store<i32>(pix + (<usize>q << 2), ((q / wo) * s * wp + (q % wo) * s) * inC << 2);
  const ldB = <usize>ld << 2, dyRowB = <usize>P << 2, dyImageB = <usize>(outC * P) << 2, imgB = <usize>imgF << 2;
  zeroFloats(img, G * imgF); // the padding, once: padImage writes only the interiors
  for (let n0 = 0; n0 < batch; n0 += G) {
    const g = min(G, batch - n0);
    for (let i = 0; i < g; i++) padImage(img + <usize>i * imgB, x + (<usize>((n0 + i) * inC * h * wd) << 2), inC, h, wd, p);
    const acc = accumulate || n0 > 0, dyg = dy + <usize>n0 * dyImageB + <usize>c0 * dyRowB;
    for (let v = 0; v < nv; v += 2) {
      const vecs = min(2, nv - v), off0 = <usize>load<i32>(voff + (<usize>v << 2));
      const off1 = vecs > 1 ? <usize>load<i32>(voff + (<usize>(v + 1) << 2)) : off0, col = <usize>(v * LANES) << 2;
      for (let o = 0; o < count; o += 4) {
        const rows = min(4, count - o);
        tile(dwt + <usize>o * ldB + col, ldB, rows, vecs, acc, dyg + <usize>o * dyRowB, dyRowB, dyImageB, img, imgB, pix, P, g, off0, off1);
      }
    }
  }
}
