// The conditional VAE through the API: conditions in every call, checked like any input, saved with the model,
// and bit-identical training on the SIMD and the scalar build. (Its gradients: tests/model/gradients.test.ts.)
import { SIMD_ENGINE } from '../helpers/wasm.js';
import { describe, expect, it } from 'vitest';
import { oneHot as oneHotRows, VAE } from '../../src/index.js';
import { prototypeData, sameBytes } from '../helpers/data.js';

const D = 20, C = 3, L = 2;
const config = { inputDim: D, hiddenDims: [12], latentDim: L, conditionDim: C, seed: 4 };
const data = prototypeData(90, D);
const labels = Float32Array.from({ length: 90 * C }, (_, i) => (i % C === Math.floor(i / C) % C ? 1 : 0)); // one-hot, 3 classes
const oneHot = (c: number, n: number) => Float32Array.from({ length: n * C }, (_, i) => (i % C === c ? 1 : 0));

describe('conditional VAE', () => {
  it('trains with conditions, and its outputs depend on them', async () => {
    const vae = await VAE.create(config);
    expect(vae.parameterCount).toBe((D + C + 1) * 12 + 2 * (12 + 1) * L + (L + C + 1) * 12 + (12 + 1) * D);
    const before = vae.evaluate(data, { conditions: labels }).loss;
    const logs = await vae.fit(data, { conditions: labels, epochs: 5, batchSize: 16, learningRate: 1e-2,
      validationData: data.subarray(0, 30 * D), validationConditions: labels.subarray(0, 30 * C) });
    expect(logs[4].valLoss).toBeDefined();
    expect(vae.evaluate(data, { conditions: labels }).loss).toBeLessThan(before);
    const z = new Float32Array(4 * L);
    const a = vae.decode(z, { conditions: oneHot(0, 4) }), b = vae.decode(z, { conditions: oneHot(1, 4) });
    expect(sameBytes(new Uint8Array(a.buffer), new Uint8Array(b.buffer))).toBe(false);
    expect(vae.sample(5, { conditions: oneHot(2, 5) })).toHaveLength(5 * D);
    expect(vae.encode(data.subarray(0, 2 * D), { conditions: oneHot(1, 2) }).mean).toHaveLength(2 * L);
    expect(vae.reconstruct(data.subarray(0, 2 * D), { conditions: oneHot(1, 2) })).toHaveLength(2 * D);
  });

  it('refuses missing, mis-sized or non-finite conditions, and conditions on a plain model', async () => {
    const vae = await VAE.create(config);
    expect(() => vae.encode(data.subarray(0, D))).toThrow(/options\.conditions must be a Float32Array of 1 × 3 conditions \(conditionDim 3\); received undefined/);
    expect(() => vae.sample(2, { conditions: oneHot(0, 3) })).toThrow(/options\.conditions\.length must be 2 × 3 = 6; received 9/);
    const bad = oneHot(0, 1); bad[1] = NaN;
    expect(() => vae.decode(new Float32Array(L), { conditions: bad })).toThrow(/must hold finite numbers; received NaN at index 1/);
    await expect(vae.fit(data, { conditions: labels, validationData: data })).rejects.toThrow(/options\.validationConditions must be a Float32Array/);
    const plain = await VAE.create({ inputDim: D });
    expect(() => plain.sample(1, { conditions: oneHot(0, 1) })).toThrow(/options\.conditions must be absent \(this model has conditionDim 0\)/);
    expect(() => vae.save({ names: 'pytorch-examples' })).toThrow(/and no condition/);
  });

  it.runIf(SIMD_ENGINE)('saves and loads with its conditionDim, and trains the same bytes on the SIMD and the scalar build', async () => {
    const simd = await VAE.create(config, { wasm: 'simd' }), scalar = await VAE.create(config, { wasm: 'scalar' });
    for (const vae of [simd, scalar]) await vae.fit(data, { conditions: labels, epochs: 2, batchSize: 16 });
    expect(sameBytes(simd.save(), scalar.save())).toBe(true);
    const loaded = await VAE.load(simd.save({ includeOptimizer: true }));
    expect(loaded.config.conditionDim).toBe(C);
    const x = data.subarray(0, 3 * D), c = labels.subarray(0, 3 * C);
    expect(loaded.encode(x, { conditions: c })).toEqual(simd.encode(x, { conditions: c }));
  });

  it('oneHot builds the conditions from labels, and refuses labels outside the classes', () => {
    expect(Array.from(oneHotRows([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => oneHotRows([1, 3], 3)).toThrow(/oneHot: labels must be integers in \[0, 3\); received 3 at index 1/);
    expect(() => oneHotRows([0], 0)).toThrow(/classes must be a positive integer/);
  });
});
