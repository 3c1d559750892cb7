// The divergence guard: log-variances clamped to [-30, 20] in the kernels; a step with a non-finite loss or
// gradient is skipped before Adam runs; fit counts skips and stops with DIVERGED after too many in a row.
import { SIMD_ENGINE } from '../helpers/wasm.js';
import { describe, expect, it } from 'vitest';
import { VAE, VAEError } from '../../src/index.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/files/safetensors.js';
import { prototypeData, sameBytes } from '../helpers/data.js';

const D = 24;
const small = { inputDim: D, hiddenDims: [16], latentDim: 3, seed: 2 };
const data = prototypeData(256, D);

/** The model's tensors (weights and Adam's moments) and its step count. */
function trainingTensors(vae: VAE) {
  const file = decodeSafetensors(vae.save({ includeOptimizer: true }));
  const state = JSON.parse(file.metadata.training).state as string;
  return { tensors: file.tensors, step: state.slice(0, 8) };
}

describe('divergence guard', () => {
  it('skips a step whose loss is not finite: weights, moments and step count stay as they were', async () => {
    const vae = await VAE.create({ ...small, likelihood: 'gaussian' });
    vae.trainStep(data.subarray(0, 32 * D));
    const before = trainingTensors(vae);
    const hostile = data.slice(0, 32 * D);
    hostile[5] = 1e30; // (x − μ)² overflows float32
    const result = vae.trainStep(hostile);
    expect(result.skipped).toBe(true);
    expect(Number.isFinite(result.loss)).toBe(false);
    const after = trainingTensors(vae);
    expect(after.step).toBe(before.step);
    for (const [name, t] of before.tensors) expect(sameBytes(new Uint8Array(after.tensors.get(name)!.data.buffer), new Uint8Array(t.data.buffer))).toBe(true);
    const next = vae.trainStep(data.subarray(32 * D, 64 * D));
    expect(next.skipped).toBe(false);
    expect(trainingTensors(vae).step).not.toBe(before.step);
  });

  it.each(SIMD_ENGINE ? [1, 2] : [1])('skips a step whose loss is finite but a weight gradient exceeds 1e19 (%i threads)', async (threads) => {
    // Decoder hidden units at 1e25: the logits (≈1e26) and the loss stay finite, dW of the output layer ≈ 1e25 / batch.
    const file = decodeSafetensors((await VAE.create(small)).save());
    file.tensors.get('decoder.0.bias')!.data.fill(1e25);
    const vae = await VAE.load(encodeSafetensors([...file.tensors], file.metadata), { threads });
    const before = trainingTensors(vae);
    const result = vae.trainStep(data.subarray(0, 32 * D));
    expect(Number.isFinite(result.loss)).toBe(true);
    expect(result.skipped).toBe(true);
    const after = trainingTensors(vae);
    expect(after.step).toBe(before.step);
    for (const [name, t] of before.tensors) expect(sameBytes(new Uint8Array(after.tensors.get(name)!.data.buffer), new Uint8Array(t.data.buffer))).toBe(true);
    vae.dispose();
  });

  it("fit with learningRate 1e7 stops with DIVERGED and leaves a finite, loadable model", async () => {
    const vae = await VAE.create(small);
    const skipped: boolean[] = [];
    let error: unknown;
    try {
      await vae.fit(data, { epochs: 100, batchSize: 16, learningRate: 1e7, onBatchEnd: (log) => skipped.push(log.skipped) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VAEError);
    expect((error as VAEError).code).toBe('DIVERGED');
    expect((error as VAEError).message).toMatch(/VAE\.fit: expected finite losses and gradients; the last 20 steps were not/);
    expect(skipped.slice(-20).every(Boolean)).toBe(true);
    const bytes = vae.save({ includeOptimizer: true });
    for (const [, t] of decodeSafetensors(bytes).tensors) expect(t.data.every(Number.isFinite)).toBe(true);
    const reloaded = await VAE.load(bytes); // the loader rejects non-finite values, so this is a second check
    expect(reloaded.encode(data.subarray(0, D)).mean.every(Number.isFinite)).toBe(true);
  });

  it('fit counts skipped steps in its logs and honours maxConsecutiveSkips', async () => {
    const hostile = prototypeData(128, D).map((v) => v * 2 - 0.5);
    hostile[40 * D] = 1e30; // one row in the second batch of 32
    const vae = await VAE.create({ ...small, likelihood: 'gaussian' });
    const [log] = await vae.fit(hostile, { batchSize: 32, shuffle: false });
    expect(log.skipped).toBe(1);
    expect(log.examples).toBe(96);
    expect(Number.isFinite(log.loss)).toBe(true);
    const all = new Float32Array(64 * D).fill(1e30);
    await expect(vae.fit(all, { batchSize: 16, maxConsecutiveSkips: 3 })).rejects.toSatisfy((e: unknown) =>
      e instanceof VAEError && e.code === 'DIVERGED' && /the last 3 steps/.test(e.message));
    await expect(vae.fit(all, { maxConsecutiveSkips: 0 })).rejects.toThrow(/maxConsecutiveSkips must be a positive integer/);
  });

  it('an epoch whose every step was skipped says so (allSkipped, examples 0) and reports no loss: NaN, null in JSON', async () => {
    const vae = await VAE.create({ ...small, likelihood: 'gaussian' });
    const good = prototypeData(64, D), all = new Float32Array(64 * D).fill(1e30);
    const [trained] = await vae.fit(good, { batchSize: 32 });
    expect(trained.allSkipped).toBeUndefined();
    const logs = await vae.fit(all, { epochs: 2, batchSize: 32, maxConsecutiveSkips: 10 });
    for (const log of logs) {
      expect(log).toMatchObject({ allSkipped: true, examples: 0, skipped: 2 });
      expect([log.loss, log.reconstruction, log.kl]).toEqual([NaN, NaN, NaN]);
      expect(JSON.parse(JSON.stringify(log))).toMatchObject({ allSkipped: true, loss: null, reconstruction: null, kl: null });
    }
  });

  it('clamps log-variances to [-30, 20] and passes no gradient through a clamped one', async () => {
    const vae = await VAE.create(small);
    const file = decodeSafetensors(vae.save());
    const bias = file.tensors.get('encoder.logvar.bias')!.data;
    bias[0] = 1000; bias[1] = -1000;
    const edited = await VAE.load(encodeSafetensors([...file.tensors], file.metadata));
    const { logVar } = edited.encode(data.subarray(0, 4 * D));
    for (let r = 0; r < 4; r++) {
      expect(logVar[r * 3]).toBe(20);
      expect(logVar[r * 3 + 1]).toBe(-30);
    }
    const step = edited.trainStep(data.subarray(0, 32 * D));
    expect(step.skipped).toBe(false);
    expect(Number.isFinite(step.loss)).toBe(true);
    const after = decodeSafetensors(edited.save()).tensors.get('encoder.logvar.bias')!.data;
    expect([after[0], after[1]]).toEqual([1000, -1000]); // zero gradient: Adam leaves them
    expect(after[2]).not.toBe(bias[2]);
  });
});
