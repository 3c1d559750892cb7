// The whole model trains the same bytes whatever the zero-skipping policy: dense products only, listed products
// wherever possible, or the per-batch choice (the default). Digit-like inputs, so the listed path really runs.
import { describe, expect, it } from 'vitest';
import { initModel, kernels } from '../helpers/wasm.js';
import { ACTIVATIONS } from '../../src/checks/config.js';
import { sparseImages } from '../helpers/data.js';

const SKIP_AUTO = 0, SKIP_NEVER = 1, SKIP_ALWAYS = 2;

async function trainedParameters(policy: number, activation: number): Promise<Float32Array> {
  const k = await kernels(), w = k.w, batch = 16;
  expect(initModel(k, { inputDim: 784, hiddenDims: [64, 32], latentDim: 8, activation: ACTIVATIONS[activation], seed: 7 })).toBe(1);
  expect(w.model_reserve(batch)).toBe(1);
  w.model_set_skip_policy(policy);
  const data = sparseImages(batch * 3, 9);
  for (let step = 0; step < 3; step++) {
    k.engine.write(w.model_input(), data.subarray(step * batch * 784, (step + 1) * batch * 784));
    w.model_train_step(batch, 1, 1e-3, 0.9, 0.999, 1e-8, 0);
  }
  const first = w.model_tensor_ptr(0), count = w.model_parameter_floats();
  return k.get(first, count);
}

describe('training under every zero-skipping policy', () => {
  it.each([['relu', 0], ['tanh', 2]] as const)('%s: three Adam steps leave the same parameter bytes', async (_name, activation) => {
    const never = await trainedParameters(SKIP_NEVER, activation);
    for (const policy of [SKIP_ALWAYS, SKIP_AUTO]) {
      const other = await trainedParameters(policy, activation);
      const a = new Uint32Array(other.buffer), b = new Uint32Array(never.buffer);
      let differing = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
      expect(a.length).toBe(b.length);
      expect(differing).toBe(0);
    }
    expect(never.some((v) => v !== 0)).toBe(true);
  });
});
