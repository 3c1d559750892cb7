// The likelihood blocks through the whole model, on both builds that have them (the full SIMD build and the scalar
// one): the loss against the float64 reference of every per-element term (tests/reference/likelihoods.ts), and the
// gradient of every parameter tensor, decoder.logvar included, against central finite differences of that reference.
// The clamp is exercised at both bounds: log-variances of 25 (held at 20) and −35 (held at −30; on a column whose
// residual is exactly 0, so that e^30 multiplies nothing the finite differences could not resolve).
import { describe, expect, it } from 'vitest';
import { finiteDifferences, maxScaledDiff } from '../reference/kernels.js';
import { refLoss, type RefConfig } from '../reference/model.js';
import { blocksRef } from '../reference/likelihoods.js';
import { BUILDS, initModel, kernels, randomArray } from '../helpers/wasm.js';
import { resolveConfig } from '../../src/checks/config.js';
import { blockColumns, blocksOf, outputWidthOf } from '../../src/checks/likelihood.js';
import type { VAEConfig } from '../../src/types.js';

type Clamp = 'none' | 'upper' | 'both';
interface Case { name: string; options: Record<string, unknown>; clamp: Clamp }
const MIXED = [{ gaussian: 2, variance: 'feature' }, { categorical: 3 }, { bernoulli: 2 }, { gaussian: 2, variance: 'output' },
  { gaussian: 1, variance: 'shared' }, { gaussian: 1 }, { categorical: 2 }];
const CASES: Case[] = [
  { name: "'gaussian', variance 'shared'", options: { inputDim: 5, hiddenDims: [4], latentDim: 2, activation: 'tanh', likelihood: 'gaussian', variance: 'shared' }, clamp: 'none' },
  { name: "'gaussian', variance 'shared' held at the upper bound", options: { inputDim: 4, hiddenDims: [3], latentDim: 2, activation: 'relu', likelihood: 'gaussian', variance: 'shared' }, clamp: 'upper' },
  { name: "'gaussian', variance 'feature', both bounds", options: { inputDim: 5, hiddenDims: [4], latentDim: 2, activation: 'tanh', likelihood: 'gaussian', variance: 'feature' }, clamp: 'both' },
  { name: "'gaussian', variance 'output', both bounds", options: { inputDim: 4, hiddenDims: [5], latentDim: 3, activation: 'leakyRelu', likelihood: 'gaussian', variance: 'output' }, clamp: 'both' },
  { name: "'gaussian', variance 'unit' given", options: { inputDim: 3, hiddenDims: [], latentDim: 2, activation: 'sigmoid', likelihood: 'gaussian', variance: 'unit' }, clamp: 'none' },
  { name: 'a mixed list', options: { inputDim: 13, hiddenDims: [6], latentDim: 3, activation: 'tanh', likelihood: MIXED }, clamp: 'none' },
  { name: 'a mixed list, conditional', options: { inputDim: 13, hiddenDims: [], latentDim: 2, activation: 'relu', likelihood: MIXED, conditionDim: 2 }, clamp: 'none' },
  { name: 'categorical blocks alone', options: { inputDim: 7, hiddenDims: [4], latentDim: 2, activation: 'relu', likelihood: [{ categorical: 4 }, { categorical: 3 }] }, clamp: 'none' },
];

/** Rows that fit the blocks: Gaussian columns in [−1, 1], one-hot categorical rows, Bernoulli values in [0, 1]. */
function dataFor(config: VAEConfig, rows: number, seed: number): Float32Array {
  const D = config.inputDim, x = randomArray(rows * D, seed, -1, 1), u = randomArray(rows * D, seed + 1, 0, 1);
  for (const { at, width, block } of blockColumns(config)) {
    for (let r = 0; r < rows; r++) {
      const row = r * D + at;
      if ('categorical' in block) for (let j = 0; j < width; j++) x[row + j] = j === Math.floor(u[row] * width) ? 1 : 0;
      if ('bernoulli' in block) for (let j = 0; j < width; j++) x[row + j] = u[row + j];
    }
  }
  return x;
}

describe('likelihood blocks through model_compute_gradients', () => {
  for (const source of BUILDS) {
    it.each(CASES.map((c) => [c.name, c] as const))(`${source}: %s: the loss is the float64 reference's, every tensor's gradient agrees with finite differences`, async (_n, c) => {
      const k = await kernels(source, true), w = k.w, batch = 3, beta = 0.6;
      const config = resolveConfig({ seed: 7, ...c.options }, 'tests', 'INVALID_CONFIG');
      expect(initModel(k, config)).toBe(1);
      expect(w.model_reserve(batch)).toBe(1);
      const D = config.inputDim, C = config.conditionDim, P = outputWidthOf(config), count = w.model_tensor_count();
      const x = dataFor(config, batch, 5), conditions = randomArray(batch * C, 9, -1, 1);
      const layers = count >> 1, hasLogvar = count % 2 === 1, out = 2 * (layers - 1); // decoder.out's weight tensor
      const tensor = (t: number) => k.get(w.model_tensor_ptr(t), w.model_tensor_floats(t));
      const put = (t: number, values: Float32Array) => k.engine.write(w.model_tensor_ptr(t), values);
      if (hasLogvar) put(count - 1, tensor(count - 1).map((_, i) => 0.3 - 0.2 * i)); // away from the initial 0
      if (c.clamp !== 'none') {
        // Column 0: its mean is exactly x's (zero weights, bias = x, the same in every row); log-variance −35.
        // Column 1 (or the shared value): log-variance 25.
        const weight = tensor(out), bias = tensor(out + 1), inDim = weight.length / P;
        for (let r = 0; r < batch; r++) x[r * D] = 0.25;
        if (c.clamp === 'both') { weight.fill(0, 0, inDim); bias[0] = 0.25; }
        if (config.variance === 'output') {
          weight.fill(0, D * inDim, (D + 2) * inDim);
          bias[D] = -35; bias[D + 1] = 25;
        } else {
          const lv = tensor(count - 1);
          if (c.clamp === 'both') { lv[0] = -35; lv[1] = 25; } else lv[0] = 25;
          put(count - 1, lv);
        }
        put(out, weight); put(out + 1, bias);
      }
      k.engine.write(w.model_input(), x);
      if (C > 0) k.engine.write(w.model_conditions(), conditions);
      w.model_compute_gradients(batch, beta, 0);
      const eps = k.get(w.model_eps(), batch * config.latentDim);
      const tensors: Float64Array[] = [], grads: Float32Array[] = [];
      for (let t = 0; t < count; t++) {
        tensors.push(Float64Array.from(tensor(t)));
        grads.push(k.get(w.model_tensor_grad_ptr(t), w.model_tensor_floats(t)));
      }
      const ref: RefConfig = { inputDim: D, hiddenDims: [...(config.hiddenDims ?? [])], latentDim: config.latentDim,
        activation: config.activation, likelihood: 'gaussian', conditionDim: C, outputDim: P };
      const logvar = hasLogvar ? tensors[count - 1] : new Float64Array(0);
      const loss = () => refLoss(ref, tensors, x, eps, batch, beta, conditions, 0, (d) => blocksRef(blocksOf(config), d, x, logvar, batch)).loss;
      const wasmLoss = k.engine.f64(w.model_results(), 0), refValue = loss();
      // decoder.out moves the e^30 column's mean: the loss is quadratic in it, so a central difference is exact at any
      // step, and a step of 1e-3 keeps the rounding of μ − x (amplified by e^30) out of the difference.
      const step = (i: number) => (c.clamp === 'both' && (i === out || i === out + 1) ? 1e-3 : undefined);
      const diffs = tensors.map((t, i) => maxScaledDiff(grads[i], finiteDifferences(loss, t, step(i))));
      console.log(`${source}, ${c.name}: loss ${wasmLoss.toFixed(6)} (float64 reference ${refValue.toFixed(6)}, relative difference ` +
        `${(Math.abs(wasmLoss - refValue) / Math.abs(refValue)).toExponential(1)}); max scaled gradient difference per tensor ` +
        diffs.map((d) => d.toExponential(1)).join(' '));
      expect(Math.abs(wasmLoss - refValue) / Math.abs(refValue)).toBeLessThan(1e-5);
      for (const d of diffs) expect(d).toBeLessThan(1e-4);
      if (hasLogvar && c.clamp !== 'upper') expect(grads[count - 1].some((v) => Math.abs(v) > 1e-3)).toBe(true);
      if (c.clamp !== 'none') {
        // The clamped log-variances pass no gradient (the reference's differences say the same).
        if (config.variance === 'output') {
          const inDim = grads[out].length / P;
          expect(grads[out + 1][D + 1]).toBe(0);
          expect(grads[out].subarray((D + 1) * inDim, (D + 2) * inDim).every((v) => v === 0)).toBe(true);
          if (c.clamp === 'both') expect(grads[out + 1][D]).toBe(0);
        } else {
          expect(grads[count - 1][c.clamp === 'both' ? 1 : 0]).toBe(0);
          if (c.clamp === 'both') expect(grads[count - 1][0]).toBe(0);
        }
      }
    });
  }
});
