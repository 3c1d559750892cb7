// The full model: the wasm gradient of the whole loss with respect to every parameter tensor, against
// central finite differences of the float64 reference model evaluated at the same parameters and ε.
import { describe, expect, it } from 'vitest';
import { ACTIVATION_KINDS, finiteDifferences, maxScaledDiff } from '../reference/kernels.js';
import { refLoss, type RefConfig } from '../reference/model.js';
import { kernels, randomArray } from '../helpers/wasm.js';

const CASES: RefConfig[] = [
  { inputDim: 6, hiddenDims: [5, 4], latentDim: 3, activation: 'relu', likelihood: 'bernoulli' },
  { inputDim: 5, hiddenDims: [4], latentDim: 2, activation: 'tanh', likelihood: 'gaussian' },
  { inputDim: 4, hiddenDims: [], latentDim: 2, activation: 'sigmoid', likelihood: 'bernoulli' },
  { inputDim: 7, hiddenDims: [3], latentDim: 2, activation: 'leakyRelu', likelihood: 'gaussian' },
];

describe('model_compute_gradients', () => {
  it.each(CASES.map((c) => [`${c.inputDim}-${c.hiddenDims.join('-')}${c.hiddenDims.length ? '-' : ''}${c.latentDim} ${c.activation} ${c.likelihood}`, c] as const))(
    '%s: every parameter tensor agrees with finite differences', async (_name, c) => {
      const k = await kernels();
      const w = k.w, batch = 3, beta = 0.7;
      const hidden = k.zeros(Math.max(1, c.hiddenDims.length));
      new Uint32Array(w.memory.buffer, hidden, c.hiddenDims.length).set(c.hiddenDims);
      expect(w.model_init(c.inputDim, c.latentDim, hidden, c.hiddenDims.length, ACTIVATION_KINDS.indexOf(c.activation),
        c.likelihood === 'bernoulli' ? 0 : 1, 42)).toBe(1);
      expect(w.model_reserve(batch)).toBe(1);
      const x = randomArray(batch * c.inputDim, 5, c.likelihood === 'bernoulli' ? 0 : -1, 1);
      k.engine.write(w.model_input(), x);
      w.model_compute_gradients(batch, beta);
      const eps = k.get(w.model_eps(), batch * c.latentDim);
      const tensors: Float64Array[] = [], grads: Float32Array[] = [];
      for (let t = 0; t < w.model_tensor_count(); t++) {
        const size = w.model_tensor_rows(t) * Math.max(1, w.model_tensor_cols(t));
        tensors.push(Float64Array.from(k.get(w.model_tensor_ptr(t), size)));
        grads.push(k.get(w.model_tensor_grad_ptr(t), size));
      }
      const loss = () => refLoss(c, tensors, x, eps, batch, beta).loss;
      const wasmLoss = k.engine.f64(w.model_results(), 0);
      expect(Math.abs(wasmLoss - loss()) / Math.abs(loss())).toBeLessThan(1e-5);
      const diffs = tensors.map((tensor, t) => maxScaledDiff(grads[t], finiteDifferences(loss, tensor)));
      console.log(`${c.activation}/${c.likelihood}: loss ${wasmLoss.toFixed(5)}; max scaled gradient difference per tensor ` +
        diffs.map((d) => d.toExponential(1)).join(' '));
      for (const d of diffs) expect(d).toBeLessThan(1e-4);
      // gradients are not trivially zero
      expect(grads.some((g) => g.some((v) => Math.abs(v) > 1e-3))).toBe(true);
      // they overwrite the gradient block: the same batch and ε again give the same bits, not twice the values
      w.model_reseed(1);
      w.model_compute_gradients(batch, beta);
      for (let t = 0; t < w.model_tensor_count(); t++) expect(k.get(w.model_tensor_grad_ptr(t), grads[t].length)).toEqual(grads[t]);
    });
});
