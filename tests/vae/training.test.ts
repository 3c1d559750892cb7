import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { prototypeData, sameBytes } from '../helpers/data.js';

const D = 24;
const small = { inputDim: D, hiddenDims: [16], latentDim: 3 };
const data = prototypeData(300, D);

describe('VAE.create', () => {
  it('fills the documented defaults and counts parameters like PyTorch (784-400-20: 652,824)', async () => {
    const vae = await VAE.create({ inputDim: 784 });
    expect(vae.config).toEqual({ inputDim: 784, hiddenDims: [400], latentDim: 20, activation: 'relu', likelihood: 'bernoulli', seed: 0, conditionDim: 0 });
    // fc1 784·400+400, fc21 and fc22 400·20+20, fc3 20·400+400, fc4 400·784+784
    expect(vae.parameterCount).toBe(314000 + 2 * 8020 + 8400 + 314384);
    vae.dispose();
  });

  it('initialises weights and biases uniformly within ±1/√fan_in', async () => {
    const vae = await VAE.create({ inputDim: 784, seed: 3 });
    const { decodeSafetensors } = await import('../../src/files/safetensors.js');
    const file = decodeSafetensors(vae.save());
    const w = file.tensors.get("encoder.0.weight")!.data, bound = Math.fround(1 / Math.sqrt(784)); // the bound in float32
    const max = w.reduce((m, v) => Math.max(m, v), -Infinity), min = w.reduce((m, v) => Math.min(m, v), Infinity);
    expect(max).toBeLessThanOrEqual(bound);
    expect(min).toBeGreaterThanOrEqual(-bound);
    expect(max).toBeGreaterThan(0.99 * bound); // really uniform over the whole range
    expect(min).toBeLessThan(-0.99 * bound);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(bound * 0.01);
  });
});

describe('training', () => {
  it('fit lowers the loss and reports epochs and batches in nats per example', async () => {
    const vae = await VAE.create({ ...small, seed: 1 });
    const before = vae.evaluate(data);
    const batches: number[] = [];
    const logs = await vae.fit(data, { epochs: 4, batchSize: 32, learningRate: 1e-2, validationData: data.subarray(0, 30 * D),
      onBatchEnd: (log) => batches.push(log.batch) });
    const after = vae.evaluate(data);
    expect(logs.map((l) => l.epoch)).toEqual([1, 2, 3, 4]);
    expect(batches.length).toBe(4 * Math.ceil(300 / 32));
    for (const log of logs) {
      expect(log.examples).toBe(300);
      expect(log.loss).toBeCloseTo(log.reconstruction + log.kl, 9);
      expect(Number.isFinite(log.valLoss)).toBe(true);
      expect(log.seconds).toBeGreaterThan(0);
    }
    expect(before.loss).toBeGreaterThan(D * Math.log(2) * 0.9); // an untrained model is near chance
    expect(after.loss).toBeLessThan(0.7 * before.loss);
    expect(logs[3].loss).toBeLessThan(logs[0].loss);
  });

  it('loss = reconstruction + beta·kl for a trainStep', async () => {
    const vae = await VAE.create(small);
    const r = vae.trainStep(data.subarray(0, 10 * D), { beta: 0.3 });
    expect(r.loss).toBeCloseTo(r.reconstruction + 0.3 * r.kl, 9);
    expect(r.kl).toBeGreaterThan(0);
  });

  it('the same seed and data give identical save() bytes; another seed gives different bytes', async () => {
    const train = async (seed: number) => {
      const vae = await VAE.create({ ...small, seed });
      await vae.fit(data, { epochs: 2, batchSize: 50 });
      return vae.save();
    };
    const [a, b, c] = [await train(7), await train(7), await train(8)];
    expect(sameBytes(a, b)).toBe(true);
    expect(sameBytes(a, c)).toBe(false);
  });

  it('fit yields to the event loop between batches', async () => {
    const vae = await VAE.create(small);
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 0);
    await vae.fit(data, { epochs: 3, batchSize: 4 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  it('an aborted fit stops at a batch boundary with the model exactly as after its last step', async () => {
    const controller = new AbortController();
    const aborted = await VAE.create({ ...small, seed: 5 });
    const logs = await aborted.fit(data, { epochs: 3, batchSize: 20, shuffle: false, signal: controller.signal,
      onBatchEnd: (log) => { if (log.batch === 3) controller.abort(); } });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ epoch: 1, aborted: true, examples: 60 });

    const stepped = await VAE.create({ ...small, seed: 5 });
    for (let b = 0; b < 3; b++) stepped.trainStep(data.subarray(b * 20 * D, (b + 1) * 20 * D));
    expect(sameBytes(aborted.save(), stepped.save())).toBe(true);
    // and it goes on training and answering
    expect(Number.isFinite(aborted.trainStep(data.subarray(0, 20 * D)).loss)).toBe(true);
    expect(Number.isFinite(aborted.evaluate(data).loss)).toBe(true);
    const more = await aborted.fit(data, { epochs: 1, batchSize: 20 });
    expect(more[0].aborted).toBeUndefined();
  });

  it('evaluate repeats exactly and moves neither the model nor the training sequence', async () => {
    const plain = await VAE.create({ ...small, seed: 2 });
    const probed = await VAE.create({ ...small, seed: 2 });
    await plain.fit(data, { epochs: 1, batchSize: 32 });
    await probed.fit(data, { epochs: 1, batchSize: 32 });
    const first = probed.evaluate(data, { batchSize: 7 });
    expect(probed.evaluate(data, { batchSize: 7 })).toEqual(first);
    probed.encode(data); probed.sample(5); // encode and sample (its own stream) must not shift training either
    await plain.fit(data, { epochs: 1, batchSize: 32 });
    await probed.fit(data, { epochs: 1, batchSize: 32 });
    expect(sameBytes(plain.save(), probed.save())).toBe(true);
  });

  it('evaluate and scores leave no trace: the whole saved training state is the same bytes after them', async () => {
    const vae = await VAE.create({ ...small, seed: 4 });
    await vae.fit(data, { epochs: 1, batchSize: 32, validationData: data }); // validation evaluates too
    const before = vae.save({ includeOptimizer: true });
    vae.evaluate(data, { batchSize: 7 });
    vae.evaluate(data, { samples: 3 });
    vae.scores(data.subarray(0, 9 * D), { samples: 2 });
    expect(sameBytes(vae.save({ includeOptimizer: true }), before)).toBe(true);
  });
});

describe('inference', () => {
  it('encode, decode, reconstruct and sample return the documented shapes and ranges', async () => {
    const vae = await VAE.create(small);
    await vae.fit(data, { epochs: 2, batchSize: 32 });
    const x = data.subarray(0, 5 * D);
    const { mean, logVar } = vae.encode(x);
    expect(mean).toHaveLength(5 * 3);
    expect(logVar).toHaveLength(5 * 3);
    const probs = vae.decode(mean);
    expect(probs).toHaveLength(5 * D);
    expect(probs.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(vae.reconstruct(x)).toEqual(probs);
    const samples = vae.sample(2000); // more than one chunk
    expect(samples).toHaveLength(2000 * D);
    expect(samples.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(vae.sample(3)).not.toEqual(vae.sample(3)); // the sample stream advances
  });

  it('encode of many rows equals encode row by row (chunking is invisible)', async () => {
    const vae = await VAE.create(small);
    const many = vae.encode(data);
    const one = vae.encode(data.subarray(299 * D));
    expect(Array.from(many.mean.subarray(299 * 3))).toEqual(Array.from(one.mean));
  });

  it('a Gaussian likelihood decodes to unbounded means and accepts any finite targets', async () => {
    const vae = await VAE.create({ ...small, likelihood: 'gaussian' });
    const x = data.map((v) => 4 * v - 2);
    const r = vae.trainStep(x.subarray(0, 16 * D));
    // ½ ln 2π per pixel is part of the loss, so it is a true negative log-likelihood
    expect(r.reconstruction).toBeGreaterThan(D * 0.5 * Math.log(2 * Math.PI));
    await vae.fit(x, { epochs: 5, batchSize: 16, learningRate: 1e-2 });
    expect(vae.decode(new Float32Array(3 * 3)).some((v) => v < 0 || v > 1)).toBe(true);
  });
});
