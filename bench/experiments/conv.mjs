// `npm run bench:conv`: the convolution kernels (assembly/kernels/conv.ts, built as build/conv.wasm) at the reference
// convolutional VAE's layer shapes, batch 128, as GFLOP/s and as a fraction of the register-tile probe's peak
// (build/probe.wasm, bench/suites/portable.mjs's measurePeak). Each figure is the median over 9 rounds of
// (kernel rate) / (probe rate just before and after it): this shared machine's speed drifts within seconds, so only
// measurements taken together are compared. Flops count 2 per multiply-add of the convolution's definition
// (padding taps excluded from nothing: 2·B·outC·Ho·Wo·inC·kH·kW for Conv2d, the same product for ConvTranspose2d).
// At one channel (the 1→32 and 32→1 layers) two more rows time the Conv2d input-gradient product (conv2d's input
// gradient, convT's forward) on its pixel-vectorised kernel (assembly/kernels/conv-thin-dx.ts) and on the im2row path
// it replaced, then their time ratio from alternating calls; and the Conv2d forward product at one input channel
// (conv2d's forward, convT's input gradient) on its pixel-vectorised kernel (conv-thin-forward.ts) against the
// direct loop. `--rounds N` changes the number of rounds; `--only NAME` runs the rows whose name contains NAME;
// `--json` adds a last line of JSON (the peak and every row) for bench/run.ts. `--warm` makes one untimed call after
// each probe measurement, so that the timed calls find their operands in cache, as in training, where the previous
// layer has just written them; without it the first timed call of a round may fetch them from memory.
import { readFileSync } from 'node:fs';
import { measurePeak } from '../suites/portable.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const ROUNDS = Number(option('--rounds', 9)), ONLY = option('--only', ''), JSON_OUT = args.includes('--json');
const WARM = args.includes('--warm');
const measured = [];

const load = async (file) => (await WebAssembly.instantiate(readFileSync(new URL(`../../build/${file}`, import.meta.url)), {})).instance.exports;
const probe = await load('probe.wasm');
const w = await load('conv.wasm');
const median = (xs) => xs.slice().sort((p, q) => p - q)[xs.length >> 1];
const random = (n, bound) => { const p = w.alloc(4 * n), f = new Float32Array(w.memory.buffer, p, n); for (let i = 0; i < n; i++) f[i] = (Math.random() * 2 - 1) * bound; return p; };

/** Median ms of `calls` back-to-back calls over a few samples, and the median ratio to the probe's peak. */
function measure(fn, flops) {
  for (let i = 0; i < 3; i++) fn(); // tier-up
  const ms = [], ratios = [];
  for (let round = 0; round < ROUNDS; round++) {
    const before = measurePeak(probe, 3).throughput;
    if (WARM) fn();
    const calls = 5, start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    const t = (performance.now() - start) / calls;
    ms.push(t);
    ratios.push(flops / (t / 1000) / 1e9 / ((before + measurePeak(probe, 3).throughput) / 2));
  }
  return { ms: median(ms), gflops: flops / (median(ms) / 1000) / 1e9, ofPeak: median(ratios) };
}

const B = 128;
// [kind, inC, H, W, outC, k, stride, pad]: the encoder's two Conv2d and the decoder's two ConvTranspose2d.
const LAYERS = [
  ['conv2d', 1, 28, 28, 32, 4, 2, 1], ['conv2d', 32, 14, 14, 64, 4, 2, 1],
  ['convT', 64, 7, 7, 32, 4, 2, 1], ['convT', 32, 14, 14, 1, 4, 2, 1],
];

const peak = measurePeak(probe).throughput;
console.log(`probe peak ${peak.toFixed(1)} GFLOP/s (median of 15 rounds); batch ${B}; ${ROUNDS} rounds per row${WARM ? '; a warm-up call per round' : ''}\n`);
console.log('kernel'.padEnd(58) + 'ms'.padStart(8) + 'GFLOP/s'.padStart(10) + 'of peak'.padStart(9));
for (const [kind, inC, h, wd, outC, k, s, p] of LAYERS) {
  w.reset();
  const conv = kind === 'conv2d';
  const ho = conv ? w.conv_out_size(h, k, s, p) : w.conv_transpose_out_size(h, k, s, p);
  const wo = conv ? w.conv_out_size(wd, k, s, p) : w.conv_transpose_out_size(wd, k, s, p);
  // the multiply-adds of the definition: every (output pixel, tap) pair of Conv2d; every (input pixel, tap) of ConvT
  const flops = conv ? 2 * B * outC * ho * wo * inC * k * k : 2 * B * inC * h * wd * outC * k * k;
  const x = random(B * inC * h * wd, 1), y = w.alloc(4 * B * outC * ho * wo), dy = random(B * outC * ho * wo, 0.01);
  const wt = random(outC * inC * k * k, 0.1), b = random(outC, 0.1), dx = w.alloc(4 * B * inC * h * wd), dw = w.alloc(4 * outC * inC * k * k), db = w.alloc(4 * outC);
  const dims = [B, inC, h, wd, outC, k, k, s, p];
  const col = w.alloc(4 * w[conv ? 'conv2d_scratch_floats' : 'conv_transpose2d_scratch_floats'](...dims.slice(1)));
  const shape = `${inC}→${outC} k${k} s${s} p${p} ${h}×${wd}→${ho}×${wo}`;
  const rows = conv
    ? [[`conv2d forward + bias + ReLU ${shape}`, () => w.conv2d_forward(y, x, wt, b, col, ...dims, 1)],
       [`conv2d input gradient ${shape}`, () => w.conv2d_backward_input(dx, dy, wt, col, ...dims, 0)],
       [`conv2d weight + bias gradient ${shape}`, () => w.conv2d_backward_weight(dw, db, dy, x, col, ...dims, 0)]]
    : [[`convT forward + bias + ReLU ${shape}`, () => w.conv_transpose2d_forward(y, x, wt, b, col, ...dims, 1)],
       [`convT input gradient ${shape}`, () => w.conv_transpose2d_backward_input(dx, dy, wt, col, ...dims, 0)],
       [`convT weight + bias gradient ${shape}`, () => w.conv_transpose2d_backward_weight(dw, db, dy, x, col, ...dims, 0)]];
  // the two paths of the Conv2d forward products (conv2d's forward, convT's input gradient), whichever the kernel picks
  const [fInC, fH, fOutC, fIn, fOut, fB] = conv ? [inC, h, outC, x, y, b] : [outC, ho, inC, dy, dx, 0];
  const direct = w.alloc(4 * w.direct_scratch_floats(fInC, fH, fH, fOutC, k, k, s, p));
  const what = conv ? 'conv2d forward + bias + ReLU' : 'convT input gradient';
  rows.push([`  same, im2row + gemm`, () => w.conv2d_forward_im2row(fOut, fIn, wt, fB, col, B, fInC, fH, fH, fOutC, k, k, s, p, conv ? 1 : 0)],
    [`  same, direct loop`, () => w.conv2d_forward_direct(fOut, fIn, wt, fB, direct, B, fInC, fH, fH, fOutC, k, k, s, p, conv ? 1 : 0)]);
  // the Conv2d input-gradient product at one input channel (conv2d's input gradient, convT's forward): the kernels'
  // pixel-vectorised path (assembly/kernels/conv-thin-dx.ts) and the im2row path it replaced, without bias or epilogue
  const [gInC, gH, gOutC, gIn, gOut] = conv ? [inC, h, outC, dy, dx] : [outC, ho, inC, x, y];
  const thin = gInC === 1 && s === 2 && k === 4;
  if (thin) {
    const g = [B, gInC, gH, gH, gOutC, k, k, s, p, 0];
    rows.push([`  ${conv ? 'input gradient' : 'forward'} product (no bias), thin kernel`, () => w.conv2d_backward_input(gOut, gIn, wt, col, ...g)],
      [`  same, im2row + gemm + row2im`, () => w.conv2d_backward_input_im2row(gOut, gIn, wt, col, ...g)]);
  }
  const thinForward = fInC === 1; // assembly/kernels/conv-thin-forward.ts
  const path = thinForward ? 'pixel-vectorised kernel (conv-thin-forward.ts)' : 'direct loop';
  console.log(`${shape}: the kernels take the ${path} for the ${what} (im2row + gemm only when accumulating)`);
  for (const [name, fn] of rows) {
    if (ONLY && !name.includes(ONLY)) continue;
    const r = measure(fn, flops);
    measured.push({ shape, name: name.trim(), ...r });
    console.log(name.padEnd(58) + r.ms.toFixed(2).padStart(8) + r.gflops.toFixed(1).padStart(10) + `${(100 * r.ofPeak).toFixed(0)}%`.padStart(9));
  }
  // the two paths sum the same products in other orders: how far apart are they?
  const n = conv ? B * outC * ho * wo : B * inC * h * wd;
  rows[3][1](); const a = new Float32Array(w.memory.buffer, fOut, n).slice();
  rows[4][1](); const d = new Float32Array(w.memory.buffer, fOut, n);
  let diff = 0, scale = 0;
  for (let i = 0; i < n; i++) { diff = Math.max(diff, Math.abs(a[i] - d[i])); scale = Math.max(scale, Math.abs(a[i])); }
  // and their speeds side by side: alternate calls, so that both see the same machine
  const once = (fn) => { const t = performance.now(); fn(); return performance.now() - t; };
  const ratios = [];
  for (let r = 0; r < 15; r++) ratios.push(once(rows[4][1]) / once(rows[3][1]));
  console.log(`  direct loop against im2row + gemm: time ratio ${median(ratios).toFixed(2)} (median of 15 alternating calls); ` +
    `max |difference| ${diff.toExponential(1)} (largest output ${scale.toExponential(1)})`);
  if (thinForward) {
    const kernelRow = rows[conv ? 0 : 1][1], forwardRatios = [];
    for (let r = 0; r < 15; r++) forwardRatios.push(once(kernelRow) / once(rows[4][1]));
    console.log(`  thin forward kernel against the direct loop: time ratio ${median(forwardRatios).toFixed(2)} (median of 15 alternating calls; the same bits)`);
  }
  if (thin) {
    const thinRatios = [];
    for (let r = 0; r < 15; r++) thinRatios.push(once(rows[5][1]) / once(rows[6][1]));
    console.log(`  thin kernel against im2row + gemm + row2im: time ratio ${median(thinRatios).toFixed(2)} (median of 15 alternating calls; the same bits)`);
  }
}
if (JSON_OUT) console.log(JSON.stringify({ peak, batch: B, rounds: ROUNDS, rows: measured }));
