// The hot path allocates nothing: once model_reserve has laid out a batch's buffers (zero-skipping lists
// included), training steps, evaluation and sampling at that size never grow wasm memory.
import { describe, expect, it } from 'vitest';
import { BUILDS, initModel, kernels } from '../helpers/wasm.js';
import { sparseImages } from '../helpers/data.js';
import { activationBytes, fittingChunk, type ActivationSpace } from '../../src/wasm/sizes.js';
import type { Engine } from '../../src/wasm/instance.js';
import { JOB_SAMPLE } from '../../build/abi.js';
import { resolveConfig } from '../../src/checks/config.js';

describe('wasm memory during training', () => {
  it('does not grow after model_reserve, over training steps, evaluation and sampling, on sparse and dense data', async () => {
    const k = await kernels(), w = k.w, batch = 32;
    expect(initModel(k, { inputDim: 784, hiddenDims: [64], latentDim: 8, seed: 3 })).toBe(1);
    expect(w.model_reserve(batch)).toBe(1);
    const before = w.memory.buffer.byteLength, mark = w.arena_mark();
    const images = sparseImages(batch, 5), dense = images.map((v, i) => (v > 0 ? v : (i % 7) / 7));
    for (let step = 0; step < 6; step++) {
      k.engine.write(w.model_input(), step % 2 ? dense : images); // both paths: zero-skipping and dense
      w.model_train_step(batch, 1, 1e-3, 0.9, 0.999, 1e-8, 0);
    }
    w.model_evaluate(batch);
    w.model_sample(batch);
    expect(w.model_step()).toBe(6);
    expect(w.memory.buffer.byteLength).toBe(before);
    expect(w.arena_mark()).toBe(mark); // not even the arena moved
  });
});

describe('the facade sizes activations as the wasm lays them out', () => {
  it('activationBytes (src/wasm/sizes.ts) equals what model_reserve carves, for several shapes and batch sizes', async () => {
    for (const source of BUILDS) {
      const k = await kernels(source), w = k.w;
      const config = { inputDim: 37, hiddenDims: [50, 9], latentDim: 3, activation: 'relu', likelihood: 'bernoulli', seed: 1, conditionDim: 5 } as const;
      expect(initModel(k, config)).toBe(1);
      const base = w.arena_mark();
      for (const rows of [1, 3, 16, 129, 1000]) {
        expect(w.model_reserve(rows)).toBe(1);
        expect(w.arena_mark() - base, `${source}, ${rows} rows`).toBe(activationBytes(config, rows, w.build_lanes(), w.build_threads() === 1));
      }
    }
  });
});

// A conditional convolutional model: the condition joins its heads (after the flattened convolution output).
const CONV = {
  inputShape: [2, 10, 10], latentDim: 4, seed: 2, conditionDim: 3,
  encoder: [{ type: 'conv2d', filters: 6, kernel: 4, stride: 2, padding: 1 }, { type: 'conv2d', filters: 8, kernel: 3, stride: 2, padding: 1 }],
  decoder: [{ type: 'dense', units: 72, reshape: [8, 3, 3] }, { type: 'convTranspose2d', filters: 5, kernel: 2, stride: 2 },
    { type: 'convTranspose2d', filters: 2, kernel: 4, stride: 2, padding: 2 }],
} as const;

describe('convolutional models in wasm memory', () => {
  it('activationBytes equals what model_reserve carves; steps, evaluation and sampling then allocate nothing', async () => {
    for (const source of BUILDS) {
      const k = await kernels(source, true), w = k.w;
      expect(initModel(k, CONV, 3)).toBe(1);
      const base = w.arena_mark();
      const config = resolveConfig(CONV, 'tests', 'INVALID_CONFIG');
      for (const rows of [1, 7, 33]) {
        expect(w.model_reserve(rows)).toBe(1);
        expect(w.arena_mark() - base, `${source}, ${rows} rows`).toBe(activationBytes(config, rows, w.build_lanes(), w.build_threads() === 1));
      }
      const before = w.memory.buffer.byteLength, mark = w.arena_mark();
      k.engine.write(w.model_input(), new Float32Array(33 * 200).map((_, i) => (i % 5) / 5));
      for (let step = 0; step < 3; step++) w.model_train_step(33, 1, 1e-3, 0.9, 0.999, 1e-8, 0);
      w.model_evaluate(33);
      w.model_sample(33);
      expect(w.model_step()).toBe(3);
      expect(w.memory.buffer.byteLength).toBe(before);
      expect(w.arena_mark()).toBe(mark);
    }
  });
});

// A likelihood list with every block kind and variance: a wider decoder.out (P = 14 > D = 11), decoder.logvar's rows of
// gradients, and sample()'s uniforms.
const TABLE = {
  inputDim: 11, hiddenDims: [9], latentDim: 3, seed: 4, conditionDim: 2,
  likelihood: [{ gaussian: 3, variance: 'output' }, { categorical: 3 }, { gaussian: 2, variance: 'feature' }, { gaussian: 1, variance: 'shared' }, { bernoulli: 2 }],
} as const;

describe('likelihood-table models in wasm memory', () => {
  it('activationBytes equals what model_reserve carves; steps, evaluation and drawing samples then allocate nothing', async () => {
    for (const source of BUILDS) {
      const k = await kernels(source, true), w = k.w;
      expect(initModel(k, TABLE)).toBe(1);
      const base = w.arena_mark();
      const config = resolveConfig(TABLE, 'tests', 'INVALID_CONFIG');
      for (const rows of [1, 7, 33]) {
        expect(w.model_reserve(rows)).toBe(1);
        expect(w.arena_mark() - base, `${source}, ${rows} rows`).toBe(activationBytes(config, rows, w.build_lanes(), w.build_threads() === 1));
      }
      const before = w.memory.buffer.byteLength, mark = w.arena_mark();
      k.engine.write(w.model_input(), new Float32Array(33 * 11).map((_, i) => (i % 11 >= 3 && i % 11 < 6 ? Number(i % 11 === 3) : (i % 5) / 5)));
      for (let step = 0; step < 3; step++) w.model_train_step(33, 1, 1e-3, 0.9, 0.999, 1e-8, 0);
      w.model_evaluate(33);
      w.model_prepare(JOB_SAMPLE, 33, 1, 1, 0, 0, 0, 0, 0); // samples = 1: draw from each block
      w.model_run(0, 1);
      expect(w.model_step()).toBe(3);
      expect(w.memory.buffer.byteLength).toBe(before);
      expect(w.arena_mark()).toBe(mark);
    }
  });
});

describe('chunks of encode, decode and sample', () => {
  it('halve until they fit the memory bound, never below the capacity already laid out', () => {
    const config = { inputDim: 4, hiddenDims: [16384], latentDim: 2, activation: 'relu', likelihood: 'bernoulli', seed: 0, conditionDim: 0 } as const;
    const space = (maxBytes: number): ActivationSpace => ({
      config, base: 1 << 20,
      engine: { maxBytes, wasm: { model_capacity: () => 128, build_lanes: () => 4, build_threads: () => 1 } } as unknown as Engine,
    });
    const bound = (rows: number) => (1 << 20) + activationBytes(config, rows, 4, true);
    expect(fittingChunk(space(bound(1024)), 1024)).toBe(1024);
    expect(fittingChunk(space(bound(600)), 1024)).toBe(512);
    expect(fittingChunk(space(bound(200)), 1024)).toBe(128);
    expect(fittingChunk(space(0), 1024)).toBe(128);
  });
});
