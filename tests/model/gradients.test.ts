// The full model: the wasm gradient of the whole loss with respect to every parameter tensor, against
// central finite differences of the float64 reference model evaluated at the same parameters and ε.
import { describe, expect, it } from 'vitest';
import { finiteDifferences, maxScaledDiff } from '../reference/kernels.js';
import { refLoss, type RefConfig } from '../reference/model.js';
import { initModel, kernels, randomArray } from '../helpers/wasm.js';

type Case = RefConfig & { freeBits?: number };
const CASES: Case[] = [
  { inputDim: 6, hiddenDims: [5, 4], latentDim: 3, activation: 'relu', likelihood: 'bernoulli' },
  { inputDim: 5, hiddenDims: [4], latentDim: 2, activation: 'tanh', likelihood: 'gaussian' },
  { inputDim: 4, hiddenDims: [], latentDim: 2, activation: 'sigmoid', likelihood: 'bernoulli' },
  { inputDim: 7, hiddenDims: [3], latentDim: 2, activation: 'leakyRelu', likelihood: 'gaussian' },
  // conditional VAEs: the condition joins the encoder's and the decoder's input
  { inputDim: 6, hiddenDims: [5], latentDim: 3, activation: 'tanh', likelihood: 'bernoulli', conditionDim: 2 },
  { inputDim: 4, hiddenDims: [], latentDim: 2, activation: 'relu', likelihood: 'gaussian', conditionDim: 3 },
  // free bits: λ between the dimensions' KLs, so some are held at λ (no KL gradient) and some are not
  { inputDim: 6, hiddenDims: [5], latentDim: 4, activation: 'tanh', likelihood: 'bernoulli', freeBits: 0.05 },
];
const label = (c: Case) => `${c.inputDim}-${c.hiddenDims.join('-')}${c.hiddenDims.length ? '-' : ''}${c.latentDim} ${c.activation} ` +
  `${c.likelihood}${c.conditionDim ? `, conditionDim ${c.conditionDim}` : ''}${c.freeBits ? `, free bits ${c.freeBits}` : ''}`;

describe('model_compute_gradients', () => {
  it.each(CASES.map((c) => [label(c), c] as const))(
    '%s: every parameter tensor agrees with finite differences', async (_name, c) => {
      const k = await kernels();
      const w = k.w, batch = 3, beta = 0.7;
      expect(initModel(k, { inputDim: c.inputDim, hiddenDims: c.hiddenDims, latentDim: c.latentDim, activation: c.activation,
        likelihood: c.likelihood, seed: 42, conditionDim: c.conditionDim ?? 0 })).toBe(1);
      expect(w.model_reserve(batch)).toBe(1);
      const x = randomArray(batch * c.inputDim, 5, c.likelihood === 'bernoulli' ? 0 : -1, 1);
      k.engine.write(w.model_input(), x);
      const C = c.conditionDim ?? 0, freeBits = c.freeBits ?? 0;
      const conditions = randomArray(batch * C, 9, -1, 1);
      if (C > 0) k.engine.write(w.model_conditions(), conditions);
      w.model_compute_gradients(batch, beta, freeBits);
      const eps = k.get(w.model_eps(), batch * c.latentDim);
      const tensors: Float64Array[] = [], grads: Float32Array[] = [];
      for (let t = 0; t < w.model_tensor_count(); t++) {
        const size = w.model_tensor_floats(t);
        tensors.push(Float64Array.from(k.get(w.model_tensor_ptr(t), size)));
        grads.push(k.get(w.model_tensor_grad_ptr(t), size));
      }
      // The gradient is of the objective: the loss, with Σⱼ max(λ, KLⱼ) as the KL term under free bits.
      const loss = () => refLoss(c, tensors, x, eps, batch, beta, conditions, freeBits).objective;
      const ref = refLoss(c, tensors, x, eps, batch, beta, conditions, freeBits);
      const wasmLoss = k.engine.f64(w.model_results(), 0);
      expect(Math.abs(wasmLoss - ref.loss) / Math.abs(ref.loss)).toBeLessThan(1e-5);
      expect(Math.abs(k.engine.f64(w.model_results(), 3) - ref.klObjective) / ref.klObjective).toBeLessThan(1e-5);
      if (freeBits > 0) expect(ref.klObjective).toBeGreaterThan(ref.kl); // some dimensions are below λ: the test bites
      const diffs = tensors.map((tensor, t) => maxScaledDiff(grads[t], finiteDifferences(loss, tensor)));
      console.log(`${label(c)}: loss ${wasmLoss.toFixed(5)}; max scaled gradient difference per tensor ` +
        diffs.map((d) => d.toExponential(1)).join(' '));
      for (const d of diffs) expect(d).toBeLessThan(1e-4);
      // gradients are not trivially zero
      expect(grads.some((g) => g.some((v) => Math.abs(v) > 1e-3))).toBe(true);
      // they overwrite the gradient block: the same batch and ε again give the same bits, not twice the values
      w.model_reseed(1);
      w.model_compute_gradients(batch, beta, freeBits);
      for (let t = 0; t < w.model_tensor_count(); t++) expect(k.get(w.model_tensor_grad_ptr(t), grads[t].length)).toEqual(grads[t]);
    });
});
