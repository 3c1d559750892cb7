// The conv suite: the reference convolutional VAE (bench/suites/conv-vae.mjs) trained by VAE.fit in Node and in
// headless Chromium at 1 and all threads, beside PyTorch's twin (bench/peers/pytorch_conv_vae.py) at 1 and all
// threads, all in one run. A conv epoch takes about a minute here, so each runner times `batches` steps per round,
// scaled to a 469-batch epoch, and the runners take turns within every round (the order rotating from round to
// round): the machine's speed drifts, so ratios are the median of per-round ratios, each from runs taken together.
// A runner that is slow on this machine (PyTorch's OpenMP team on a loaded machine can take seconds a step) times
// fewer batches, so that its turn stays near `roundSeconds` at the slowest it has run: a settling turn of 2 batches
// each (not counted) sets the first round's count, then the slowest counted turn the next (at least 2, at most
// `batches`).
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright';
import { VAE } from '../src/index.js';
import { mnistPaths } from '../src/cli/idx.js';
import { launchChromium, serve } from '../tests/helpers/browser.js';
import { CONV_VAE, convModels, convRound, EPOCH_BATCHES, parameterShapes } from './suites/conv-vae.mjs';
import { PytorchConvPeer, type PytorchConvInfo } from './peers/pytorch-conv.js';
import { findTorchPython } from './peers/pytorch.js';
import type { PlatformRow } from './report.js';
import { median } from './stats.js';

export interface ConvSuiteOptions {
  rounds: number; batches: number; roundSeconds: number; chromium: boolean; pytorch: boolean; log?: (line: string) => void;
}
export interface ConvSuite {
  rows: PlatformRow[]; ratios: Record<string, number>; ratioRounds: Record<string, number[]>;
  pytorch: (Omit<PytorchConvInfo, 'threads' | 'shapes'> & { executable: string }) | null; chromium: { version: string; userAgent: string } | null;
  load: { before: number[]; after: number[] };
}

interface Runner {
  platform: 'node' | 'chromium' | 'pytorch'; threads: number; name: string;
  round(r: number, batches: number): Promise<{ seconds: number; epochSeconds: number }>;
  epochs: number[]; batches: number[]; secondsPerBatch: number;
}
const SETTLE_BATCHES = 2;

const threadCounts = () => [...new Set([1, cpus().length])];
const plural = (n: number) => `${n} thread${n > 1 ? 's' : ''}`;

export async function runConvSuite(images: Float32Array, o: ConvSuiteOptions): Promise<ConvSuite> {
  const log = o.log ?? ((line: string) => console.log(line));
  const before = loadavg();
  const runners: Runner[] = [];
  const closers: Array<() => Promise<void> | void> = [];
  try {
    const models = await convModels(VAE, images, threadCounts());
    for (const vae of models) {
      closers.push(() => vae.dispose());
      runners.push({ platform: 'node', threads: vae.threads, name: `wasm-vae conv VAE, VAE.fit in Node, ${plural(vae.threads)}`,
        epochs: [], batches: [], secondsPerBatch: 0, round: (r, batches) => convRound(vae, images, batches, r) });
    }
    let chromium: ConvSuite['chromium'] = null;
    if (o.chromium) chromium = await openChromium(runners, closers);
    let pytorch: ConvSuite['pytorch'] = null;
    const python = o.pytorch ? findTorchPython() : null;
    if (o.pytorch && python === null) log('PyTorch: skipped (no python3 here imports torch; on Debian: apt-get install python3-torch libopenblas0-pthread)');
    if (python !== null) {
      for (const threads of threadCounts()) {
        const peer = await PytorchConvPeer.start(python, mnistPaths().train, threads);
        closers.push(() => peer.close());
        checkSameShapes(parameterShapes(models[0]), peer.info.shapes);
        pytorch = { torch: peer.info.torch, python: peer.info.python, mkldnn: peer.info.mkldnn, executable: python };
        runners.push({ platform: 'pytorch', threads, name: `pytorch ${peer.info.torch} conv VAE, ${plural(threads)}`,
          epochs: [], batches: [], secondsPerBatch: 0, round: (_, batches) => peer.measure(batches) });
      }
    }
    for (const x of runners) x.secondsPerBatch = (await x.round(o.rounds, SETTLE_BATCHES)).seconds / SETTLE_BATCHES;
    for (let r = 0; r < o.rounds; r++) {
      for (let i = 0; i < runners.length; i++) {
        const x = runners[(i + r) % runners.length];
        const batches = Math.max(SETTLE_BATCHES, Math.min(o.batches, Math.floor(o.roundSeconds / x.secondsPerBatch)));
        const measured = await x.round(r, batches);
        x.epochs[r] = measured.epochSeconds;
        x.batches[r] = batches;
        // the slowest counted turn yet (its speed jumps under load); the settling turn only guesses the first
        x.secondsPerBatch = r === 0 ? measured.seconds / batches : Math.max(x.secondsPerBatch, measured.seconds / batches);
      }
      log(`  conv round ${r + 1}/${o.rounds}: ${runners.map((x) => `${x.platform} ${x.threads}t ${x.epochs[r].toFixed(1)} s`).join(', ')} (epoch, scaled)`);
    }
    const { ratios, ratioRounds } = convRatios(runners);
    const rows: PlatformRow[] = runners.map((x) => {
      const s = median(x.epochs);
      return {
        platform: x.platform === 'chromium' ? 'chromium' : 'node', suite: 'conv epoch', name: x.name, medianMs: 1000 * s,
        samples: x.epochs.length, throughput: 60000 / s, unit: 'images/s', epochSeconds: s,
        epochScaledFromSteps: x.batches.reduce((a, b) => a + b, 0), threads: x.threads, epochs: x.epochs, batchesPerRound: x.batches,
      };
    });
    return { rows, ratios, ratioRounds, pytorch, chromium, load: { before, after: loadavg() } };
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

/**
 * The peer must be the same architecture: the same parameter tensors, compared as a multiset of shapes (the two
 * list them in different orders and name them differently; a convolution's weight has the same layout in both).
 */
function checkSameShapes(ours: number[][], theirs: number[][]): void {
  const key = (shapes: number[][]) => shapes.map((s) => s.join('×')).sort().join(', ');
  if (key(ours) !== key(theirs)) throw new Error(`bench: the PyTorch conv peer is not our conv VAE: its parameters ${key(theirs)}; ours ${key(ours)}`);
}

/** The Chromium page's models, one runner per thread count it runs. */
async function openChromium(runners: Runner[], closers: Array<() => Promise<void> | void>): Promise<ConvSuite['chromium']> {
  // Cross-origin isolated, so that the page can run threads (SharedArrayBuffer).
  const server = await serve(fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, ''), {},
    { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
  closers.push(() => server.close());
  const browser = await launchChromium();
  closers.push(() => browser.close());
  const page: Page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/bench/browser/conv.html`);
  await page.waitForFunction(() => 'ready' in window, undefined, { timeout: 30_000 }).catch(() => {
    throw new Error(`bench: the Chromium conv page did not load: ${errors.join(' | ') || 'no page error'}`);
  });
  type Page_ = { convSetup(t: number[]): Promise<{ threads: number[]; userAgent: string }>; convRound(i: number, b: number, r: number): Promise<{ seconds: number; epochSeconds: number }> };
  const setup = await page.evaluate((t) => (window as unknown as Page_).convSetup(t), threadCounts());
  setup.threads.forEach((threads, index) => runners.push({
    platform: 'chromium', threads, name: `wasm-vae conv VAE, VAE.fit in Chromium, ${plural(threads)}`, epochs: [], batches: [], secondsPerBatch: 0,
    round: (r, batches) => page.evaluate(([i, b, n]) => (window as unknown as Page_).convRound(i, b, n), [index, batches, r] as const),
  }));
  return { version: browser.version(), userAgent: setup.userAgent };
}

/** Ours against the peers, each ratio the median over rounds of that round's ratio of epoch times. */
function convRatios(runners: Runner[]): { ratios: Record<string, number>; ratioRounds: Record<string, number[]> } {
  const ratioRounds: Record<string, number[]> = {};
  const find = (platform: Runner['platform'], threads: number) => runners.find((x) => x.platform === platform && x.threads === threads);
  const torch = runners.filter((x) => x.platform === 'pytorch');
  const rounds = runners[0].epochs.length;
  const torchBest = torch.length ? Array.from({ length: rounds }, (_, r) => Math.min(...torch.map((x) => x.epochs[r]))) : null;
  const all = Math.max(...threadCounts());
  for (const platform of ['node', 'chromium'] as const) {
    const one = find(platform, 1), many = runners.filter((x) => x.platform === platform && x.threads > 1).pop();
    if (!one) continue;
    const torch1 = find('pytorch', 1);
    if (torch1) ratioRounds[`conv epoch, ${platform}: wasm-vae 1 thread / PyTorch 1 thread`] = one.epochs.map((t, r) => t / torch1.epochs[r]);
    const best = many ?? one;
    if (torchBest) ratioRounds[`conv epoch, ${platform}: wasm-vae ${plural(best.threads)} / PyTorch best of 1 and ${all}`] = best.epochs.map((t, r) => t / torchBest[r]);
    if (many) ratioRounds[`conv epoch, ${platform}: wasm-vae ${plural(many.threads)} / 1 thread`] = many.epochs.map((t, r) => t / one.epochs[r]);
  }
  const torchMany = torch.find((x) => x.threads > 1), torch1 = find('pytorch', 1);
  if (torchMany && torch1) ratioRounds[`conv epoch: PyTorch ${plural(torchMany.threads)} / 1 thread`] = torchMany.epochs.map((t, r) => t / torch1.epochs[r]);
  const chromium1 = find('chromium', 1), node1 = find('node', 1);
  if (chromium1 && node1) ratioRounds['conv epoch: Chromium / Node, wasm-vae 1 thread'] = chromium1.epochs.map((t, r) => t / node1.epochs[r]);
  const ratios = Object.fromEntries(Object.entries(ratioRounds).map(([k, v]) => [k, median(v)]));
  return { ratios, ratioRounds };
}

/** The suite as a table: each runner's median epoch and its rounds, then the ratios with their rounds. */
export function printConvSuite(s: ConvSuite, o: ConvSuiteOptions): void {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`\nconv VAE (${CONV_VAE.encoder!.length} conv2d, ${CONV_VAE.decoder!.length - 1} convTranspose2d, latent ${CONV_VAE.latentDim}), ` +
    `one MNIST epoch scaled to ${EPOCH_BATCHES} batches from rounds of up to ${o.batches} batches (≈ ${o.roundSeconds} s); median of ${o.rounds} rounds`);
  console.log(`  load average (1, 5, 15 min) before ${load(s.load.before)}, after ${load(s.load.after)}, on ${cpus().length} cores`);
  console.log(`  ${'runner'.padEnd(58)} ${'epoch'.padStart(9)}   rounds (s, batches timed)`);
  for (const r of s.rows) {
    const rounds = r.epochs!.map((t, i) => `${t.toFixed(1)} (${(r.batchesPerRound as number[])[i]})`).join(', ');
    console.log(`  ${r.name.padEnd(58)} ${`${r.epochSeconds!.toFixed(2)} s`.padStart(9)}   ${rounds}`);
  }
  console.log('  ratios of epoch times (below 1: wasm-vae is faster), median of per-round ratios');
  for (const [name, v] of Object.entries(s.ratios)) console.log(`  ${name.padEnd(72)} ${`${v.toFixed(2)}×`.padStart(7)}   ${s.ratioRounds[name].map((t) => t.toFixed(2)).join(', ')}`);
}
