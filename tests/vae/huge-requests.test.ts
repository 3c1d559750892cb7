// Requests too big for WebAssembly memory (or for one result array) are refused with OUT_OF_MEMORY before they
// reach wasm, whose sizes are 32-bit: the model is untouched and goes on training to the same bytes.
import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { expectVAEError } from '../helpers/errors.js';
import { prototypeData, sameBytes } from '../helpers/data.js';

// A wide hidden layer makes each row's activations large (≈ 272 KiB), so 16384 rows need ≈ 4.3 GiB: more than
// 32-bit sizes can express, while the data itself is only 256 KiB.
const WIDE = { inputDim: 4, hiddenDims: [16384], latentDim: 2, seed: 5 };
const HUGE_ROWS = 16384;

async function trainedBytes(vae: VAE): Promise<Uint8Array> {
  const data = prototypeData(64, WIDE.inputDim, 3);
  vae.trainStep(data.subarray(0, 32 * WIDE.inputDim));
  await vae.fit(data, { epochs: 1, batchSize: 32, validationData: data });
  return vae.save({ includeOptimizer: true });
}

describe('requests too big for memory', () => {
  it('each call over 4 GiB of activations is OUT_OF_MEMORY naming the call and the bytes; the model trains on to the same bytes', async () => {
    const refused = await VAE.create(WIDE), untouched = await VAE.create(WIDE);
    const huge = prototypeData(HUGE_ROWS, WIDE.inputDim, 1);
    const bytes = /needs \d{10,} bytes/;
    await expectVAEError(() => refused.trainStep(huge), 'OUT_OF_MEMORY', new RegExp(`VAE\\.trainStep: a batch of ${HUGE_ROWS} rows ${bytes.source}`));
    await expectVAEError(() => refused.fit(huge, { batchSize: HUGE_ROWS }), 'OUT_OF_MEMORY', /VAE\.fit: .*needs \d{10,} bytes/);
    await expectVAEError(() => refused.evaluate(huge, { batchSize: HUGE_ROWS }), 'OUT_OF_MEMORY', /VAE\.evaluate: .*needs \d{10,} bytes/);
    await expectVAEError(() => refused.evaluate(huge, { batchSize: HUGE_ROWS, samples: 2 }), 'OUT_OF_MEMORY', /VAE\.evaluate: .*needs \d{10,} bytes/);
    await expectVAEError(() => refused.scores(huge, { batchSize: HUGE_ROWS }), 'OUT_OF_MEMORY', /VAE\.scores: .*needs \d{10,} bytes/);
    expect(refused.memoryBytes).toBe(untouched.memoryBytes); // nothing grew for the refused calls
    expect(sameBytes(await trainedBytes(refused), await trainedBytes(untouched))).toBe(true);
    refused.dispose(); untouched.dispose();
  });

  it('sample(1e8) and interpolate(a, b, 1e9) are OUT_OF_MEMORY naming the call and the bytes, and the model still samples the same', async () => {
    const vae = await VAE.create({ inputDim: 784, hiddenDims: [32], latentDim: 2, seed: 1 });
    const twin = await VAE.create({ inputDim: 784, hiddenDims: [32], latentDim: 2, seed: 1 });
    await expectVAEError(() => vae.sample(1e8), 'OUT_OF_MEMORY', /VAE\.sample: .*100000000 × 784 values, 313600000000 bytes/);
    const a = new Float32Array([0, 0]), b = new Float32Array([1, 1]);
    await expectVAEError(() => vae.interpolate(a, b, 1e9), 'OUT_OF_MEMORY', /VAE\.interpolate: .*1000000000 × 784 values, 3136000000000 bytes/);
    // decode: 2^21 latent codes (16 MiB) would decode to 6.6 GB; encode: a model whose codes are wider than its inputs.
    await expectVAEError(() => vae.decode(new Float32Array(2 ** 22)), 'OUT_OF_MEMORY', /VAE\.decode: the result .*2097152 × 784 values, 6576668672 bytes/);
    const wide = await VAE.create({ inputDim: 1, hiddenDims: [], latentDim: 4096 });
    await expectVAEError(() => wide.encode(new Float32Array(2 ** 18 + 1)), 'OUT_OF_MEMORY', /VAE\.encode: the means .*262145 × 4096 values, 4294983680 bytes/);
    wide.dispose();
    expect(vae.sample(3)).toEqual(twin.sample(3));
    expect(vae.interpolate(a, b, 4)).toEqual(twin.interpolate(a, b, 4));
    vae.dispose(); twin.dispose();
  });
});
