// Convolutional VAEs through the API: layer lists create, train, save and load; every thread count, build and
// platform gives the same bytes; the dense case of the lists is the MLP of hiddenDims, byte for byte; a list whose
// shapes do not fit is refused, naming the layer and both shapes.
import { describe, expect, it } from 'vitest';
import { VAE, type ShapedVAEOptions } from '../../src/index.js';
import { prototypeData } from '../helpers/data.js';
import { expectVAEError } from '../helpers/errors.js';
import { readBytes, wasmUrl } from '../helpers/files.js';
import { SIMD_ENGINE } from '../helpers/wasm.js';

// 12×12 images: conv 1→4 (6×6), conv 4→8 (3×3: the im2row path), dense 72 reshaped, convT 8→4 (6×6), convT 4→1.
const SMALL: ShapedVAEOptions = {
  inputShape: [1, 12, 12], latentDim: 3, seed: 5,
  encoder: [{ type: 'conv2d', filters: 4, kernel: 4, stride: 2, padding: 1 }, { type: 'conv2d', filters: 8, kernel: 4, stride: 2, padding: 1 }],
  decoder: [{ type: 'dense', units: 72, reshape: [8, 3, 3] }, { type: 'convTranspose2d', filters: 4, kernel: 4, stride: 2, padding: 1 },
    { type: 'convTranspose2d', filters: 1, kernel: 4, stride: 2, padding: 1 }],
};
const D = 144;

/** Everything a model computes: ragged steps, a fit, evaluation, scores, encode, decode and sample. */
async function everything(config: ShapedVAEOptions, options: Parameters<typeof VAE.create>[1], data: Float32Array, conditions?: Float32Array) {
  const vae = await VAE.create(config, options);
  const C = config.conditionDim ?? 0, L = config.latentDim ?? 20;
  const steps = [];
  for (const [start, count] of [[0, 37], [5, 1], [9, 40]]) {
    steps.push(vae.trainStep(data.subarray(start * D, (start + count) * D), { conditions: conditions?.subarray(start * C, (start + count) * C) }));
  }
  const logs = (await vae.fit(data, { epochs: 2, batchSize: 24, conditions })).map(({ seconds: _, ...rest }) => rest);
  const out = {
    threads: vae.threads, steps, logs,
    saved: vae.save({ includeOptimizer: true }),
    weights: vae.save(),
    evaluate: vae.evaluate(data, { samples: 2, conditions }),
    encode: vae.encode(data.subarray(0, 10 * D), { sample: true, conditions: conditions?.subarray(0, 10 * C) }),
    decode: vae.decode(new Float32Array(4 * L).fill(0.4), { conditions: conditions?.subarray(0, 4 * C) }),
    sample: vae.sample(5, { conditions: conditions?.subarray(0, 5 * C) }),
  };
  vae.dispose();
  return out;
}

describe('convolutional VAEs give one answer', () => {
  const data = prototypeData(60, D, 3);

  it.runIf(SIMD_ENGINE)('on 1–4 threads: the same steps, logs, save() bytes, evaluation, encode, decode and sample', async () => {
    const results = [];
    for (const threads of [1, 2, 3, 4]) results.push(await everything(SMALL, { threads }, data));
    expect(results.map((r) => r.threads)).toEqual([1, 2, 3, 4]);
    const { threads: _, ...first } = results[0];
    for (const { threads: __, ...rest } of results.slice(1)) expect(rest).toEqual(first);
  });

  it.runIf(SIMD_ENGINE)('a conditional one on 1 and 3 threads (the condition joins the flattened encoder output)', async () => {
    const conditions = new Float32Array(60 * 2).map((_, i) => (i % 2 === Math.floor(i / 2) % 2 ? 1 : 0));
    const config = { ...SMALL, conditionDim: 2, activation: 'tanh' } as const;
    const [one, three] = [await everything(config, { threads: 1 }, data, conditions), await everything(config, { threads: 3 }, data, conditions)];
    expect(three.saved).toEqual(one.saved);
    expect(three.sample).toEqual(one.sample);
  });

  // Loss sums round differently on the scalar build (kernels/losses.ts: another summation order), so the logs and
  // the fit position in a checkpoint may differ in their last bits; the weights and every output do not.
  it.runIf(SIMD_ENGINE)('on the SIMD build with convolutions and on the scalar build: the same weights and outputs', async () => {
    const simd = await everything(SMALL, { wasm: 'simd' }, data), scalar = await everything(SMALL, { wasm: 'scalar' }, data);
    expect(scalar.weights).toEqual(simd.weights);
    for (const key of ['encode', 'decode', 'sample'] as const) expect(scalar[key]).toEqual(simd[key]);
  });

  it('differs with another seed (the comparisons above can fail)', async () => {
    const a = await everything(SMALL, {}, data), b = await everything({ ...SMALL, seed: 6 }, {}, data);
    expect(a.saved).not.toEqual(b.saved);
  });
});

describe('layer lists', () => {
  it('of dense layers train the bytes of the same MLP given as hiddenDims', async () => {
    const data = prototypeData(40, 20, 2);
    const train = async (config: object) => {
      const vae = await VAE.create({ inputDim: 20, latentDim: 3, seed: 8, ...config });
      await vae.fit(data, { epochs: 2, batchSize: 16 });
      return vae.save({ includeOptimizer: true });
    };
    const mlp = await train({ hiddenDims: [12, 7] });
    const lists = await train({ encoder: [{ type: 'dense', units: 12 }, { type: 'dense', units: 7 }],
      decoder: [{ type: 'dense', units: 7 }, { type: 'dense', units: 12 }, { type: 'dense', units: 20 }] });
    const weights = (bytes: Uint8Array) => bytes.subarray(8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true)));
    expect(weights(lists)).toEqual(weights(mlp)); // the same tensors; only the config in the header differs
  });

  it('save and load keep the architecture; training on from the file gives the bytes of training on in memory', async () => {
    const data = prototypeData(50, D, 4);
    const vae = await VAE.create(SMALL);
    await vae.fit(data, { epochs: 1, batchSize: 16 });
    const loaded = await VAE.load(vae.save({ includeOptimizer: true }));
    expect(loaded.config).toEqual(vae.config);
    expect(loaded.config.inputShape).toEqual([1, 12, 12]);
    await vae.fit(data, { epochs: 1, batchSize: 16 });
    await loaded.fit(data, { epochs: 1, batchSize: 16 });
    expect(loaded.save()).toEqual(vae.save());
    expect(loaded.parameterCount).toBe(1 * 4 * 16 + 4 + 4 * 8 * 16 + 8 + 2 * (72 * 3 + 3) + (3 * 72 + 72) + 8 * 4 * 16 + 4 + 4 * 1 * 16 + 1);
  });

  it('whose shapes do not fit are INVALID_CONFIG naming the layer and both shapes', async () => {
    const bad = (change: object) => VAE.create({ ...SMALL, ...change } as ShapedVAEOptions);
    await expectVAEError(() => bad({ decoder: [{ type: 'dense', units: 72, reshape: [8, 3, 3] }, { type: 'convTranspose2d', filters: 1, kernel: 4, stride: 2, padding: 1 }] }),
      'INVALID_CONFIG', /VAE\.create: decoder\.out expected to end at the input's shape \[1, 12, 12\]; it gives \[1, 6, 6\]/);
    await expectVAEError(() => bad({ inputShape: undefined, inputDim: 144 }),
      'INVALID_CONFIG', /encoder\.0 \(conv2d\) expected an input of shape \[channels, height, width\]; received \[144\].*inputShape/);
    await expectVAEError(() => bad({ decoder: [{ type: 'convTranspose2d', filters: 1, kernel: 4 }] }),
      'INVALID_CONFIG', /decoder\.0 expected a dense layer \(z is a vector of 3 values\); received a convTranspose2d layer/);
    await expectVAEError(() => bad({ encoder: [{ type: 'conv2d', filters: 4, kernel: 13 }] }),
      'INVALID_CONFIG', /encoder\.0 \(conv2d, kernel 13×13, stride 1, padding 0\) expected an input large enough for its kernel; received \[1, 12, 12\]/);
    await expectVAEError(() => bad({ decoder: [{ type: 'dense', units: 72, reshape: [8, 3, 4] }] }),
      'INVALID_CONFIG', /decoder\[0\]\.reshape must be \[channels, height, width\] of 72 values/);
    await expectVAEError(() => bad({ encoder: [{ type: 'conv2d', filters: 4, kernel: 3, padding: 3 }] }),
      'INVALID_CONFIG', /encoder\[0\]\.padding must be an integer in \[0, 2\]/);
    await expectVAEError(() => bad({ encoder: [{ type: 'pool', size: 2 }] }), 'INVALID_CONFIG', /encoder\[0\]\.type must be one of dense, conv2d, convTranspose2d/);
    await expectVAEError(() => bad({ hiddenDims: [10] }), 'INVALID_CONFIG', /hiddenDims must be absent when encoder and decoder are given/);
    await expectVAEError(() => bad({ decoder: undefined }), 'INVALID_CONFIG', /decoder must be given with encoder/);
  });

  it.runIf(SIMD_ENGINE)('with convolutions refuse a supplied dense-only SIMD build, saying which to pass', async () => {
    const dense = await readBytes(wasmUrl('simd'));
    await expectVAEError(() => VAE.create(SMALL, { wasm: dense }), 'INVALID_ARGUMENT',
      /options\.wasm: expected a build with the convolution layers \(wasm-vae\/wasm\/simd-full or wasm-vae\/wasm\/scalar\)/);
    const conv = await VAE.create(SMALL, { wasm: await readBytes(wasmUrl('simd-full')) });
    expect(conv.simd).toBe(true);
    conv.dispose();
  });
});
