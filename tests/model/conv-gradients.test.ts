// Models with convolution layers: the wasm gradient of the whole loss with respect to every parameter tensor,
// against central finite differences of the float64 layer-list reference (tests/reference/layered-model.ts) at the
// same parameters and ε, on both builds with convolutions (SIMD with convolutions, scalar).
import { describe, expect, it } from 'vitest';
import { finiteDifferences, maxScaledDiff } from '../reference/kernels.js';
import { layeredLoss } from '../reference/layered-model.js';
import { BUILDS, initModel, kernels, randomArray } from '../helpers/wasm.js';
import { resolveConfig } from '../../src/checks/config.js';
import type { VAEConfig } from '../../src/types.js';

const CASES: Array<[string, Record<string, unknown>]> = [
  ['conv2d → dense | dense → convTranspose2d (rectangular kernel), relu, conditional (joins the dense layer)', {
    inputShape: [2, 6, 5], latentDim: 2, activation: 'relu', likelihood: 'bernoulli', conditionDim: 2,
    encoder: [{ type: 'conv2d', filters: 3, kernel: 3, stride: 2, padding: 1 }, { type: 'dense', units: 7 }],
    decoder: [{ type: 'dense', units: 27, reshape: [3, 3, 3] }, { type: 'convTranspose2d', filters: 2, kernel: [4, 3], stride: 2, padding: 1 }],
  }],
  ['conv2d | dense → two convTranspose2d, tanh, Gaussian, conditional (joins the heads)', {
    inputShape: [1, 5, 5], latentDim: 3, activation: 'tanh', likelihood: 'gaussian', conditionDim: 2,
    encoder: [{ type: 'conv2d', filters: 2, kernel: 3 }],
    decoder: [{ type: 'dense', units: 8, reshape: [2, 2, 2] }, { type: 'convTranspose2d', filters: 3, kernel: 2 },
      { type: 'convTranspose2d', filters: 1, kernel: 3 }],
  }],
  ['two conv2d (4 channels: the im2row path) | dense → convTranspose2d, leakyRelu', {
    inputShape: [4, 7, 7], latentDim: 2, activation: 'leakyRelu', likelihood: 'bernoulli',
    encoder: [{ type: 'conv2d', filters: 5, kernel: 3, stride: 2 }, { type: 'conv2d', filters: 4, kernel: 2 }],
    decoder: [{ type: 'dense', units: 45, reshape: [5, 3, 3] }, { type: 'convTranspose2d', filters: 4, kernel: 3, stride: 2 }],
  }],
  ['conv2d, sigmoid (an activation applied after the kernel, not fused)', {
    inputShape: [1, 4, 4], latentDim: 2, activation: 'sigmoid', likelihood: 'bernoulli',
    encoder: [{ type: 'conv2d', filters: 2, kernel: 2, stride: 2 }],
    decoder: [{ type: 'dense', units: 8, reshape: [2, 2, 2] }, { type: 'convTranspose2d', filters: 1, kernel: 2, stride: 2 }],
  }],
];

describe('model_compute_gradients with convolution layers', () => {
  for (const build of BUILDS) {
    it.each(CASES)(`${build}: %s — every tensor agrees with finite differences`, async (_name, options) => {
      const k = await kernels(build, true), w = k.w, batch = 3, beta = 0.7;
      const config: VAEConfig = resolveConfig({ ...options, seed: 42 }, 'tests', 'INVALID_CONFIG');
      expect(initModel(k, config)).toBe(1);
      expect(w.model_reserve(batch)).toBe(1);
      const x = randomArray(batch * config.inputDim, 5, config.likelihood === 'bernoulli' ? 0 : -1, 1);
      k.engine.write(w.model_input(), x);
      const conditions = randomArray(batch * config.conditionDim, 9, -1, 1);
      if (config.conditionDim > 0) k.engine.write(w.model_conditions(), conditions);
      w.model_compute_gradients(batch, beta, 0);
      const eps = k.get(w.model_eps(), batch * config.latentDim);
      const tensors: Float64Array[] = [], grads: Float32Array[] = [];
      for (let t = 0; t < w.model_tensor_count(); t++) {
        tensors.push(Float64Array.from(k.get(w.model_tensor_ptr(t), w.model_tensor_floats(t))));
        grads.push(k.get(w.model_tensor_grad_ptr(t), w.model_tensor_floats(t)));
      }
      const loss = () => layeredLoss(config, tensors, x, eps, batch, beta, conditions).loss;
      const wasmLoss = k.engine.f64(w.model_results(), 0);
      expect(Math.abs(wasmLoss - loss()) / Math.abs(loss())).toBeLessThan(1e-5);
      const diffs = tensors.map((tensor, t) => maxScaledDiff(grads[t], finiteDifferences(loss, tensor)));
      console.log(`${build}, ${_name}: loss ${wasmLoss.toFixed(5)}; max scaled gradient difference per tensor ` +
        diffs.map((d) => d.toExponential(1)).join(' '));
      for (const d of diffs) expect(d).toBeLessThan(1e-4);
      expect(grads.every((g) => g.some((v) => Math.abs(v) > 1e-6))).toBe(true); // every tensor gets a gradient
    });
  }
});
