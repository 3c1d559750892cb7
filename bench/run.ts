// `npm run bench`: benchmark.js suites, each implementation measured beside its peer in the same run (this
// machine is shared and noisy, so only same-run ratios mean much). Prints medians, throughput and ratios;
// writes bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import Benchmark from 'benchmark';
import { Engine } from '../src/engine.js';
import { VAE } from '../src/index.js';
import { denseBackwardRef, denseForwardRef } from '../tests/reference/kernels.js';
import { randomArray } from '../tests/helpers/wasm.js';
import { NaiveStep } from './naive-step.js';
import { median } from './stats.js';
import { browserVsNode } from './browser-vs-node.js';

interface Row { suite: string; name: string; medianMs: number; throughput: string; samples: number }
const rows: Row[] = [];


/** Runs a suite; `work` gives each benchmark's units per call and the unit's name. */
function runSuite(title: string, cases: Array<{ name: string; fn: () => void; units: number; unit: string }>): void {
  const suite = new Benchmark.Suite(title);
  for (const c of cases) suite.add(c.name, c.fn, { minSamples: 8, maxTime: 4 });
  console.log(`\n${title}`);
  suite.on('cycle', (event: Benchmark.Event) => {
    const b = event.target as unknown as Benchmark & { name: string };
    const c = cases.find((x) => x.name === b.name)!;
    const ms = median(b.stats.sample) * 1000;
    const throughput = `${(c.units / (ms / 1000)).toFixed(c.unit === 'GFLOP/s' ? 2 : 0)} ${c.unit}`;
    rows.push({ suite: title, name: b.name, medianMs: ms, throughput, samples: b.stats.sample.length });
    console.log(`  ${b.name.padEnd(44)} median ${ms.toFixed(3).padStart(9)} ms  ${throughput.padStart(16)}  (${b.stats.sample.length} samples)`);
  }).run();
  const mine = rows.filter((r) => r.suite === title);
  const peer = mine[mine.length - 1];
  for (const r of mine.slice(0, -1)) console.log(`  → ${r.name} is ${(peer.medianMs / r.medianMs).toFixed(1)}× ${peer.name}`);
}

async function denseKernels(): Promise<void> {
  const e = await Engine.create('bench'), w = e.wasm;
  for (const [B, I, O] of [[128, 784, 400], [128, 400, 784]] as const) {
    const x = randomArray(B * I, 1), wt = randomArray(O * I, 2), b = randomArray(O, 3), dy = randomArray(B * O, 4);
    const put = (a: Float32Array) => { const p = e.alloc(4 * a.length); e.write(p, a); return p; };
    const px = put(x), pw = put(wt), pb = put(b), pdy = put(dy), py = e.alloc(4 * B * O), pwt = e.alloc(4 * I * O);
    const pdx = e.alloc(4 * B * I), pdw = e.alloc(4 * I * O), pdb = e.alloc(4 * O);
    const flops = 2 * B * I * O / 1e9;
    runSuite(`dense ${B}×${I}→${O} (GFLOP/s)`, [
      { name: `wasm-simd dense_forward ${B}x${I}x${O}`, fn: () => w.dense_forward(py, px, pw, pb, pwt, B, I, O), units: flops, unit: 'GFLOP/s' },
      { name: `naive-js dense_forward ${B}x${I}x${O}`, fn: () => denseForwardRef(x, wt, b, B, I, O), units: flops, unit: 'GFLOP/s' },
    ]);
    runSuite(`dense backward ${B}×${I}→${O} (GFLOP/s)`, [
      { name: `wasm-simd dense_backward ${B}x${I}x${O}`, fn: () => { w.dense_backward_input(pdx, pdy, pw, B, I, O, 0); w.dense_backward_params(pdw, pdb, pdy, px, B, I, O); }, units: 2 * flops, unit: 'GFLOP/s' },
      { name: `naive-js dense_backward ${B}x${I}x${O}`, fn: () => denseBackwardRef(dy, x, wt, B, I, O), units: 2 * flops, unit: 'GFLOP/s' },
    ]);
  }
}

async function trainingStep(): Promise<void> {
  const B = 128, D = 784;
  const vae = await VAE.create({ inputDim: D, hiddenDims: [400], latentDim: 20, seed: 1 });
  const scalar = await VAE.create({ inputDim: D, hiddenDims: [400], latentDim: 20, seed: 1 }, { wasm: 'scalar' });
  const batch = randomArray(B * D, 5, 0, 1).map((v) => (v > 0.8 ? 1 : 0));
  const naive = new NaiveStep([[D, 400], [400, 20], [400, 20], [20, 400], [400, D]]);
  const eps = Float64Array.from(randomArray(B * 20, 6, -2, 2));
  runSuite('training step 784-400-20, batch 128 (images/s)', [
    { name: 'wasm-simd VAE.trainStep 784-400-20 b128', fn: () => vae.trainStep(batch), units: B, unit: 'images/s' },
    { name: 'wasm-scalar VAE.trainStep 784-400-20 b128', fn: () => scalar.trainStep(batch), units: B, unit: 'images/s' },
    { name: 'naive-js train step 784-400-20 b128', fn: () => naive.step(batch, B, eps), units: B, unit: 'images/s' },
  ]);
}

/** The same bundle trained in headless Chromium and in Node, alternating rounds (bench/browser-vs-node.ts). */
async function chromiumAgainstNode(): Promise<void> {
  const labels = { measureTrainStep: 'VAE.trainStep', measureFitEpoch: 'VAE.fit (per batch, yielding)' } as const;
  const results = await browserVsNode(['measureTrainStep', 'measureFitEpoch']);
  for (const [name, r] of Object.entries(results) as Array<[keyof typeof labels, typeof results.measureTrainStep]>) {
    const title = `${labels[name]} 784-400-20 b128: Chromium vs Node (dist/index.js)`;
    console.log(`\n${title}`);
    for (const [who, ms] of [['chromium-wasm-simd', r.chromiumMs], ['node-wasm-simd', r.nodeMs]] as const) {
      const throughput = `${(128 / (ms / 1000)).toFixed(0)} images/s`;
      rows.push({ suite: title, name: `${who} ${labels[name]}`, medianMs: ms, throughput, samples: r.rounds.length });
      console.log(`  ${`${who} ${labels[name]}`.padEnd(44)} median ${ms.toFixed(3).padStart(9)} ms  ${throughput.padStart(16)}  (median of ${r.rounds.length} rounds)`);
    }
    console.log(`  → Chromium takes ${r.ratio.toFixed(3)}× Node's time per step (${r.ratio < 1 ? 'faster' : 'slower'} by ${(Math.abs(r.ratio - 1) * 100).toFixed(1)}%)`);
  }
}

await denseKernels();
await trainingStep();
await chromiumAgainstNode();
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`);
console.log('\nwrote bench/results/latest.json');
