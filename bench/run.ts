// `npm run bench` (quick, for development) and `npm run bench:full` (the published table): every suite in Node
// and in headless Chromium, each implementation beside its peers in the same run — this machine is shared and
// noisy, so only same-run ratios mean much. Prints tables and ratios; writes bench/results/<mode>-<time>.json.
//
// Suites: peak (the register-tile probe), kernels (GEMM forms as a fraction of the peak, zero-skipping on real
// MNIST, sampling, KL, loss, Adam), training step (wasm SIMD and scalar, naive JS, tfjs-wasm, tfjs-cpu, PyTorch),
// epoch (one MNIST epoch), step budget (the step kernel by kernel), Chromium (the portable suites again): the MLP
// family (`--only mlp`). The conv family (`--only conv`): the reference convolutional VAE in Node and Chromium at
// 1 and all threads beside PyTorch (bench/conv-suite.ts), and the convolution kernels against the probe's peak.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import Benchmark from 'benchmark';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { VAE } from '../src/index.js';
import { MAX_PAGES } from '../src/wasm/instance.js';
import { mnistPaths, readIdxImages } from '../src/cli/idx.js';
import { denseForwardRef } from '../tests/reference/kernels.js';
import { measureEpochs, measureKernels, measurePeak, measureTfjs, measureTrainStep, timeCall, type Row } from './suites/portable.mjs';
import { timeTfjsSteps } from './peers/tfjs-vae.mjs';
import { findTorchPython, runPytorch, type PytorchRun } from './peers/pytorch.js';
import { NaiveStep } from './naive-step.js';
import { stepBudget } from './step-budget.js';
import { runChromiumSuites } from './chromium.js';
import { browserVsNode } from './browser-vs-node.js';
import { Report } from './report.js';
import { printConvSuite, runConvSuite, type ConvSuite } from './conv-suite.js';
import { convKernelRows } from './conv-kernels.js';

const full = process.argv.includes('--full');
// `--only mlp` or `--only conv`: one family of suites (the result file is named after it).
const onlyAt = process.argv.indexOf('--only'), only = onlyAt >= 0 ? process.argv[onlyAt + 1] : null;
if (only !== null && only !== 'mlp' && only !== 'conv') throw new Error(`bench: --only takes mlp or conv; received ${only}`);
const wants = (family: 'mlp' | 'conv') => only === null || only === family;
const mode = `${full ? 'full' : 'quick'}${only ? `-${only}` : ''}`;
const settings = full
  ? { maxTime: 5, tfjsWasmSteps: 40, tfjsCpuSteps: 8, epochs: 5, torchSteps: 200, rounds: 3, convRounds: 5, convBatches: 24, convRoundSeconds: 20, convKernelRounds: 9 }
  : { maxTime: 1.5, tfjsWasmSteps: 12, tfjsCpuSteps: 3, epochs: 3, torchSteps: 60, rounds: 3, convRounds: 3, convBatches: 12, convRoundSeconds: 8, convKernelRounds: 3 };
const B = 128, D = 784;
const require = createRequire(import.meta.url);
const versionOf = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;

const report = new Report();
const find = report.find.bind(report);
const ratios: Record<string, number> = {};
const loadStart = loadavg(); // 1, 5 and 15 minutes: the other processes this shared machine ran meanwhile

console.log(`wasm-vae bench (${mode}): ${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}`);
const images = readIdxImages(mnistPaths().train).data;
const wasmBytes = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url));
// The SIMD build imports its memory and the barrier's wait (src/wasm/instance.ts), unused on one thread; the probe has neither.
const rawExports = async (path: string) => {
  const module = await WebAssembly.compile(wasmBytes(path));
  const importsMemory = WebAssembly.Module.imports(module).some((i) => i.kind === 'memory');
  const imports: WebAssembly.Imports = importsMemory ? { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES }), wait: () => 0 } } : {};
  return (await WebAssembly.instantiate(module, imports)).exports as any;
};

/** The MLP suites: peak, kernels, training step, epoch, step budget, Chromium; their ratios go into `ratios`. */
async function mlpSuites() {
  // Node: peak, kernels, a naive-JS product beside them.
  const probe = await rawExports('build/probe.wasm');
  report.add('node', [measurePeak(probe)]);
  const kernelRows = await measureKernels(Benchmark, await rawExports('build/simd.wasm'), probe, images, settings.maxTime);
  const x = images.subarray(0, B * D), w1 = Float32Array.from({ length: 400 * D }, () => Math.random() - 0.5), b1 = new Float32Array(400);
  const naive = await timeCall(Benchmark, () => denseForwardRef(x, w1, b1, B, D, 400), settings.maxTime);
  kernelRows.push({ suite: 'kernels', name: 'naive-JS forward x·Wᵀ+b 128×784→400 (float64 loops)', ...naive, throughput: 2 * B * D * 400 / (naive.medianMs / 1000) / 1e9, unit: 'GFLOP/s' });
  report.add('node', kernelRows);

  // Node: the training step and its peers.
  const stepRows: Row[] = [];
  for (const build of ['simd', 'scalar'] as const) stepRows.push(await measureTrainStep(Benchmark, VAE, images, build, settings.maxTime));
  const naiveStep = new NaiveStep([[D, 400], [400, 20], [400, 20], [20, 400], [400, D]]);
  const eps = Float64Array.from({ length: B * 20 }, () => Math.random() * 2 - 1);
  const naiveTiming = await timeCall(Benchmark, () => naiveStep.step(x, B, eps), settings.maxTime);
  stepRows.push({ suite: 'training step', name: 'naive-JS train step 784-400-20 b128 (float64 loops)', ...naiveTiming, throughput: B / (naiveTiming.medianMs / 1000), unit: 'images/s' });
  for (const [backend, steps] of [['wasm', settings.tfjsWasmSteps], ['cpu', settings.tfjsCpuSteps]] as const) {
    await tf.setBackend(backend);
    await tf.ready();
    stepRows.push(await measureTfjs(tf, timeTfjsSteps, images, `tfjs-${backend}`, steps));
  }
  report.add('node', stepRows);

  // Node: one MNIST epoch, and PyTorch's.
  const epochRows: Row[] = [];
  epochRows.push(...await measureEpochs(VAE, images, settings.epochs, [...new Set([1, 2, cpus().length])]));
  const python = findTorchPython();
  let pytorch: PytorchRun | null = null;
  if (python === null) {
    console.log('\nPyTorch: skipped (no python3 here imports torch; on Debian: apt-get install python3-torch libopenblas0-pthread)');
  } else {
    pytorch = runPytorch(python, mnistPaths().train, [...new Set([1, cpus().length])], settings.torchSteps);
    for (const r of pytorch.results) {
      epochRows.push({ suite: 'epoch', name: `pytorch ${pytorch.torch} pytorch/examples recipe, ${r.threads} thread${r.threads > 1 ? 's' : ''}`, medianMs: 1000 * r.epochSeconds!, samples: 1, throughput: 60000 / r.epochSeconds!, unit: 'images/s', epochSeconds: r.epochSeconds, threads: r.threads });
      stepRows.push({ suite: 'training step', name: `pytorch ${pytorch.torch} train step, ${r.threads} thread${r.threads > 1 ? 's' : ''}`, medianMs: r.stepMs, samples: r.steps, throughput: B / (r.stepMs / 1000), unit: 'images/s', threads: r.threads });
    }
    console.log(`\nPyTorch ${pytorch.torch} via ${python}, OpenBLAS core ${pytorch.openblas?.core ?? 'unknown'} (${pytorch.openblas?.library ?? 'not found'})`);
    report.add('node', stepRows.filter((r) => r.name.startsWith('pytorch')));
  }
  report.add('node', epochRows);

  // Node: the step's time budget.
  const budget = await stepBudget(images);
  report.add('node', budget.map((l) => ({ suite: 'step budget', name: l.part, medianMs: l.ms, samples: 15, throughput: l.gflops ?? 1000 / l.ms, unit: l.gflops ? 'GFLOP/s' : 'calls/s', ...(l.fractionOfDense !== undefined ? { stepsRun: l.fractionOfDense } : {}) })));
  console.log(`  sum of parts ${budget.reduce((s, l) => s + l.ms, 0).toFixed(2)} ms against VAE.trainStep ${find('node', 'training step', 'wasm-vae simd')!.medianMs.toFixed(2)} ms`);

  // Chromium: the portable suites, then Node and Chromium in alternating rounds on the training step.
  const chromium = await runChromiumSuites({ maxTime: settings.maxTime, tfjsSteps: settings.tfjsWasmSteps, epochs: settings.epochs });
  report.add('chromium', chromium.rows as unknown as Row[]);
  const alternating = await browserVsNode(['measureTrainStep'], settings.rounds, settings.maxTime);
  const versus = alternating.measureTrainStep;
  console.log(`\nChromium ${chromium.version} vs Node, VAE.trainStep in alternating rounds: ${versus.chromiumMs.toFixed(2)} ms vs ${versus.nodeMs.toFixed(2)} ms (Chromium takes ${versus.ratio.toFixed(2)}× Node's time)`);

  // Ratios against the peers measured above.
  const ours = find('node', 'epoch', 'wasm-vae')!.epochSeconds!; // the first row: one thread
  const torch1 = report.rows.find((r) => r.suite === 'epoch' && r.name.startsWith('pytorch') && r.threads === 1);
  const torchBest = report.rows.filter((r) => r.suite === 'epoch' && r.name.startsWith('pytorch')).sort((a, b) => a.epochSeconds! - b.epochSeconds!)[0];
  if (torch1) ratios['epoch: wasm-vae / PyTorch 1 thread'] = ours / torch1.epochSeconds!;
  if (torchBest) ratios[`epoch: wasm-vae / PyTorch best (${torchBest.threads} threads)`] = ours / torchBest.epochSeconds!;
  for (const backend of ['wasm', 'cpu']) ratios[`epoch: tfjs-${backend} / wasm-vae`] = find('node', 'training step', `tfjs-${backend}`)!.epochSeconds! / ours;
  const epochRow = (platform: string, threads: number) => report.rows.find((r) => r.platform === platform && r.suite === 'epoch' && r.name.startsWith('wasm-vae') && r.threads === threads);
  const epochAt = (platform: string, threads: number) => epochRow(platform, threads)?.epochSeconds;
  for (const platform of ['node', 'chromium']) {
    const two = epochRow(platform, 2);
    if (two?.toOneThread) {
      ratios[`epoch, ${platform}: wasm-vae 2 threads / 1 thread (median of alternating rounds)`] = two.toOneThread;
      console.log(`  ${platform}: 2 threads / 1 thread by round: ${two.toOneThreadRounds!.map((r) => r.toFixed(2)).join(', ')} (1 thread: ${epochRow(platform, 1)!.epochs!.map((t) => t.toFixed(2)).join(', ')} s)`);
    }
  }
  const twoThreads = epochAt('node', 2);
  if (twoThreads && torchBest) ratios[`epoch: wasm-vae 2 threads / PyTorch best (${torchBest.threads} threads)`] = twoThreads / torchBest.epochSeconds!;
  ratios['sampling: wasm normal_fill / plain-JS Box–Muller'] = find('node', 'sampling', 'wasm')!.throughput / find('node', 'sampling', 'plain-JS')!.throughput;
  ratios['step: Chromium / Node time (alternating rounds)'] = versus.ratio;
  const chromiumEpoch = find('chromium', 'epoch', 'wasm-vae')?.epochSeconds;
  if (chromiumEpoch) ratios['epoch: tfjs-wasm / wasm-vae, both in Chromium'] = find('chromium', 'training step', 'tfjs-wasm')!.epochSeconds! / chromiumEpoch;
  return { pytorch, chromium, versus };
}

const mlp = wants('mlp') ? await mlpSuites() : null;

// The reference conv VAE beside PyTorch's twin (bench/conv-suite.ts), and its kernels against the probe's peak.
let conv: ConvSuite | null = null;
if (wants('conv')) {
  const options = { rounds: settings.convRounds, batches: settings.convBatches, roundSeconds: settings.convRoundSeconds, chromium: true, pytorch: true };
  conv = await runConvSuite(images, options);
  printConvSuite(conv, options);
  report.rows.push(...conv.rows);
  Object.assign(ratios, conv.ratios);
  report.add('node', convKernelRows(settings.convKernelRounds));
}

console.log('\nratios (same run)');
for (const [name, value] of Object.entries(ratios)) console.log(`  ${name.padEnd(56)} ${value.toFixed(2)}×`);

const result = {
  date: new Date().toISOString(), mode, settings,
  machine: { cpu: cpus()[0].model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), loadAverage: { start: loadStart, end: loadavg() } },
  engines: { node: process.version, v8: process.versions.v8, chromium: mlp?.chromium.version ?? conv?.chromium?.version, chromiumUserAgent: mlp?.chromium.userAgent ?? conv?.chromium?.userAgent },
  packages: {
    'wasm-vae': versionOf('..'), assemblyscript: versionOf('assemblyscript'), benchmark: versionOf('benchmark'),
    '@tensorflow/tfjs': versionOf('@tensorflow/tfjs'), '@tensorflow/tfjs-backend-wasm': versionOf('@tensorflow/tfjs-backend-wasm'),
    ...(mlp?.pytorch ? { torch: mlp.pytorch.torch } : conv?.pytorch ? { torch: conv.pytorch.torch } : {}),
  },
  pytorch: mlp?.pytorch ? { python: mlp.pytorch.python, openblas: mlp.pytorch.openblas, environment: 'OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset; OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = threads' } : null,
  ...(conv ? { conv: { pytorch: conv.pytorch, chromium: conv.chromium, load: conv.load, ratioRounds: conv.ratioRounds,
    environment: 'OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset; OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = threads' } } : {}),
  ratios, chromiumVersusNode: mlp?.versus ?? null, rows: report.rows,
};
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = `${mode}-${result.date.slice(0, 16).replace(/:/g, '-')}.json`;
writeFileSync(new URL(file, dir), `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nwrote bench/results/${file}`);
