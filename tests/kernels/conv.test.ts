// The convolution kernels (assembly/kernels/conv.ts) against the float64 definitions in tests/reference/conv.ts, the
// backward kernels against central differences of the forward definition, the scalar build against the SIMD build
// bit for bit, and splits of the work (by images, by output-channel rows) against the whole call bit for bit.
import { describe, expect, it } from 'vitest';
import { type ConvDims, conv2dBackwardRef, conv2dRef, convOut, convTranspose2dBackwardRef, convTranspose2dRef, convTransposeOut } from '../reference/conv.js';
import { finiteDifferences, maxScaledDiff } from '../reference/kernels.js';
import { randomArray } from '../helpers/wasm.js';
import { convKernels, type ConvBuild, type ConvKernels } from './conv-wasm.js';

const EPILOGUES = [(v: number) => v, (v: number) => Math.max(0, v), (v: number) => (v > 0 ? v : 0.01 * v)];

const dims = (batch: number, inC: number, h: number, w: number, outC: number, kh: number, kw: number, stride: number, pad: number): ConvDims =>
  ({ batch, inC, h, w, outC, kh, kw, stride, pad });

// Odd sizes, strides 1–3, padding 0/1/2, kernels 3/4/5 and rectangular, channel counts off multiples of 4 and 8, and
// a batch larger than the kernels' image group; inC < 4 with kW·inC a multiple of 4 takes the indirect weight gradient.
const CASES: ConvDims[] = [
  dims(2, 3, 7, 9, 5, 3, 3, 1, 1),
  dims(3, 1, 28, 28, 6, 4, 4, 2, 1),
  dims(2, 5, 11, 8, 7, 5, 5, 2, 2),
  dims(1, 2, 6, 5, 3, 4, 3, 1, 0),
  dims(2, 6, 9, 9, 9, 3, 5, 2, 0),
  dims(2, 4, 5, 5, 4, 5, 5, 1, 2),
  dims(1, 3, 8, 8, 10, 4, 4, 3, 1),
  dims(2, 9, 7, 7, 13, 4, 4, 2, 1),
  dims(6, 32, 14, 14, 64, 4, 4, 2, 1), // several image groups per call
  dims(2, 5, 6, 7, 1, 4, 4, 2, 1), // one output channel
  dims(2, 8, 6, 5, 9, 3, 3, 1, 1), // 8 or more channels on both sides: the direct input gradient, stride 1
  dims(3, 8, 7, 8, 10, 2, 2, 3, 0), // stride above the kernel: some input pixels get no tap
  dims(2, 1, 7, 6, 3, 3, 2, 3, 1), // one input channel, stride above the kernel
  dims(2, 4, 5, 5, 1, 3, 3, 1, 1), // one output channel, stride 1
  // one input channel, stride 2, kernel width 4 (conv2d's input gradient, convT's forward at one output channel:
  // conv-thin-dx.ts): pixel counts off multiples of 4 and 8, rows narrower than 4 pixels, kernel heights 2–5, padding 0–2
  dims(2, 1, 9, 11, 3, 3, 4, 2, 0),
  dims(2, 1, 6, 5, 4, 2, 4, 2, 2),
  dims(1, 1, 4, 4, 2, 4, 4, 2, 1),
  dims(2, 1, 13, 16, 5, 5, 4, 2, 1),
  dims(2, 7, 5, 3, 1, 4, 4, 2, 1),
  // one input channel, stride 1, pixel count off a multiple of 4 (conv-thin-forward.ts's copies and last lanes)
  dims(2, 1, 9, 7, 5, 3, 3, 1, 1),
  // rows of 11 and 17 dy pixels (wo mod 4 = 3 and 1; up to 5 vectors a row), and convT to one channel from rows of 9
  // pixels (with its bias and epilogues)
  dims(2, 1, 21, 22, 3, 4, 4, 2, 1),
  dims(1, 1, 7, 34, 3, 5, 4, 2, 1),
  dims(2, 6, 10, 9, 1, 4, 4, 2, 1),
];

type Kind = 'conv2d' | 'convT';
const sizes = (kind: Kind, d: ConvDims) => {
  const out = kind === 'conv2d' ? convOut : convTransposeOut;
  const ho = out(d.h, d.kh, d.stride, d.pad), wo = out(d.w, d.kw, d.stride, d.pad);
  return { ho, wo, x: d.batch * d.inC * d.h * d.w, y: d.batch * d.outC * ho * wo, w: d.outC * d.inC * d.kh * d.kw };
};
const dimArgs = (d: ConvDims) => [d.batch, d.inC, d.h, d.w, d.outC, d.kh, d.kw, d.stride, d.pad] as const;
const scratchFloats = (k: ConvKernels, kind: Kind, d: ConvDims): number =>
  k.w[kind === 'conv2d' ? 'conv2d_scratch_floats' : 'conv_transpose2d_scratch_floats'](...dimArgs(d).slice(1));

interface Inputs { x: Float32Array; wt: Float32Array; b: Float32Array; dy: Float32Array }
const inputs = (kind: Kind, d: ConvDims, seed: number): Inputs => {
  const n = sizes(kind, d);
  return { x: randomArray(n.x, seed), wt: randomArray(n.w, seed + 1), b: randomArray(d.outC, seed + 2), dy: randomArray(n.y, seed + 3) };
};

/** Runs forward (with bias, `epilogue`) and the three gradients of one kernel pair; every output as floats. */
function run(k: ConvKernels, kind: Kind, d: ConvDims, v: Inputs, epilogue = 0, withBias = true) {
  const n = sizes(kind, d);
  const scratch = scratchFloats(k, kind, d);
  const col = k.zeros(scratch), x = k.put(v.x), wt = k.put(v.wt), b = withBias ? k.put(v.b) : 0, dy = k.put(v.dy);
  const y = k.put(new Float32Array(n.y + 8).fill(7)), dx = k.zeros(n.x), dw = k.zeros(n.w), db = k.zeros(d.outC);
  if (kind === 'conv2d') {
    k.w.conv2d_forward(y, x, wt, b, col, ...dimArgs(d), epilogue);
    k.w.conv2d_backward_input(dx, dy, wt, col, ...dimArgs(d), 0);
    k.w.conv2d_backward_weight(dw, db, dy, x, col, ...dimArgs(d), 0);
  } else {
    k.w.conv_transpose2d_forward(y, x, wt, b, col, ...dimArgs(d), epilogue);
    k.w.conv_transpose2d_backward_input(dx, dy, wt, col, ...dimArgs(d), 0);
    k.w.conv_transpose2d_backward_weight(dw, db, dy, x, col, ...dimArgs(d), 0);
  }
  const yPadded = k.get(y, n.y + 8);
  return { y: yPadded.subarray(0, n.y), past: yPadded.subarray(n.y), dx: k.get(dx, n.x), dw: k.get(dw, n.w), db: k.get(db, d.outC) };
}

const reference = (kind: Kind, d: ConvDims, v: Inputs, bias: Float32Array | null = v.b) => kind === 'conv2d'
  ? { y: conv2dRef(v.x, v.wt, bias, d), ...conv2dBackwardRef(v.dy, v.x, v.wt, d) }
  : { y: convTranspose2dRef(v.x, v.wt, bias, d), ...convTranspose2dBackwardRef(v.dy, v.x, v.wt, d) };

const label = (kind: Kind, d: ConvDims) =>
  `${kind} b${d.batch} ${d.inC}→${d.outC} ${d.h}×${d.w} k${d.kh}×${d.kw} s${d.stride} p${d.pad}`;

describe.each(['conv2d', 'convT'] as const)('%s kernels', (kind) => {
  it('forward (bias, every epilogue, no bias) and the three gradients match the float64 definitions', async () => {
    const k = await convKernels('conv');
    let worst = 0;
    for (const [index, d] of CASES.entries()) {
      const v = inputs(kind, d, 10 * index), ref = reference(kind, d, v);
      // float32 sums: the error bound grows with the reduction length
      const len = { y: d.inC * d.kh * d.kw, dx: d.outC * d.kh * d.kw, dw: d.batch * sizes(kind, d).ho * sizes(kind, d).wo };
      const diffs: Record<string, number> = {};
      for (const [e, f] of EPILOGUES.entries()) {
        const out = run(k, kind, d, v, e);
        diffs[`y${e}`] = maxScaledDiff(out.y, ref.y.map(f));
        expect([...out.past]).toEqual(new Array(8).fill(7)); // nothing written past y
        if (e === 0) {
          diffs.dx = maxScaledDiff(out.dx, ref.dx); diffs.dw = maxScaledDiff(out.dw, ref.dw); diffs.db = maxScaledDiff(out.db, ref.db);
          expect(diffs.dx).toBeLessThan(Math.max(len.dx, 8) * 2 ** -23);
          expect(diffs.dw).toBeLessThan(Math.max(len.dw, 8) * 2 ** -23);
          expect(diffs.db).toBeLessThan(Math.max(len.dw, 8) * 2 ** -23);
        }
        expect(diffs[`y${e}`]).toBeLessThan(Math.max(len.y, 8) * 2 ** -23);
      }
      diffs.yNoBias = maxScaledDiff(run(k, kind, d, v, 0, false).y, reference(kind, d, v, null).y);
      expect(diffs.yNoBias).toBeLessThan(Math.max(len.y, 8) * 2 ** -23);
      worst = Math.max(worst, ...Object.values(diffs));
      console.log(`${label(kind, d)}: max scaled difference ${Object.entries(diffs).map(([n, x]) => `${n} ${x.toExponential(1)}`).join(', ')}`);
    }
    console.log(`${kind}: worst max scaled difference from the float64 reference ${worst.toExponential(2)}`);
  });

  it('gradients equal central differences of the forward definition', async () => {
    const k = await convKernels('conv');
    for (const d of [dims(2, 3, 5, 6, 4, 3, 3, 2, 1), dims(1, 2, 4, 5, 3, 4, 4, 2, 2), dims(1, 5, 3, 4, 2, 3, 2, 1, 0)]) {
      const v = inputs(kind, d, 99), g = Float64Array.from(v.dy);
      const x = Float64Array.from(v.x), wt = Float64Array.from(v.wt), b = Float64Array.from(v.b);
      const forward = kind === 'conv2d' ? conv2dRef : convTranspose2dRef;
      const loss = () => forward(x, wt, b, d).reduce((s, y, i) => s + y * g[i], 0); // L = Σ dy ⊙ y, so ∂L/∂y = dy
      const fd = { dx: finiteDifferences(loss, x, 1e-3), dw: finiteDifferences(loss, wt, 1e-3), db: finiteDifferences(loss, b, 1e-3) };
      const out = run(k, kind, d, v);
      const diffs = { dx: maxScaledDiff(out.dx, fd.dx), dw: maxScaledDiff(out.dw, fd.dw), db: maxScaledDiff(out.db, fd.db) };
      console.log(`${label(kind, d)} against finite differences: ${Object.entries(diffs).map(([n, x]) => `${n} ${x.toExponential(1)}`).join(', ')}`);
      for (const diff of Object.values(diffs)) expect(diff).toBeLessThan(1e-5);
    }
  });

  it.each([2, 7])('accumulates into dx, dW and db when asked (case %i)', async (which) => {
    const k = await convKernels('conv');
    const d = CASES[which], v = inputs(kind, d, 7), n = sizes(kind, d), ref = reference(kind, d, v);
    const old = { dx: randomArray(n.x, 1), dw: randomArray(n.w, 2), db: randomArray(d.outC, 3) };
    const dx = k.put(old.dx), dw = k.put(old.dw), db = k.put(old.db), dy = k.put(v.dy), x = k.put(v.x), wt = k.put(v.wt);
    const scratch = k.zeros(scratchFloats(k, kind, d));
    const prefix = kind === 'conv2d' ? 'conv2d' : 'conv_transpose2d';
    k.w[`${prefix}_backward_input`](dx, dy, wt, scratch, ...dimArgs(d), 1);
    k.w[`${prefix}_backward_weight`](dw, db, dy, x, scratch, ...dimArgs(d), 1);
    const plus = (a: Float32Array, b: Float64Array) => b.map((value, i) => value + a[i]);
    expect(maxScaledDiff(k.get(dx, n.x), plus(old.dx, ref.dx))).toBeLessThan(1e-5);
    expect(maxScaledDiff(k.get(dw, n.w), plus(old.dw, ref.dw))).toBeLessThan(1e-5);
    expect(maxScaledDiff(k.get(db, d.outC), plus(old.db, ref.db))).toBeLessThan(1e-5);
  });
});

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
const differing = (a: Float32Array, b: Float32Array) => bits(a).reduce((n, v, i) => n + (v !== bits(b)[i] ? 1 : 0), 0);

describe('conv kernels: one answer, however the work is built or split', () => {
  // The reference VAE's four layers at batch 3, and the tail-heavy cases above.
  const shapes: Array<[Kind, ConvDims]> = [
    ['conv2d', dims(3, 1, 28, 28, 32, 4, 4, 2, 1)], ['conv2d', dims(3, 32, 14, 14, 64, 4, 4, 2, 1)],
    ['convT', dims(3, 64, 7, 7, 32, 4, 4, 2, 1)], ['convT', dims(3, 32, 14, 14, 1, 4, 4, 2, 1)],
    ...CASES.flatMap((d) => [['conv2d', d], ['convT', d]] as Array<[Kind, ConvDims]>),
  ];

  it('the scalar build gives the same bits as the SIMD build, every kernel and epilogue', async () => {
    const builds = await Promise.all((['conv', 'conv-scalar'] as ConvBuild[]).map(convKernels));
    let total = 0, diff = 0;
    for (const [index, [kind, d]] of shapes.entries()) {
      const v = inputs(kind, d, 3 * index);
      for (const e of [0, 1, 2]) {
        const [a, b] = builds.map((k) => run(k, kind, d, v, e));
        for (const key of ['y', 'dx', 'dw', 'db'] as const) { total += a[key].length; diff += differing(a[key], b[key]); }
      }
    }
    console.log(`conv kernels, scalar against SIMD build: ${total} values, ${diff} differ in their bits`);
    expect(total).toBeGreaterThan(0);
    expect(diff).toBe(0);
  });

  it('the forward through im2row + gemm (the path that accumulates into y) gives the direct kernel\'s bits', async () => {
    let total = 0, diff = 0;
    for (const build of ['conv', 'conv-scalar'] as ConvBuild[]) {
      const k = await convKernels(build);
      for (const [index, [kind, d]] of shapes.entries()) {
        if (kind !== 'conv2d') continue;
        const v = inputs(kind, d, 7 * index), n = sizes(kind, d), col = k.zeros(scratchFloats(k, kind, d));
        const x = k.put(v.x), wt = k.put(v.wt), b = k.put(v.b), y = k.zeros(n.y), y2 = k.zeros(n.y);
        for (const e of [0, 1, 2]) {
          k.w.conv2d_forward(y, x, wt, b, col, ...dimArgs(d), e);
          k.w.conv2d_forward_im2row(y2, x, wt, b, col, ...dimArgs(d), e);
          total += n.y; diff += differing(k.get(y, n.y), k.get(y2, n.y));
        }
      }
    }
    console.log(`conv2d forward, im2row + gemm against the direct kernel: ${total} values, ${diff} differ in their bits`);
    expect(total).toBeGreaterThan(0);
    expect(diff).toBe(0);
  });

  it('the one-channel forward (conv-thin-forward.ts) gives the direct kernel\'s bits, every epilogue, with and without bias', async () => {
    // Only the SIMD build takes the pixel-vectorised kernel at one input channel; the scalar build's conv2d_forward is
    // the direct kernel itself (and the builds are compared above).
    let total = 0, diff = 0, thin = 0;
    const k = await convKernels('conv');
    for (const [index, [kind, d]] of shapes.entries()) {
      if (kind !== 'conv2d' || d.inC !== 1) continue;
      thin++;
      const v = inputs(kind, d, 13 * index), n = sizes(kind, d), col = k.zeros(scratchFloats(k, kind, d));
      const direct = k.zeros(k.w.direct_scratch_floats(...dimArgs(d).slice(1)));
      const x = k.put(v.x), wt = k.put(v.wt);
      for (const bias of [k.put(v.b), 0]) for (const e of [0, 1, 2]) {
        const [a, b] = [0, 1].map((path) => {
          const y = k.put(new Float32Array(n.y + 8).fill(7));
          if (path === 0) k.w.conv2d_forward(y, x, wt, bias, col, ...dimArgs(d), e);
          else k.w.conv2d_forward_direct(y, x, wt, bias, direct, ...dimArgs(d), e);
          const out = k.get(y, n.y + 8);
          expect([...out.subarray(n.y)]).toEqual(new Array(8).fill(7)); // nothing written past y
          return out.subarray(0, n.y);
        });
        total += n.y; diff += differing(a, b);
      }
    }
    console.log(`conv2d forward at one input channel, against the direct kernel: ${total} values (${thin} shapes on the ` +
      `pixel-vectorised kernel), ${diff} differ in their bits`);
    expect(thin).toBeGreaterThanOrEqual(10);
    expect(diff).toBe(0);
  });

  it('the one-channel input gradient (conv-thin-dx.ts) gives the im2row path\'s bits, overwriting or accumulating', async () => {
    // conv2d's input gradient at one input channel is convT's forward at one output channel; ConvTranspose2d's
    // bias and epilogues are compared across the builds above, where the scalar build keeps the im2row path.
    let total = 0, diff = 0, thin = 0;
    for (const build of ['conv', 'conv-scalar'] as ConvBuild[]) {
      const k = await convKernels(build);
      for (const [index, [kind, d]] of shapes.entries()) {
        if (kind !== 'conv2d' || d.inC !== 1) continue;
        if (d.stride === 2 && d.kw === 4) thin++;
        const v = inputs(kind, d, 11 * index), n = sizes(kind, d), col = k.zeros(scratchFloats(k, kind, d));
        const dy = k.put(v.dy), wt = k.put(v.wt), old = randomArray(n.x, index);
        for (const accumulate of [0, 1]) {
          const [a, b] = ['conv2d_backward_input', 'conv2d_backward_input_im2row'].map((fn) => {
            const dx = k.put(Float32Array.from([...old, 7, 7, 7, 7, 7, 7, 7, 7]));
            k.w[fn](dx, dy, wt, col, ...dimArgs(d), accumulate);
            const out = k.get(dx, n.x + 8);
            expect([...out.subarray(n.x)]).toEqual(new Array(8).fill(7)); // nothing written past dx
            return out.subarray(0, n.x);
          });
          total += n.x; diff += differing(a, b);
        }
      }
    }
    console.log(`conv2d input gradient at one input channel, against the im2row path: ${total} values (${thin / 2} shapes × 2 builds ` +
      `on the pixel-vectorised kernel), ${diff} differ in their bits`);
    expect(thin).toBeGreaterThanOrEqual(12);
    expect(diff).toBe(0);
  });

  it('splitting the batch by images, or the weight gradient by its rows, changes no bit', async () => {
    const k = await convKernels('conv');
    let total = 0, diff = 0;
    for (const [index, [kind, d]] of shapes.entries()) {
      if (d.batch < 2) continue;
      const v = inputs(kind, d, 5 * index), whole = run(k, kind, d, v, 1), n = sizes(kind, d);
      const first = Math.floor(d.batch / 2), perX = n.x / d.batch, perY = n.y / d.batch;
      const halves = [[0, first], [first, d.batch]].map(([from, to]) => {
        const part = { ...d, batch: to - from };
        return run(k, kind, part, { ...v, x: v.x.slice(from * perX, to * perX), dy: v.dy.slice(from * perY, to * perY) }, 1);
      });
      const joined = (key: 'y' | 'dx') => Float32Array.from([...halves[0][key], ...halves[1][key]]);
      for (const key of ['y', 'dx'] as const) { total += whole[key].length; diff += differing(whole[key], joined(key)); }
      // The weight gradient by rows of its first dimension: output channels for Conv2d, input channels for ConvTranspose2d.
      const dw = k.zeros(n.w), db = k.zeros(d.outC), col = k.zeros(scratchFloats(k, kind, d));
      const x = k.put(v.x), dy = k.put(v.dy), rows = kind === 'conv2d' ? d.outC : d.inC, cut = Math.min(rows, 5);
      const byRows = kind === 'conv2d' ? k.w.conv2d_backward_weight_rows : k.w.conv_transpose2d_backward_weight_rows;
      for (const [c0, c1] of [[cut, rows], [0, cut]]) byRows(dw, db, dy, x, col, ...dimArgs(d), c0, c1, 0);
      total += n.w + d.outC;
      diff += differing(whole.dw, k.get(dw, n.w)) + differing(whole.db, k.get(db, d.outC));
    }
    console.log(`conv kernels split by images / weight rows: ${total} values, ${diff} differ in their bits`);
    expect(diff).toBe(0);
  });
});
