import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { prototypeData, sameBytes } from '../helpers/data.js';
import { expectVAEError } from '../helpers/errors.js';

const D = 12;
const small = { inputDim: D, hiddenDims: [8], latentDim: 2 };

describe('VAEError codes', () => {
  it('INVALID_CONFIG names the field, what was expected and what came', async () => {
    await expectVAEError(() => VAE.create({} as never), 'INVALID_CONFIG', /VAE\.create: inputDim must be an integer in \[1, 65536\]; received undefined/);
    await expectVAEError(() => VAE.create({ inputDim: 4, latentDim: 0 }), 'INVALID_CONFIG', /latentDim .* received 0/);
    await expectVAEError(() => VAE.create({ inputDim: 4, activation: 'gelu' as never }), 'INVALID_CONFIG', /activation must be one of relu, leakyRelu, tanh, sigmoid; received "gelu"/);
    await expectVAEError(() => VAE.create({ inputDim: 4, hiddenDims: [3, 2.5] }), 'INVALID_CONFIG', /hiddenDims/);
    await expectVAEError(() => VAE.create({ inputDim: 4, seed: -1 }), 'INVALID_CONFIG', /seed/);
    await expectVAEError(() => VAE.create({ inputDim: 4, latentDims: 3 } as never), 'INVALID_CONFIG', /option "latentDims"/);
  });

  it('INVALID_ARGUMENT for wrong types, lengths, values and options — and the model is untouched', async () => {
    const vae = await VAE.create(small);
    const before = vae.save();
    const ok = new Float32Array(2 * D).fill(0.5);
    await expectVAEError(() => vae.trainStep(new Float32Array(D + 1)), 'INVALID_ARGUMENT', /VAE\.trainStep: batch\.length must be a positive multiple of 12; received 13/);
    await expectVAEError(() => vae.trainStep([0.5] as never), 'INVALID_ARGUMENT', /batch must be a Float32Array; received an array/);
    const nan = ok.slice(); nan[13] = NaN;
    await expectVAEError(() => vae.trainStep(nan), 'INVALID_ARGUMENT', /numbers in \[0, 1\] for likelihood 'bernoulli'; received NaN at index 13 \(row 1, column 1\)$/);
    const big = ok.slice(); big[3] = 1.5;
    await expectVAEError(() => vae.trainStep(big), 'INVALID_ARGUMENT', /received 1\.5 at index 3/);
    await expectVAEError(() => vae.trainStep(ok, { learningRate: -1 }), 'INVALID_ARGUMENT', /learningRate must be a finite number > 0; received -1/);
    await expectVAEError(() => vae.fit(ok, { batchSize: 0 }), 'INVALID_ARGUMENT', /VAE\.fit: options\.batchSize/);
    await expectVAEError(() => vae.fit(big), 'INVALID_ARGUMENT', /VAE\.fit: data must hold/);
    await expectVAEError(() => vae.sample(0), 'INVALID_ARGUMENT', /VAE\.sample: n must be a positive integer; received 0/);
    await expectVAEError(() => vae.decode(new Float32Array([1, Infinity])), 'INVALID_ARGUMENT', /VAE\.decode: z must hold finite numbers; received Infinity at index 1/);
    expect(sameBytes(vae.save(), before)).toBe(true);
  });

  it('INVALID_ARGUMENT when training while a fit is running', async () => {
    const vae = await VAE.create(small);
    const data = prototypeData(64, D);
    const running = vae.fit(data, { batchSize: 8 });
    await expectVAEError(() => vae.trainStep(data.subarray(0, D)), 'INVALID_ARGUMENT', /no fit\(\) in progress/);
    await running;
  });

  it('DISPOSED after dispose(), including for a fit in progress', async () => {
    const vae = await VAE.create(small);
    const data = prototypeData(64, D);
    const running = vae.fit(data, { batchSize: 8, epochs: 5 });
    vae.dispose();
    await expectVAEError(() => running, 'DISPOSED', /VAE\.fit: expected a live model; this one was disposed/);
    await expectVAEError(() => vae.save(), 'DISPOSED', /VAE\.save/);
    expect(vae.disposed).toBe(true);
  });

  it('DISPOSED when onEpochEnd disposes the model and epochs remain; none when it was the last epoch', async () => {
    const data = prototypeData(32, D);
    const vae = await VAE.create(small);
    await expectVAEError(() => vae.fit(data, { batchSize: 8, epochs: 3, onEpochEnd: () => vae.dispose() }), 'DISPOSED',
      /VAE\.fit: expected a live model; this one was disposed/);
    const last = await VAE.create(small);
    const logs = await last.fit(data, { batchSize: 8, epochs: 1, onEpochEnd: () => last.dispose() });
    expect(logs).toHaveLength(1);
  });

  it('OUT_OF_MEMORY when the parameters cannot fit in 32-bit WebAssembly memory', async () => {
    await expectVAEError(() => VAE.create({ inputDim: 65536, hiddenDims: [65536] }), 'OUT_OF_MEMORY', /fit in 2 GiB.*needs 128\.\d GiB/);
  });
});
