// The weight and bias gradients at few channels, bit for bit against float32 emulations of their defined orders:
// dW (assembly/kernels/conv-thin-dw.ts, taken when the weight gradient's image has < 4 channels and kW·C is a multiple
// of 4) as one running float32 sum per weight over (image, pixel), each product rounded, from 0 or the old dW: the
// order of the im2row path and of the kernel it replaced (conv-indirect-dw.ts), so the same bits as both; db of a
// tensor with < 4 channels as conv-sums.ts's channelSumsTree (16 partial sums by pixel mod 16, a fixed tree), of one
// with 4 or more as one running sum per channel. Both builds; overwriting and accumulating; the float64 definitions'
// distance printed and bounded.
import { describe, expect, it } from 'vitest';
import { type ConvDims, conv2dBackwardRef, convOut, convTranspose2dBackwardRef, convTransposeOut } from '../reference/conv.js';
import { maxScaledDiff } from '../reference/kernels.js';
import { randomArray } from '../helpers/wasm.js';
import { convKernels, type ConvBuild } from './conv-wasm.js';

const f = Math.fround;
const dims = (batch: number, inC: number, h: number, w: number, outC: number, kh: number, kw: number, stride: number, pad: number): ConvDims =>
  ({ batch, inC, h, w, outC, kh, kw, stride, pad });
type Kind = 'conv2d' | 'convT';

// [kind, dims]: the reference VAE's one-channel layers; patch rows of one image beyond a block (chunks of pixels) and
// many images a block; odd channel counts; K = 12 (a padded tap group), 32 and 48 (two, three groups); 2 and 3
// channels; a 1×1-pixel output.
const CASES: Array<[Kind, ConvDims]> = [
  ['conv2d', dims(3, 1, 28, 28, 32, 4, 4, 2, 1)], ['convT', dims(3, 32, 14, 14, 1, 4, 4, 2, 1)],
  ['conv2d', dims(2, 1, 40, 37, 5, 4, 4, 1, 1)], ['convT', dims(2, 7, 20, 19, 1, 4, 4, 2, 1)],
  ['conv2d', dims(30, 1, 6, 6, 3, 4, 4, 2, 1)], ['convT', dims(31, 3, 3, 3, 2, 4, 2, 2, 1)],
  ['conv2d', dims(2, 1, 9, 8, 4, 3, 4, 2, 0)], ['conv2d', dims(2, 2, 7, 9, 6, 4, 2, 1, 1)],
  ['conv2d', dims(2, 2, 10, 10, 7, 4, 4, 2, 2)], ['conv2d', dims(2, 3, 8, 8, 5, 4, 4, 3, 1)],
  ['convT', dims(4, 3, 5, 6, 1, 4, 4, 1, 0)], ['conv2d', dims(2, 1, 4, 4, 1, 4, 4, 2, 1)],
];

/** The weight gradient's operands as Conv2d's: image (C channels, H × W), output gradient g (O channels, P pixels). */
function asConv2d(kind: Kind, d: ConvDims) {
  if (kind === 'conv2d') return { C: d.inC, H: d.h, W: d.w, O: d.outC, ho: convOut(d.h, d.kh, d.stride, d.pad), wo: convOut(d.w, d.kw, d.stride, d.pad) };
  const H = convTransposeOut(d.h, d.kh, d.stride, d.pad), W = convTransposeOut(d.w, d.kw, d.stride, d.pad);
  return { C: d.outC, H, W, O: d.inC, ho: d.h, wo: d.w };
}

/**
 * dW in float32, one running sum per weight over (n, pixel), every tap's product (padding's zeros too) rounded, from
 * `init`: Conv2d's dW[o, c, i, j] = Σ g[n, o, q]·img[n, c, window]; ConvTranspose2d's (inC, outC, kH, kW) with x as g.
 */
function dwFloat32(kind: Kind, d: ConvDims, x: Float32Array, dy: Float32Array, init: Float32Array): Float32Array {
  const { C, H, W, O, ho, wo } = asConv2d(kind, d), [img, g] = kind === 'conv2d' ? [x, dy] : [dy, x];
  const out = Float32Array.from(init), P = ho * wo;
  for (let o = 0; o < O; o++) for (let c = 0; c < C; c++) for (let i = 0; i < d.kh; i++) for (let j = 0; j < d.kw; j++) {
    const at = ((o * C + c) * d.kh + i) * d.kw + j; // Conv2d's (outC, inC, …), ConvTranspose2d's (inC, outC, …)
    let acc = out[at];
    for (let n = 0; n < d.batch; n++) for (let q = 0; q < P; q++) {
      const ih = Math.floor(q / wo) * d.stride - d.pad + i, iw = (q % wo) * d.stride - d.pad + j;
      const v = ih >= 0 && ih < H && iw >= 0 && iw < W ? img[((n * C + c) * H + ih) * W + iw] : 0;
      acc = f(acc + f(g[(n * O + o) * P + q] * v));
    }
    out[at] = acc;
  }
  return out;
}

/** db in float32: a running sum per channel from init (4 or more channels), else channelSumsTree's partials and tree. */
function dbFloat32(t: Float32Array, batch: number, channels: number, pixels: number, init: Float32Array): Float32Array {
  return init.map((start, c) => {
    const value = (n: number, q: number) => t[(n * channels + c) * pixels + q];
    if (channels >= 4) {
      let acc = start;
      for (let n = 0; n < batch; n++) for (let q = 0; q < pixels; q++) acc = f(acc + value(n, q));
      return acc;
    }
    const p = new Float32Array(16);
    for (let n = 0; n < batch; n++) for (let q = 0; q < pixels; q++) p[q % 16] = f(p[q % 16] + value(n, q));
    const u = [0, 1, 2, 3].map((l) => f(f(p[l] + p[8 + l]) + f(p[4 + l] + p[12 + l])));
    return f(start + f(f(u[0] + u[2]) + f(u[1] + u[3])));
  });
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
const differing = (a: Float32Array, b: Float32Array) => bits(a).reduce((n, v, i) => n + (v !== bits(b)[i] ? 1 : 0), 0);
const label = (kind: Kind, d: ConvDims) => `${kind} b${d.batch} ${d.inC}→${d.outC} ${d.h}×${d.w} k${d.kh}×${d.kw} s${d.stride} p${d.pad}`;

describe.each(['conv', 'conv-scalar'] as ConvBuild[])('weight and bias gradients at few channels (%s build)', (build) => {
  it('give the bits of their defined float32 orders, overwriting, accumulating and split by rows', async () => {
    const k = await convKernels(build);
    let total = 0, diffW = 0, diffB = 0, worst = 0;
    for (const [index, [kind, d]] of CASES.entries()) {
      const a = asConv2d(kind, d), nx = d.batch * d.inC * d.h * d.w;
      const ny = kind === 'conv2d' ? d.batch * d.outC * a.ho * a.wo : d.batch * d.outC * a.H * a.W;
      const nw = d.outC * d.inC * d.kh * d.kw, outPixels = kind === 'conv2d' ? a.ho * a.wo : a.H * a.W;
      expect(a.C < 4 && (a.C * d.kw) % 4 === 0).toBe(true); // the path under test
      const x = randomArray(nx, 40 + index), dy = randomArray(ny, 50 + index), args = [d.batch, d.inC, d.h, d.w, d.outC, d.kh, d.kw, d.stride, d.pad];
      const scratch = k.zeros(k.w[kind === 'conv2d' ? 'conv2d_scratch_floats' : 'conv_transpose2d_scratch_floats'](...args.slice(1)));
      const px = k.put(x), pdy = k.put(dy), prefix = kind === 'conv2d' ? 'conv2d' : 'conv_transpose2d';
      const rows = kind === 'conv2d' ? d.outC : d.inC, cut = Math.min(rows, 3);
      for (const accumulate of [0, 1]) {
        const oldW = accumulate ? randomArray(nw, 60 + index) : new Float32Array(nw), oldB = accumulate ? randomArray(d.outC, 70 + index) : new Float32Array(d.outC);
        const wantW = dwFloat32(kind, d, x, dy, oldW), wantB = dbFloat32(dy, d.batch, d.outC, outPixels, oldB);
        const dw = k.put(oldW), db = k.put(oldB);
        k.w[`${prefix}_backward_weight`](dw, db, pdy, px, scratch, ...args, accumulate);
        const gotW = k.get(dw, nw), gotB = k.get(db, d.outC);
        // by rows of dW's first dimension: [cut, rows) then [0, cut)
        const dw2 = k.put(oldW), db2 = k.put(oldB);
        for (const [c0, c1] of [[cut, rows], [0, cut]]) k.w[`${prefix}_backward_weight_rows`](dw2, db2, pdy, px, scratch, ...args, c0, c1, accumulate);
        total += 2 * (nw + d.outC);
        diffW += differing(gotW, wantW) + differing(k.get(dw2, nw), wantW);
        diffB += differing(gotB, wantB) + differing(k.get(db2, d.outC), wantB);
        if (!accumulate) {
          const ref = kind === 'conv2d' ? conv2dBackwardRef(dy, x, new Float64Array(nw), d) : convTranspose2dBackwardRef(dy, x, new Float64Array(nw), d);
          const dW = maxScaledDiff(gotW, ref.dw), dB = maxScaledDiff(gotB, ref.db), len = d.batch * a.ho * a.wo;
          console.log(`${label(kind, d)} (${build}): from the float64 definitions dW ${dW.toExponential(1)}, db ${dB.toExponential(1)}`);
          expect(dW).toBeLessThan(Math.max(len, 8) * 2 ** -23);
          expect(dB).toBeLessThan(Math.max(d.batch * outPixels, 8) * 2 ** -23);
          worst = Math.max(worst, dW, dB);
        }
      }
    }
    console.log(`weight and bias gradients at few channels (${build}): ${total} values; differing in their bits from the float32 ` +
      `orders: ${diffW} of dW, ${diffB} of db; worst scaled difference from float64 ${worst.toExponential(2)}`);
    expect(total).toBeGreaterThan(0);
    expect(diffW).toBe(0);
    expect(diffB).toBe(0);
  });
});
