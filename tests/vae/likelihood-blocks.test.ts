// Likelihood lists and learned variances through the public API: sampling that matches a mixed data set's
// frequencies (issue 20's target), 1–4 threads giving the same bytes, save/load/exact resume of decoder.logvar, name
// maps for it, and the configuration's checks.
import { describe, expect, it } from 'vitest';
import { VAE, readMetadata, type VAEOptions } from '../../src/index.js';
import { expectVAEError } from '../helpers/errors.js';
import { SIMD_ENGINE } from '../helpers/wasm.js';
import { CLASS_1, CLASS_2, MIXED_BLOCKS, MIXED_D, columnStats, mixedData, totalVariation } from '../helpers/mixed-data.js';

/** A safetensors file's header: its tensors (name → dtype, shape, offsets) and __metadata__. */
function header(bytes: Uint8Array): Record<string, { shape: number[] }> {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
}

const MIXED = { inputDim: MIXED_D, hiddenDims: [32], latentDim: 4, seed: 5, likelihood: MIXED_BLOCKS } as VAEOptions;

describe('sampling a mixed-column model', () => {
  it('draws categories within total variation 0.05 of the data and Gaussian means within 0.1 SD (issue 20 target)', async () => {
    const n = 3000, data = mixedData(n, 11), D = MIXED_D;
    const vae = await VAE.create(MIXED);
    await vae.fit(data, { epochs: 30, batchSize: 64 });
    const m = 20000, drawn = vae.sample(m);
    const freq = (x: Float32Array, at: number, k: number) => {
      const f = new Array<number>(k).fill(0), rows = x.length / D;
      for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) f[j] += x[r * D + at + j] / rows;
      return f;
    };
    // Draws are one-hot and 0/1 where the blocks say so.
    for (let r = 0; r < m; r++) {
      expect(drawn[r * D] + drawn[r * D + 1] + drawn[r * D + 2] + drawn[r * D + 3]).toBe(1);
      expect([0, 1]).toContain(drawn[r * D + 10]);
    }
    const data1 = freq(data, 0, 4), data2 = freq(data, 4, 3), s1 = freq(drawn, 0, 4), s2 = freq(drawn, 4, 3);
    const tv1 = totalVariation(data1, s1), tv2 = totalVariation(data2, s2);
    const real = columnStats(data, D), sampled = columnStats(drawn, D);
    const shifts = [7, 8, 9].map((j) => Math.abs(sampled.mean[j] - real.mean[j]) / real.sd[j]);
    const f = (v: number[]) => v.map((x) => x.toFixed(3)).join(' ');
    console.log(`mixed data (${n} rows, 30 epochs), ${m} draws: categorical 1 data ${f(data1)} (generator ${f(CLASS_1)}) drawn ${f(s1)}, ` +
      `TV ${tv1.toFixed(4)}; categorical 2 data ${f(data2)} (generator ${f(CLASS_2)}) drawn ${f(s2)}, TV ${tv2.toFixed(4)}; ` +
      `Gaussian means data ${f([7, 8, 9].map((j) => real.mean[j]))} drawn ${f([7, 8, 9].map((j) => sampled.mean[j]))}, ` +
      `|shift|/SD ${f(shifts)}; SDs data ${f([7, 8, 9].map((j) => real.sd[j]))} drawn ${f([7, 8, 9].map((j) => sampled.sd[j]))}; ` +
      `Bernoulli data ${real.mean[10].toFixed(3)} drawn ${sampled.mean[10].toFixed(3)}`);
    expect(tv1).toBeLessThan(0.05);
    expect(tv2).toBeLessThan(0.05);
    for (const s of shifts) expect(s).toBeLessThan(0.1);
    // decode returns each block's mean: probabilities summing to 1, σ in (0, 1), real means.
    const means = vae.decode(new Float32Array(4 * 3).fill(0.2));
    for (let r = 0; r < 3; r++) {
      expect(Math.abs(means.subarray(r * D, r * D + 4).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
      expect(Math.abs(means.subarray(r * D + 4, r * D + 7).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
    }
    vae.dispose();
  });

  it("a string likelihood with a learned variance returns the decoder's means from sample, as before", async () => {
    const vae = await VAE.create({ inputDim: 3, hiddenDims: [4], latentDim: 2, likelihood: 'gaussian', variance: 'shared', seed: 1 });
    const z = new Float32Array(6).fill(0.5);
    const a = vae.decode(z);
    expect(a).toHaveLength(9); // 3 rows of inputDim 3
    expect(vae.sample(50).every((v) => Number.isFinite(v))).toBe(true);
  });
});

describe('threads with likelihood blocks', () => {
  it.skipIf(!SIMD_ENGINE)('1–4 threads give the same bytes: steps, fit, save, evaluate, scores, decode, sample', async () => {
    const data = mixedData(130, 3);
    const config = { ...MIXED, likelihood: [{ categorical: 4 }, { categorical: 3 }, { gaussian: 1, variance: 'shared' },
      { gaussian: 2, variance: 'output' }, { bernoulli: 1 }] } as VAEOptions;
    const results = [];
    for (const threads of [1, 2, 3, 4]) {
      const vae = await VAE.create(config, { threads });
      const steps = [vae.trainStep(data.subarray(0, 50 * MIXED_D)), vae.trainStep(data.subarray(50 * MIXED_D, 57 * MIXED_D))];
      const logs = (await vae.fit(data, { epochs: 2, batchSize: 36 })).map(({ seconds: _, ...rest }) => rest);
      results.push({
        threads: vae.threads, steps, logs, saved: vae.save({ includeOptimizer: true }), evaluate: vae.evaluate(data, { samples: 3 }),
        scores: vae.scores(data.subarray(0, 30 * MIXED_D), { samples: 4 }), decode: vae.decode(new Float32Array(20).fill(0.3)),
        sample: vae.sample(37),
      });
      vae.dispose();
    }
    expect(results.map((r) => r.threads)).toEqual([1, 2, 3, 4]);
    for (const { threads: _, ...rest } of results.slice(1)) {
      const { threads: __, ...first } = results[0];
      expect(rest).toEqual(first);
    }
  });
});

describe('files keep the variance parameters', () => {
  const config = { inputDim: 6, hiddenDims: [8], latentDim: 2, seed: 3, likelihood: 'gaussian', variance: 'feature' } as VAEOptions;
  const data = mixedData(96, 4).map((v) => v * 0.5).subarray(0, 96 * 6);

  it('save/load round-trips decoder.logvar; N steps, save, load, M steps gives the bytes of N+M steps', async () => {
    const batch = (i: number) => data.subarray((i % 3) * 32 * 6, ((i % 3) * 32 + 32) * 6);
    const straight = await VAE.create(config);
    for (let i = 0; i < 7; i++) straight.trainStep(batch(i));
    straight.sample(3);
    const first = await VAE.create(config);
    for (let i = 0; i < 3; i++) first.trainStep(batch(i));
    const saved = first.save({ includeOptimizer: true });
    const meta = readMetadata(saved);
    expect(JSON.parse(meta.config)).toMatchObject({ likelihood: 'gaussian', variance: 'feature' });
    const resumed = await VAE.load(saved);
    expect(resumed.config).toEqual(first.config);
    for (let i = 3; i < 7; i++) resumed.trainStep(batch(i));
    resumed.sample(3);
    expect(resumed.save({ includeOptimizer: true })).toEqual(straight.save({ includeOptimizer: true }));
    // Without the optimizer state it does not resume exactly: the comparison can fail.
    const plain = await VAE.load(first.save());
    for (let i = 3; i < 7; i++) plain.trainStep(batch(i));
    expect(plain.save()).not.toEqual(straight.save());
  });

  it('a name map may name decoder.logvar; the file then holds it under that name and loads back', async () => {
    const vae = await VAE.create(config);
    vae.trainStep(data);
    const names = { 'encoder.0': 'enc.0', 'encoder.mean': 'mu', 'encoder.logvar': 'lv', 'decoder.0': 'dec.0', 'decoder.out': 'dec.1',
      'decoder.logvar': 'log_sigma2' };
    const bytes = vae.save({ names });
    expect(Object.keys(header(bytes))).toContain('log_sigma2');
    expect(header(bytes).log_sigma2.shape).toEqual([6]);
    const back = await VAE.load(bytes);
    expect(back.save()).toEqual(vae.save());
    const { 'decoder.logvar': _, ...withoutLogvar } = names; // optional: our name then
    expect(Object.keys(header(vae.save({ names: withoutLogvar })))).toContain('decoder.logvar');
    await expectVAEError(() => vae.save({ names: { ...names, 'decoder.logvar': 'dec.1.weight' } }), 'INVALID_ARGUMENT', /decoder\.logvar/);
  });

  it('a convolutional decoder with variance "output" doubles its last layer\'s channels', async () => {
    const vae = await VAE.create({
      inputShape: [1, 4, 4], latentDim: 2, seed: 1, likelihood: 'gaussian', variance: 'output',
      encoder: [{ type: 'conv2d', filters: 2, kernel: 2, stride: 2 }],
      decoder: [{ type: 'dense', units: 8, reshape: [2, 2, 2] }, { type: 'convTranspose2d', filters: 1, kernel: 2, stride: 2 }],
    });
    const x = new Float32Array(5 * 16).map((_, i) => Math.sin(i));
    const before = vae.evaluate(x).loss;
    for (let i = 0; i < 20; i++) vae.trainStep(x, { learningRate: 0.01 });
    expect(vae.evaluate(x).loss).toBeLessThan(before);
    expect(vae.decode(new Float32Array(2))).toHaveLength(16);
    const tensors = header(vae.save());
    expect(tensors['decoder.out.weight'].shape).toEqual([2, 2, 2, 2]); // ConvTranspose2d [in, out = 2·1, kH, kW]
    expect(tensors['decoder.out.bias'].shape).toEqual([2]);
  });
});

describe('configuration', () => {
  const base = { inputDim: 7, hiddenDims: [4], latentDim: 2 };
  it('keeps the new keys absent when unset, and refuses bad lists and variances naming the key', async () => {
    const plain = await VAE.create(base);
    expect(Object.keys(plain.config)).not.toContain('variance');
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ likelihood: 'bernoulli', variance: 'shared' }, /variance must be absent unless likelihood is 'gaussian'.*received "shared"/],
      [{ likelihood: 'gaussian', variance: 'wide' }, /variance must be one of 'unit', 'shared', 'feature', 'output'; received "wide"/],
      [{ likelihood: [{ gaussian: 3 }, { categorical: 3 }] }, /block widths must be integers summing to inputDim \(7\); received "3 \+ 3 = 6"/],
      [{ likelihood: [{ gaussian: 6 }, { categorical: 1 }] }, /likelihood\[1\]\.categorical must be an integer >= 2 \(a categorical block needs k >= 2 classes\); received 1/],
      [{ likelihood: [{ gaussian: 5.5 }, { bernoulli: 1.5 }] }, /likelihood\[0\]\.gaussian must be an integer >= 1; received 5\.5/],
      [{ likelihood: [{ gaussian: 4, categorical: 3 }] }, /likelihood\[0\] must be one of/],
      [{ likelihood: [{ categorical: 4, variance: 'shared' }, { gaussian: 3 }] }, /likelihood\[0\]\.variance must be absent/],
      [{ likelihood: [{ gaussian: 7, variance: 'x' }] }, /likelihood\[0\]\.variance must be one of/],
      [{ likelihood: [] }, /likelihood must be/],
      [{ likelihood: 'poisson' }, /likelihood must be one of bernoulli, gaussian, or a list of blocks; received "poisson"/],
    ];
    for (const [extra, pattern] of cases) await expectVAEError(() => VAE.create({ ...base, ...extra } as VAEOptions), 'INVALID_CONFIG', pattern);
  });

  it('refuses data that does not fit a list: a categorical row that is not one-hot, a Bernoulli value outside [0, 1]', async () => {
    const vae = await VAE.create({ ...base, likelihood: [{ gaussian: 2 }, { categorical: 3 }, { bernoulli: 2 }] });
    const row = [0.5, -2, 0, 1, 0, 1, 0];
    vae.trainStep(new Float32Array(row));
    await expectVAEError(() => vae.trainStep(new Float32Array([...row, 0.5, -2, 1, 1, 0, 1, 0])), 'INVALID_ARGUMENT',
      /batch row 1, columns 2\.\.4 \(likelihood\[1\], categorical 3\) must hold a one-hot row .*received \[1, 1, 0\]/);
    await expectVAEError(() => vae.evaluate(new Float32Array([0.5, -2, 0, 1, 0, 1, 2])), 'INVALID_ARGUMENT',
      /data row 0, columns 5\.\.6 \(likelihood\[2\], bernoulli 2\) must hold numbers in \[0, 1\]; received \[1, 2\]/);
  });
});
