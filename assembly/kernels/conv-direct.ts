// Conv2d's forward as a direct loop, without the patch matrix: the faster path for few input channels (measured
// beside im2row + gemm by bench/experiments/conv.mjs; conv.ts picks it for inC < 4, the first layer of an image
// model and the input gradient of a decoder's output layer). The image is split once into s × s stride phases, zero-padded, so that for every
// tap (c, i, j) the inputs of a run of consecutive output pixels are consecutive floats:
//   phase[c][i mod s][j mod s][r][t] = x[c, r·s + (i mod s) − p, t·s + (j mod s) − p]   (0 in the padding)
//   y[o, oh, ow] = b[o] + Σ_{c,i,j} w[o, c, i, j] · phase[c][i mod s][j mod s][oh + ⌊i/s⌋][ow + ⌊j/s⌋]
// A phase row has Wph = Wo + ⌊(kW−1)/s⌋ floats, so output pixel oh·Wph + ow of a Wph-wide plane reads the tap's
// float at the same distance from the tap's offset: the product is gemm's 4×2-vector tile with A = W (broadcast,
// row-major) and B's row k at base + offset[k]. The ⌊(kW−1)/s⌋ extra columns of each output row are computed and
// dropped. Each output sums b, then its K products in PyTorch's (c, i, j) order, in both builds.
import { LANES, VBYTES, vsplat, vload, vloadSplat, vstore, vadd, vmul } from '~lib/lanes';
import { activateTile, EPILOGUE_NONE } from './gemm';

/** Floats of direct_forward's scratch: tap offsets (K), the phases (+ a vector of slack), a wide output plane. */
export function direct_scratch_floats(inC: i32, h: i32, w: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32): i32 {
  const ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1;
  const hph = ho + (kh - 1) / s, wph = wo + (kw - 1) / s;
  return inC * kh * kw + inC * s * s * hph * wph + wph + 2 * LANES + outC * ho * wph;
}

/** The stride phases of one image (see the file comment); overwrites all of them. */
function splitPhases(dst: usize, x: usize, c: i32, h: i32, w: i32, s: i32, p: i32, hph: i32, wph: i32): void {
  let out = dst;
  for (let ci = 0; ci < c; ci++) {
    const plane = x + (<usize>(ci * h * w) << 2);
    for (let a = 0; a < s; a++) for (let b = 0; b < s; b++) {
      for (let r = 0; r < hph; r++) {
        const ih = r * s + a - p;
        for (let t = 0; t < wph; t++) {
          const iw = t * s + b - p;
          store<f32>(out, ih >= 0 && ih < h && iw >= 0 && iw < w ? load<f32>(plane + (<usize>(ih * w + iw) << 2)) : 0);
          out += 4;
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function rowInit(bias: usize, row: i32): f32 { return bias == 0 ? <f32>0 : load<f32>(bias + (<usize>row << 2)); }

/** 4 output channels × 2 vectors of pixels over K taps. */
// @ts-ignore: decorator
@inline function tile4x2v(c: usize, ldcB: usize, a: usize, rowB: usize, base: usize, offs: usize, k: i32, b0v: f32, b1v: f32, b2v: f32, b3v: f32): void {
  let c00 = vsplat(b0v), c01 = c00, c10 = vsplat(b1v), c11 = c10, c20 = vsplat(b2v), c21 = c20, c30 = vsplat(b3v), c31 = c30;
  const row2 = rowB << 1, row3 = rowB * 3;
  for (let t = 0; t < k; t++) {
    const b = base + <usize>load<i32>(offs + (<usize>t << 2));
    const x0 = vload(b), x1 = vload(b + VBYTES);
    let av = vloadSplat(a);
    c00 = vadd(c00, vmul(av, x0)); c01 = vadd(c01, vmul(av, x1));
    av = vloadSplat(a + rowB);
    c10 = vadd(c10, vmul(av, x0)); c11 = vadd(c11, vmul(av, x1));
    av = vloadSplat(a + row2);
    c20 = vadd(c20, vmul(av, x0)); c21 = vadd(c21, vmul(av, x1));
    av = vloadSplat(a + row3);
    c30 = vadd(c30, vmul(av, x0)); c31 = vadd(c31, vmul(av, x1));
    a += 4;
  }
  vstore(c, c00); vstore(c + VBYTES, c01);
  vstore(c + ldcB, c10); vstore(c + ldcB + VBYTES, c11);
  vstore(c + 2 * ldcB, c20); vstore(c + 2 * ldcB + VBYTES, c21);
  vstore(c + 3 * ldcB, c30); vstore(c + 3 * ldcB + VBYTES, c31);
}

/** One output channel × `cols` pixels (< 2·LANES, or any count for a lone channel row): vectors, then scalars. */
function tileRow(c: usize, a: usize, base: usize, offs: usize, k: i32, cols: i32, init: f32): void {
  let j = 0;
  for (; j + LANES <= cols; j += LANES) {
    let acc = vsplat(init), aa = a;
    const col = <usize>j << 2;
    for (let t = 0; t < k; t++) {
      acc = vadd(acc, vmul(vloadSplat(aa), vload(base + <usize>load<i32>(offs + (<usize>t << 2)) + col)));
      aa += 4;
    }
    vstore(c + col, acc);
  }
  for (; j < cols; j++) {
    let acc = init, aa = a;
    const col = <usize>j << 2;
    for (let t = 0; t < k; t++) {
      acc += load<f32>(aa) * load<f32>(base + <usize>load<i32>(offs + (<usize>t << 2)) + col);
      aa += 4;
    }
    store<f32>(c + col, acc);
  }
}

/**
 * Conv2d forward by direct loops: y = epilogue(conv(x, W) + b) (b may be 0), overwriting y; the same arguments as
 * conv2d_forward, and `scratch` of direct_scratch_floats floats. No alignment needed. `scratch`: direct_scratch_floats floats, 4-byte aligned.
 */
export function conv2d_forward_direct(
  y: usize, x: usize, w: usize, b: usize, scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32, epilogue: i32
): void {
  const ho = (h + 2 * p - kh) / s + 1, wo = (wd + 2 * p - kw) / s + 1, K = inC * kh * kw;
  const hph = ho + (kh - 1) / s, wph = wo + (kw - 1) / s, plane = hph * wph, N = ho * wph;
  const offs = scratch, phases = offs + (<usize>K << 2), wide = phases + (<usize>(inC * s * s * plane + wph + 2 * LANES) << 2);
  for (let ci = 0, t = 0; ci < inC; ci++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++, t++) {
    const off = ((ci * s + i % s) * s + j % s) * plane + (i / s) * wph + j / s;
    store<i32>(offs + (<usize>t << 2), off << 2);
  }
  const rowB = <usize>K << 2, ldcB = <usize>N << 2, n2v = N - N % (2 * LANES), m4 = outC - outC % 4;
  for (let n = 0; n < batch; n++) {
    splitPhases(phases, x + (<usize>(n * inC * h * wd) << 2), inC, h, wd, s, p, hph, wph);
    for (let q = 0; q < n2v; q += 2 * LANES) {
      const col = <usize>q << 2;
      for (let o = 0; o < m4; o += 4) {
        const c = wide + <usize>o * ldcB + col;
        tile4x2v(c, ldcB, w + <usize>o * rowB, rowB, phases + col, offs, K, rowInit(b, o), rowInit(b, o + 1), rowInit(b, o + 2), rowInit(b, o + 3));
      }
    }
    for (let o = 0; o < outC; o++) {
      const from = o < m4 ? n2v : 0; // channels past the last block of 4 take every column here
      tileRow(wide + <usize>o * ldcB + (<usize>from << 2), w + <usize>o * rowB, phases + (<usize>from << 2), offs, K, N - from, rowInit(b, o));
    }
    if (epilogue != EPILOGUE_NONE) activateTile(wide, 0, 1, outC * N, epilogue);
    // drop each output row's extra columns
    // (a loop, not memory.copy: V8 calls out for each memory.copy, and these rows are a few dozen bytes)
    let dst = y + (<usize>(n * outC * ho * wo) << 2), src = wide;
    const whole = wo - wo % LANES;
    for (let r = 0; r < outC * ho; r++) {
      let j = 0;
      for (; j < whole; j += LANES) vstore(dst + (<usize>j << 2), vload(src + (<usize>j << 2)));
      for (; j < wo; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
      dst += <usize>wo << 2; src += <usize>wph << 2;
    }
  }
}
