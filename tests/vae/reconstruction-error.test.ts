// VAE.reconstructionError: −log p(x | z = posterior mean) per element and per row. The element terms are checked
// against the float64 references of the likelihood tests (tests/reference/likelihoods.ts) on random decoder outputs,
// every block kind and variance mode, clamp bounds included; the method against decode's means and the saved
// decoder.logvar on trained models.
import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { elementNll, rowSums } from '../../src/extras/reconstruction-error.js';
import { resolveConfig } from '../../src/checks/config.js';
import { outputWidthOf } from '../../src/checks/likelihood.js';
import type { LikelihoodBlock } from '../../src/types.js';
import { bernoulliElementRef, blocksRef, gaussianLearnedRef } from '../reference/likelihoods.js';
import { MIXED_BLOCKS, MIXED_D, mixedData } from '../helpers/mixed-data.js';
import { randomArray } from '../helpers/wasm.js';
import { expectVAEError } from '../helpers/errors.js';

const BLOCKS: LikelihoodBlock[] = [{ gaussian: 2, variance: 'output' }, { categorical: 3 }, { bernoulli: 2 },
  { gaussian: 2, variance: 'feature' }, { gaussian: 1, variance: 'shared' }, { gaussian: 1 }];

/** The tensor `name` of a safetensors file, as float32 values. */
function tensorOf(bytes: Uint8Array, name: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), length = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  const [from, to] = header[name].data_offsets as [number, number];
  return new Float32Array(bytes.slice(8 + length + from, 8 + length + to).buffer);
}

describe('reconstruction error terms', () => {
  it('each row of elementNll sums to the float64 reference of every block, log-variances beyond both clamp bounds included', () => {
    const config = resolveConfig({ inputDim: 11, hiddenDims: [4], latentDim: 2, likelihood: BLOCKS }, 'tests', 'INVALID_CONFIG');
    const P = outputWidthOf(config), rows = 40, D = 11;
    const params = randomArray(rows * P, 5, -4, 4);
    for (let r = 0; r < rows; r += 7) params[r * P + 2] = r % 2 ? 35 : -45; // an 'output' log-variance past a bound
    const logVar = Float32Array.from([0.7, -1.3, 25]); // the last ('shared') past the upper bound
    const x = randomArray(rows * D, 6, -3, 3);
    for (let r = 0; r < rows; r++) {
      const cat = r % 3; for (let j = 0; j < 3; j++) x[r * D + 2 + j] = j === cat ? 1 : 0;
      for (let j = 5; j < 7; j++) x[r * D + j] = x[r * D + j] > 0 ? 1 : 0.25;
    }
    const elements = elementNll(config, x, params, logVar, new Float64Array(rows * D)), sums = rowSums(elements, D);
    let worst = 0;
    for (let r = 0; r < rows; r++) {
      const want = blocksRef(BLOCKS, params.subarray(r * P, (r + 1) * P), x.subarray(r * D, (r + 1) * D), logVar, 1);
      worst = Math.max(worst, Math.abs(sums[r] - want) / Math.max(1, Math.abs(want)));
      // the categorical block's cross-entropy sits on the observed category's column alone
      for (let j = 0; j < 3; j++) if (x[r * D + 2 + j] === 0) expect(elements[r * D + 2 + j]).toBe(0);
    }
    console.log(`elementNll vs float64 reference: worst relative difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-12); // the same float64 terms, summed in another order
  });
});


describe('VAE.reconstructionError', () => {
  it('on a trained mixed model: decode\'s means and the saved decoder.logvar give the same numbers; the model does not move', async () => {
    const vae = await VAE.create({ inputDim: MIXED_D, hiddenDims: [16], latentDim: 3, likelihood: MIXED_BLOCKS as unknown as LikelihoodBlock[], seed: 2 });
    const data = mixedData(600, 3);
    await vae.fit(data, { epochs: 3 });
    const x = data.subarray(0, 50 * MIXED_D), rows = 50, D = MIXED_D;
    const before = vae.save({ includeOptimizer: true });
    const errors = vae.reconstructionError(x), elements = vae.reconstructionError(x, { perFeature: true });
    expect(errors).toBeInstanceOf(Float64Array);
    expect(elements).toHaveLength(rows * D);
    expect(vae.reconstructionError(x)).toEqual(errors);
    expect(vae.save({ includeOptimizer: true })).toEqual(before);
    const means = vae.reconstruct(x), logVar = tensorOf(before, 'decoder.logvar'); // the 'feature' block's three
    expect(logVar).toHaveLength(3);
    let worst = 0;
    for (let r = 0; r < rows; r++) {
      const xs = x.subarray(r * D, (r + 1) * D), m = means.subarray(r * D, (r + 1) * D);
      let want = -Math.log(m[xs.subarray(0, 4).indexOf(1)]) - Math.log(m[4 + xs.subarray(4, 7).indexOf(1)]);
      for (let j = 0; j < 3; j++) want += gaussianLearnedRef(xs[7 + j], m[7 + j], logVar[j]);
      want += -(xs[10] * Math.log(m[10]) + (1 - xs[10]) * Math.log(1 - m[10]));
      worst = Math.max(worst, Math.abs(errors[r] - want) / Math.max(1, Math.abs(want)));
      let s = 0; for (let j = 0; j < D; j++) s += elements[r * D + j];
      expect(Math.abs(s - errors[r])).toBeLessThan(1e-4 * Math.max(1, Math.abs(errors[r])));
    }
    console.log(`reconstructionError vs decode's means: worst relative difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
    vae.dispose();
  });

  it('on a Bernoulli model it is the binary cross-entropy of reconstruct\'s probabilities', async () => {
    const vae = await VAE.create({ inputDim: 12, hiddenDims: [8], latentDim: 2, seed: 1 });
    const x = randomArray(20 * 12, 9, 0, 1);
    const errors = vae.reconstructionError(x), p = vae.reconstruct(x);
    for (let r = 0; r < 20; r++) {
      let want = 0;
      for (let j = r * 12; j < (r + 1) * 12; j++) want += -(x[j] * Math.log(p[j]) + (1 - x[j]) * Math.log(1 - p[j]));
      expect(Math.abs(errors[r] - want)).toBeLessThan(1e-4 * want);
      expect(Math.abs(errors[r] - Array.from(x.subarray(r * 12, (r + 1) * 12), (t, j) => bernoulliElementRef(t, Math.log(p[r * 12 + j] / (1 - p[r * 12 + j])))).reduce((a, b) => a + b))).toBeLessThan(1e-3);
    }
    vae.dispose();
  });

  it('refuses bad arguments with the call, the expectation and what came', async () => {
    const vae = await VAE.create({ inputDim: 4, hiddenDims: [3], latentDim: 2, seed: 1 });
    await expectVAEError(() => vae.reconstructionError(new Float32Array(6)), 'INVALID_ARGUMENT', /VAE\.reconstructionError.*x/);
    await expectVAEError(() => vae.reconstructionError(new Float32Array(4), { perFeature: 'yes' as unknown as false }), 'INVALID_ARGUMENT', /options\.perFeature.*a boolean/);
    await expectVAEError(() => vae.reconstructionError(Float32Array.of(0, 2, 0, 0)), 'INVALID_ARGUMENT', /VAE\.reconstructionError.*\[0, 1\]/);
    vae.dispose();
  });
});
