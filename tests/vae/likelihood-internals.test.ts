// The internal calls reconstructionError builds on (src/wasm/model.ts): the decoder's raw parameter rows (P values per
// row) for given z, and the decoder.logvar vector. decode's means are those rows through each block's mean function.
import { describe, expect, it } from 'vitest';
import { WasmModel } from '../../src/wasm/model.js';
import { resolveConfig } from '../../src/checks/config.js';
import { outputWidthOf } from '../../src/checks/likelihood.js';
import { randomArray } from '../helpers/wasm.js';

const BLOCKS = [{ gaussian: 2, variance: 'output' }, { categorical: 3 }, { bernoulli: 2 }, { gaussian: 2, variance: 'feature' }, { gaussian: 1, variance: 'shared' }];

describe('decoder parameter rows and decoder.logvar', () => {
  it('decoderOutput gives P values per row; decode is σ, softmax and μ of them; decoderLogVar is the saved tensor', async () => {
    const config = resolveConfig({ inputDim: 10, hiddenDims: [6], latentDim: 3, seed: 4, likelihood: BLOCKS }, 'tests', 'INVALID_CONFIG');
    const model = await WasmModel.create('tests', config, undefined, 1);
    const P = outputWidthOf(config), rows = 5, z = randomArray(rows * 3, 3, -2, 2);
    expect(P).toBe(12);
    const raw = model.decoderOutput('tests', z, undefined), means = model.decode('tests', z, undefined);
    expect(raw).toHaveLength(rows * P);
    const sigmoid = (l: number) => 1 / (1 + Math.exp(-l));
    for (let r = 0; r < rows; r++) {
      const p = raw.subarray(r * P, (r + 1) * P), m = means.subarray(r * 10, (r + 1) * 10);
      const expected = [p[0], p[1]]; // the 'output' block: means, then (skipped) its two log-variances
      const e = [p[4], p[5], p[6]].map(Math.exp), sum = e[0] + e[1] + e[2];
      expected.push(...e.map((v) => v / sum), sigmoid(p[7]), sigmoid(p[8]), p[9], p[10], p[11]);
      for (let j = 0; j < 10; j++) expect(Math.abs(m[j] - expected[j])).toBeLessThan(1e-6);
    }
    const weights = model.weights();
    const logvar = model.decoderLogVar();
    expect(logvar).toEqual(weights[weights.length - 1]);
    expect(logvar).toHaveLength(3); // 'feature' of 2 columns, then 'shared'
    expect(Array.from(logvar!)).toEqual([0, 0, 0]); // initialised to 0
    model.dispose();
    const plain = await WasmModel.create('tests', resolveConfig({ inputDim: 4, hiddenDims: [3], latentDim: 2 }, 'tests', 'INVALID_CONFIG'), undefined, 1);
    expect(plain.decoderLogVar()).toBeNull();
    expect(plain.decoderOutput('tests', new Float32Array(2), undefined)).toHaveLength(4);
    plain.dispose();
  });
});
