// Scaling kept with the model (config.normalize): the first fit's statistics against a naive float64 computation;
// every call in the data's units (the same bits as a plain model trained on data scaled by hand); the statistics
// reused, saved, loaded, resumed and checked as hostile input; the errors; and the advice a unit-variance Gaussian
// model gives about raw data.
import { describe, expect, it, vi } from 'vitest';
import { VAE } from '../../src/index.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/files/safetensors.js';
import { normalizedColumns } from '../../src/extras/normalized-columns.js';
import { resolveConfig } from '../../src/checks/config.js';
import { expectVAEError } from '../helpers/errors.js';
import { randomArray } from '../helpers/wasm.js';

const D = 6, N = 240;
/** Column scales over five orders of magnitude (column 4 constant), offsets far from 0, two latent factors. */
const SCALES = [0.05, 1, 30, 3000, 0, 7], OFFSETS = [1, -2, 100, 5000, 42, 0];
function rawData(n: number, seed: number): Float32Array {
  const f = randomArray(2 * n, seed), noise = randomArray(n * D, seed + 1, -0.1, 0.1), out = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    const [a, b] = [f[2 * i], f[2 * i + 1]];
    [a, b, a * b, Math.sin(2 * a), 0, a - b].forEach((v, j) => { out[i * D + j] = OFFSETS[j] + SCALES[j] * (v + noise[i * D + j]); });
  }
  return out;
}
const raw = rawData(N, 5);
const gaussian = { inputDim: D, hiddenDims: [16], latentDim: 2, likelihood: 'gaussian', seed: 11 } as const;
const quiet = { onWarning: () => {} };
const fitOptions = { epochs: 3, batchSize: 32, learningRate: 3e-3, ...quiet };

/** Naive float64 column statistics: the mean, population SD, min, max. */
function naive(data: Float32Array): { mean: number[]; sd: number[]; min: number[]; max: number[] } {
  const n = data.length / D, col = (j: number) => Array.from({ length: n }, (_, i) => data[i * D + j]);
  const mean = [...Array(D).keys()].map((j) => col(j).reduce((a, b) => a + b, 0) / n);
  const sd = mean.map((m, j) => Math.sqrt(col(j).reduce((a, v) => a + (v - m) * (v - m), 0) / n));
  return { mean, sd, min: mean.map((_, j) => Math.min(...col(j))), max: mean.map((_, j) => Math.max(...col(j))) };
}
const scaledByHand = (data: Float32Array, shift: Float32Array, scale: Float32Array) => data.map((v, i) => (v - shift[i % D]) / scale[i % D]);
const unscaledByHand = (data: Float32Array, shift: Float32Array, scale: Float32Array) => data.map((v, i) => v * scale[i % D] + shift[i % D]);
const header = (bytes: Uint8Array) => decodeSafetensors(bytes);

describe('normalize: the statistics', () => {
  it("'standardize' and 'minmax' store float32 of the naive float64 mean and SD, min and max − min; a constant column gets scale 1", async () => {
    const ref = naive(raw);
    const standardized = await VAE.create({ ...gaussian, normalize: 'standardize' });
    expect(standardized.normalization).toBeNull();
    await standardized.fit(raw, fitOptions);
    const s = standardized.normalization!;
    const expectedScale = ref.sd.map((v) => (v > 0 ? Math.fround(v) : 1));
    console.log(`standardize: max |shift − mean| ${Math.max(...ref.mean.map((m, j) => Math.abs(s.shift[j] - m)))}, ` +
      `max relative |scale − sd| ${Math.max(...ref.sd.map((v, j) => (v > 0 ? Math.abs(s.scale[j] - v) / v : 0)))}`);
    expect(Array.from(s.shift)).toEqual(ref.mean.map(Math.fround));
    expect(Array.from(s.scale)).toEqual(expectedScale);
    expect(s.scale[4]).toBe(1);

    const minmax = await VAE.create({ ...gaussian, normalize: 'minmax' });
    await minmax.fit(raw, fitOptions);
    expect(Array.from(minmax.normalization!.shift)).toEqual(ref.min.map(Math.fround));
    expect(Array.from(minmax.normalization!.scale)).toEqual(ref.max.map((v, j) => (v > ref.min[j] ? Math.fround(v - ref.min[j]) : 1)));
  });

  it('are computed once: a later fit reuses them, and vae.normalization hands out copies', async () => {
    const vae = await VAE.create({ ...gaussian, normalize: 'standardize' });
    await vae.fit(raw, fitOptions);
    const first = vae.normalization!, kept = { shift: first.shift.slice(), scale: first.scale.slice() };
    first.shift[0] = 123;
    await vae.fit(raw.map((v) => 2 * v + 1), fitOptions);
    expect(vae.normalization).toEqual(kept);
    const again = await VAE.create({ ...gaussian, normalize: 'standardize' });
    await again.fit(raw, fitOptions);
    expect(vae.normalization).toEqual(again.normalization);
  });

  it('apply to Gaussian columns, or every column of a Bernoulli model with minmax', () => {
    const cols = (o: object) => normalizedColumns(resolveConfig({ inputDim: 3, ...o }, 'test', 'INVALID_CONFIG'));
    expect(cols({ likelihood: 'gaussian', normalize: 'standardize' })).toEqual([true, true, true]);
    expect(cols({ likelihood: 'gaussian', normalize: 'minmax' })).toEqual([true, true, true]);
    expect(cols({ likelihood: 'bernoulli', normalize: 'minmax' })).toEqual([true, true, true]);
    expect(cols({ likelihood: 'gaussian' })).toEqual([false, false, false]);
    expect(cols({ likelihood: 'gaussian', normalize: 'none' })).toEqual([false, false, false]);
  });
});

describe('normalize: every call in the data units', () => {
  it('is the same bits as a plain model trained on the data scaled by hand, outputs scaled back', async () => {
    const model = await VAE.create({ ...gaussian, normalize: 'standardize' });
    await model.fit(raw, { ...fitOptions, validationData: raw.subarray(0, 40 * D) });
    const { shift, scale } = model.normalization!;
    const scaled = scaledByHand(raw, shift, scale);
    const plain = await VAE.create(gaussian);
    await plain.fit(scaled, { ...fitOptions, validationData: scaled.subarray(0, 40 * D) });
    const tensors = (vae: VAE) => [...header(vae.save()).tensors.values()].map((t) => t.data);
    expect(tensors(model)).toEqual(tensors(plain));

    const x = raw.subarray(0, 10 * D), sx = scaled.subarray(0, 10 * D), z = randomArray(4 * 2, 3);
    expect(model.encode(x)).toEqual(plain.encode(sx));
    expect(model.encode(x, { sample: true })).toEqual(plain.encode(sx, { sample: true }));
    expect(model.decode(z)).toEqual(unscaledByHand(plain.decode(z), shift, scale));
    expect(model.reconstruct(x)).toEqual(unscaledByHand(plain.reconstruct(sx), shift, scale));
    expect(model.sample(5)).toEqual(unscaledByHand(plain.sample(5), shift, scale));
    expect(model.evaluate(x, { samples: 3 })).toEqual(plain.evaluate(sx, { samples: 3 }));
    expect(model.scores(x, { samples: 2 })).toEqual(plain.scores(sx, { samples: 2 }));
    expect(model.interpolate(x.subarray(0, D), x.subarray(D, 2 * D), 3))
      .toEqual(unscaledByHand(plain.interpolate(sx.subarray(0, D), sx.subarray(D, 2 * D), 3), shift, scale));
    expect(model.trainStep(x)).toEqual(plain.trainStep(sx));
    expect(tensors(model)).toEqual(tensors(plain));
  });

  it('reconstructions come out in the data units: column means near the data means, however wide the column', async () => {
    const model = await VAE.create({ ...gaussian, normalize: 'standardize' });
    await model.fit(raw, { ...fitOptions, epochs: 20 });
    const ref = naive(raw), rec = naive(model.reconstruct(raw));
    const off = ref.mean.map((m, j) => Math.abs(rec.mean[j] - m) / (ref.sd[j] || 1));
    console.log(`reconstruction column means: |mean − data mean| / data SD = ${off.map((v) => v.toFixed(3)).join(', ')}`);
    for (const v of off) expect(v).toBeLessThan(0.25);
  });

  it("'minmax' lets a Bernoulli model take values in any range: its data land in [0, 1], its outputs in [min, max]", async () => {
    const data = raw.map((v) => Math.abs(v)); // outside [0, 1]
    const bernoulli = { inputDim: D, hiddenDims: [8], latentDim: 2, seed: 3 };
    await expectVAEError(async () => (await VAE.create(bernoulli)).fit(data), 'INVALID_ARGUMENT',
      /VAE\.fit: data must hold numbers in \[0, 1\] for likelihood 'bernoulli'; received [\d.e+]+ at index \d+ \(row \d+, column \d+\)\. Scale it to \[0, 1\] \(normalize: 'minmax'\), or use likelihood: 'gaussian' with normalize: 'standardize' for real values$/);
    const vae = await VAE.create({ ...bernoulli, normalize: 'minmax' });
    await vae.fit(data, fitOptions);
    const { min, max } = naive(data), out = vae.sample(50);
    // p ∈ [0, 1] maps to p·scale + min: within [min, max] up to scale's float32 rounding (column 4 is constant, so its
    // scale is 1 and it spans [min, min + 1]).
    out.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(min[i % D]);
      expect(v).toBeLessThanOrEqual(i % D === 4 ? min[4] + 1 : max[i % D] * (1 + 1e-6));
    });
    const beyond = data.slice(0, D);
    beyond[3] = max[3] * 2;
    expect(() => vae.evaluate(beyond)).toThrow(/received [\d.]+ at index 3 \(row 0, column 3\), scaled by normalize 'minmax'$/);
  });
});

describe('normalize: errors', () => {
  it('a model with normalize refuses every data call before its first fit, and changes nothing', async () => {
    const vae = await VAE.create({ ...gaussian, normalize: 'minmax' });
    const before = vae.save({ includeOptimizer: true }), x = raw.subarray(0, 2 * D);
    for (const call of [() => vae.encode(x), () => vae.decode(new Float32Array(2)), () => vae.sample(2), () => vae.reconstruct(x),
      () => vae.evaluate(x), () => vae.scores(x), () => vae.trainStep(x), () => vae.latentGrid(2)]) {
      await expectVAEError(call, 'INVALID_ARGUMENT', /^VAE\.\w+: expected a fitted model; normalize needs the statistics its first fit computes: call fit first$/);
    }
    expect(vae.save({ includeOptimizer: true })).toEqual(before);
  });

  it('a fit refused for its data or validation data keeps no statistics', async () => {
    const vae = await VAE.create({ ...gaussian, normalize: 'standardize' });
    const bad = raw.slice();
    bad[7 * D + 2] = NaN;
    await expectVAEError(() => vae.fit(bad), 'INVALID_ARGUMENT', /VAE\.fit: data must hold finite numbers; received NaN at index 44 \(row 7, column 2\), scaled by normalize 'standardize'$/);
    await expectVAEError(() => vae.fit(raw, { validationData: bad }), 'INVALID_ARGUMENT',
      /VAE\.fit: options\.validationData must hold finite numbers; received NaN at index 44 \(row 7, column 2\), scaled by normalize 'standardize'$/);
    expect(vae.normalization).toBeNull();
  });

  it('the configuration: absent when unset or none, one of three values, and something to scale', async () => {
    expect('normalize' in (await VAE.create(gaussian)).config).toBe(false);
    expect('normalize' in (await VAE.create({ ...gaussian, normalize: 'none' })).config).toBe(false);
    expect((await VAE.create({ ...gaussian, normalize: 'minmax' })).config.normalize).toBe('minmax');
    await expectVAEError(() => VAE.create({ ...gaussian, normalize: 'zscore' as never }), 'INVALID_CONFIG',
      /normalize must be one of standardize, minmax, none; received "zscore"/);
    await expectVAEError(() => VAE.create({ inputDim: 4, normalize: 'standardize' }), 'INVALID_CONFIG',
      /normalize must be 'minmax' or 'none' \(standardize scales Gaussian columns; this model has none\); received "standardize"/);
  });
});

describe('normalize: files', () => {
  it('save → load keeps the statistics (float32 JSON in __metadata__.normalization) and the outputs, bit for bit', async () => {
    const vae = await VAE.create({ ...gaussian, normalize: 'standardize' });
    const unfitted = vae.save();
    expect(header(unfitted).metadata.normalization).toBeUndefined();
    expect((await VAE.load(unfitted)).normalization).toBeNull();
    await vae.fit(raw, fitOptions);
    const bytes = vae.save(), meta = header(bytes).metadata;
    expect(JSON.parse(meta.normalization)).toEqual({ shift: Array.from(vae.normalization!.shift), scale: Array.from(vae.normalization!.scale) });
    const loaded = await VAE.load(bytes);
    expect(loaded.normalization).toEqual(vae.normalization);
    expect(loaded.save()).toEqual(bytes);
    const z = randomArray(6, 1);
    expect(loaded.decode(z)).toEqual(vae.decode(z));
    expect(loaded.scores(raw)).toEqual(vae.scores(raw));
  });

  it('a model without normalize writes neither key, so its file keeps its bytes', async () => {
    const vae = await VAE.create(gaussian);
    await vae.fit(raw.map((v, i) => (i % D === 4 ? 0 : v / (SCALES[i % D] * 10 || 1))), fitOptions);
    const meta = header(vae.save({ includeOptimizer: true })).metadata;
    expect(meta.normalization).toBeUndefined();
    expect(meta.config).not.toMatch(/normalize/);
  });

  it('fit resumes exactly through a checkpoint: the same bytes as an uninterrupted run', async () => {
    const options = { ...fitOptions, epochs: 4 };
    const straight = await VAE.create({ ...gaussian, normalize: 'standardize' });
    await straight.fit(raw, options);
    const first = await VAE.create({ ...gaussian, normalize: 'standardize' });
    const stop = new AbortController();
    await first.fit(raw, { ...options, signal: stop.signal, onBatchEnd: (l) => { if (l.epoch === 2 && l.batch === 3) stop.abort(); } });
    const resumed = await VAE.load(first.save({ includeOptimizer: true }));
    await resumed.fit(raw, { ...options, resume: true });
    expect(resumed.save({ includeOptimizer: true })).toEqual(straight.save({ includeOptimizer: true }));
  });

  it('refuses bad statistics as INVALID_MODEL_FILE', async () => {
    const vae = await VAE.create({ ...gaussian, normalize: 'standardize' });
    await vae.fit(raw, fitOptions);
    const file = header(vae.save()), good = JSON.parse(file.metadata.normalization);
    const withMeta = (edit: Record<string, string>) => encodeSafetensors([...file.tensors], { ...file.metadata, ...edit });
    const stats = (edit: object) => withMeta({ normalization: JSON.stringify({ ...good, ...edit }) });
    const refused = async (bytes: Uint8Array, pattern: RegExp) => expectVAEError(() => VAE.load(bytes), 'INVALID_MODEL_FILE', pattern);
    const what = /expected __metadata__\.normalization as JSON \{ shift, scale \} of 6 numbers each, for a config with normalize/;
    await refused(withMeta({ normalization: 'not json' }), what);
    await refused(withMeta({ normalization: 'null' }), what);
    await refused(withMeta({ normalization: JSON.stringify({ ...good, shift: ' '.repeat(500) }) }), what);
    await refused(stats({ shift: good.shift.slice(1) }), what);
    await refused(stats({ scale: [...good.scale, 1] }), what);
    await refused(stats({ scale: [0, ...good.scale.slice(1)] }), /; scale\[0\] is 0$/);
    await refused(stats({ scale: [1, -2, ...good.scale.slice(2)] }), /; scale\[1\] is -2$/);
    await refused(stats({ scale: [1, 1, 1e-50, ...good.scale.slice(3)] }), /; scale\[2\] is 0$/);
    await refused(stats({ shift: [1, 1, 1, 1e39, ...good.shift.slice(4)] }), /; shift\[3\] is Infinity$/);
    await refused(stats({ shift: [null, ...good.shift.slice(1)] }), /; shift\[0\] is NaN$/);
    await refused(stats({ shift: ['1', ...good.shift.slice(1)] }), /; shift\[0\] is NaN$/);
    await refused(withMeta({ config: JSON.stringify({ ...JSON.parse(file.metadata.config), normalize: undefined }) }), what);
    await refused(withMeta({ normalization: JSON.stringify({ shift: Array(D).fill(1e-300), scale: good.scale }).padEnd(64 * D + 64) }), what);
    // The file as saved loads.
    expect((await VAE.load(withMeta({}))).normalization).toEqual(vae.normalization);
  });
});

describe('advice about raw data', () => {
  it('a unit-variance Gaussian model without normalize warns once, at its first fit, about columns far from unit scale', async () => {
    const vae = await VAE.create(gaussian);
    const warnings: string[] = [];
    await vae.fit(raw, { ...fitOptions, onWarning: (m) => warnings.push(m) });
    await vae.fit(raw, { ...fitOptions, onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(
      /^VAE\.fit: column 3 of the data has standard deviation \d+(\.\d+)?; a unit-variance Gaussian suits columns near unit scale\. Create the model with normalize: 'standardize'$/)]);
    // By default on console.warn; nothing for a model that scales, for a Bernoulli model, or for data near unit scale.
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await (await VAE.create(gaussian)).fit(raw.map((v, i) => (i % D === 0 ? (v - 1) / 10 : 0.5)));
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0][0]).toMatch(/column 0 of the data has standard deviation 0\.00/);
      await (await VAE.create({ ...gaussian, normalize: 'standardize' })).fit(raw);
      await (await VAE.create({ ...gaussian, likelihood: 'bernoulli' })).fit(raw.map((v) => (v > 0 ? 1 : 0)));
      await (await VAE.create(gaussian)).fit(scaledByHand(raw, Float32Array.from(naive(raw).mean), Float32Array.from(naive(raw).sd, (v) => v || 1)));
      // nor for a learned variance, which takes each column's scale itself
      await (await VAE.create({ ...gaussian, variance: 'feature' })).fit(raw);
      await (await VAE.create({ ...gaussian, likelihood: [{ gaussian: D, variance: 'shared' }] })).fit(raw);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
