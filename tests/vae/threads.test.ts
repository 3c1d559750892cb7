// Threads: every job of a model split over 1–4 threads gives the same bytes (assembly/jobs/ says why), in Node and
// in Chromium (the test server sends COOP/COEP). On a browser's main thread fit awaits the pool (Atomics.waitAsync)
// and synchronous calls run on the calling thread; both must agree with Node's threads byte for byte.
import { describe, expect, it } from 'vitest';
import { VAE, type EngineOptions, type VAEOptions } from '../../src/index.js';
import { prototypeData, sparseImages } from '../helpers/data.js';
import { expectVAEError } from '../helpers/errors.js';
import { readBytes, wasmUrl } from '../helpers/files.js';

const THREADS = [1, 2, 3, 4];

/** Everything a model computes after a mixed run: steps with ragged batches, a fit with schedules, inference. */
async function run(config: VAEOptions, threads: number, data: Float32Array, conditions?: Float32Array) {
  const D = config.inputDim, C = config.conditionDim ?? 0, n = data.length / D;
  const vae = await VAE.create(config, { threads });
  const rows = (start: number, count: number) => ({
    x: data.subarray(start * D, (start + count) * D),
    c: conditions?.subarray(start * C, (start + count) * C),
  });
  const steps = [];
  for (const [start, count] of [[0, 50], [50, 7], [13, 64], [3, 1]]) {
    const { x, c } = rows(start, count);
    steps.push(vae.trainStep(x, { conditions: c, freeBits: start === 13 ? 0.05 : 0 }));
  }
  const logs = (await vae.fit(data, { epochs: 2, batchSize: 36, klWarmup: 5, freeBits: 0.02, conditions }))
    .map(({ seconds: _, ...rest }) => rest);
  const some = rows(0, 30);
  const out = {
    threads: vae.threads,
    steps, logs,
    saved: vae.save({ includeOptimizer: true }),
    evaluate: vae.evaluate(data, { samples: 3, conditions }),
    scores: vae.scores(some.x, { samples: 4, conditions: some.c }),
    encode: vae.encode(some.x, { sample: true, conditions: some.c }),
    decode: vae.decode(new Float32Array(5 * (config.latentDim ?? 20)).fill(0.3), { conditions: some.c?.subarray(0, 5 * C) }),
    sample: vae.sample(9, { conditions: some.c?.subarray(0, 9 * C) }),
  };
  vae.dispose();
  expect(n).toBeGreaterThan(0);
  return out;
}

describe('threads give the bytes of one thread', () => {
  it('MNIST-like 784-64-8 (zero-skipping paths): save(), logs, evaluate, scores, encode, decode, sample', async () => {
    const data = sparseImages(150);
    const results = [];
    for (const threads of THREADS) results.push(await run({ inputDim: 784, hiddenDims: [64], latentDim: 8, seed: 3 }, threads, data));
    expect(results.map((r) => r.threads)).toEqual(THREADS);
    for (const r of results.slice(1)) {
      const { threads: _, ...rest } = r;
      const { threads: __, ...first } = results[0];
      expect(rest).toEqual(first);
    }
  });

  it('odd sizes, two hidden layers, a Gaussian likelihood, tanh and a condition (no share lines up with a vector)', async () => {
    const D = 37, n = 90, C = 3;
    const data = prototypeData(n, D, 5);
    const conditions = new Float32Array(n * C).map((_, i) => (i % C === Math.floor(i / C) % C ? 1 : 0));
    const config = { inputDim: D, hiddenDims: [23, 11], latentDim: 5, seed: 9, likelihood: 'gaussian', activation: 'tanh', conditionDim: C } as const;
    const results = [];
    for (const threads of THREADS) results.push(await run(config, threads, data, conditions));
    for (const r of results.slice(1)) {
      expect(r.saved).toEqual(results[0].saved);
      expect(r.logs).toEqual(results[0].logs);
      expect(r.scores).toEqual(results[0].scores);
      expect(r.encode).toEqual(results[0].encode);
      expect(r.sample).toEqual(results[0].sample);
    }
  });

  it('a threaded model differs from a differently seeded one (the comparison can fail)', async () => {
    const data = sparseImages(80);
    const a = await run({ inputDim: 784, hiddenDims: [16], latentDim: 4, seed: 1 }, 2, data);
    const b = await run({ inputDim: 784, hiddenDims: [16], latentDim: 4, seed: 2 }, 2, data);
    expect(a.saved).not.toEqual(b.saved);
  });
});

describe('threads: lifecycle and options', () => {
  it('abort stops a threaded fit at a batch boundary, and a resume ends with the bytes of an uninterrupted run', async () => {
    const data = sparseImages(120), config = { inputDim: 784, hiddenDims: [32], latentDim: 4, seed: 4 };
    const straight = await VAE.create(config);
    await straight.fit(data, { epochs: 2, batchSize: 20 });

    const vae = await VAE.create(config, { threads: 2 });
    const controller = new AbortController();
    const logs = await vae.fit(data, { epochs: 2, batchSize: 20, signal: controller.signal, onBatchEnd: (b) => { if (b.epoch === 1 && b.batch === 4) controller.abort(); } });
    expect(logs.at(-1)?.aborted).toBe(true);
    const resumed = await VAE.load(vae.save({ includeOptimizer: true }), { threads: 3 });
    await resumed.fit(data, { epochs: 2, batchSize: 20, resume: true });
    expect(resumed.save({ includeOptimizer: true })).toEqual(straight.save({ includeOptimizer: true }));
    for (const m of [straight, vae, resumed]) m.dispose();
  });

  it('run on a supplied SIMD build (bytes or a URL: the raw-.wasm recipe) to the embedded build\'s bytes; a Module or the scalar build say why not', async () => {
    const data = sparseImages(60), config = { inputDim: 784, hiddenDims: [16], latentDim: 4, seed: 6 };
    const train = async (engine: EngineOptions) => {
      const vae = await VAE.create(config, engine);
      await vae.fit(data, { epochs: 1, batchSize: 20 });
      const out = { threads: vae.threads, saved: vae.save({ includeOptimizer: true }) };
      vae.dispose();
      return out;
    };
    const embedded = await train({ threads: 2 });
    expect(embedded.threads).toBe(2);
    const bytes = await readBytes(wasmUrl('simd'));
    for (const wasm of [bytes, bytes.buffer, wasmUrl('simd')]) expect(await train({ threads: 2, wasm })).toEqual(embedded);
    const compiled = await WebAssembly.compile(bytes);
    await expectVAEError(() => VAE.create(config, { threads: 2, wasm: compiled }), 'UNSUPPORTED_ENGINE',
      /options\.threads: .*a compiled WebAssembly\.Module cannot be given shared memory: pass the SIMD build .* as its URL or bytes/);
    const scalar = await readBytes(wasmUrl('scalar'));
    await expectVAEError(() => VAE.create(config, { threads: 2, wasm: scalar }), 'INVALID_ARGUMENT',
      /options\.wasm: expected the SIMD build .* to run threads; received .*imports no memory with a maximum/);
  });

  it('load({ threads }) runs the loaded model on the pool; dispose ends it and later calls throw DISPOSED', async () => {
    const source = await VAE.create({ inputDim: 784, hiddenDims: [16], latentDim: 4, seed: 2 });
    const vae = await VAE.load(source.save(), { threads: 2 });
    expect(vae.threads).toBe(2);
    const x = sparseImages(8);
    expect(vae.encode(x)).toEqual(source.encode(x));
    vae.dispose();
    expect(vae.threads).toBe(1);
    await expectVAEError(() => vae.encode(x), 'DISPOSED', /VAE\.encode/);
  });

  it('threads must be an integer in [1, 64] or "auto"; "auto" takes the cores (at most 8), and the scalar build runs one', async () => {
    for (const threads of [0, 1.5, 65, -2, 'all', null]) {
      await expectVAEError(() => VAE.create({ inputDim: 4 }, { threads: threads as never }), 'INVALID_ARGUMENT', /VAE\.create: options\.threads must be an integer in \[1, 64\] or 'auto'/);
    }
    await expectVAEError(() => VAE.create({ inputDim: 4 }, { threads: 2, wasm: 'scalar' }), 'UNSUPPORTED_ENGINE', /options\.threads: .*the SIMD build; options\.wasm chose 'scalar'/);
    const auto = await VAE.create({ inputDim: 4 }, { threads: 'auto' });
    expect(auto.threads).toBeGreaterThanOrEqual(1);
    expect(auto.threads).toBeLessThanOrEqual(8);
    auto.dispose();
  });
});

describe('threads: where they run', () => {
  it('this test environment can run a pool (Node, or a cross-origin isolated page)', async () => {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    expect(isolated === undefined || isolated === true).toBe(true);
    const vae = await VAE.create({ inputDim: 4, hiddenDims: [4], latentDim: 2 }, { threads: 2 });
    expect(vae.threads).toBe(2);
    vae.dispose();
  });
});
