// fit's schedules: KL warm-up and free bits do exactly what their formulas say (their gradients are checked
// against finite differences in tests/model/gradients.test.ts), early stopping restores the best epoch's bytes,
// and all of it is saved with a checkpoint and resumed.
import { describe, expect, it } from 'vitest';
import { VAE, type EpochLog } from '../../src/index.js';
import { warmupBeta } from '../../src/train/fit.js';
import { prototypeData, sameBytes } from '../helpers/data.js';

const D = 24;
const config = { inputDim: D, hiddenDims: [16], latentDim: 3, seed: 9 };
const data = prototypeData(96, D), validation = prototypeData(48, D, 3);

describe('KL warm-up', () => {
  it('β rises linearly from 0 to beta over N steps, then stays', () => {
    expect([0, 1, 5, 10, 11, 100].map((s) => warmupBeta(2, 10, s))).toEqual([0, 0.2, 1, 2, 2, 2]);
    expect(warmupBeta(0.5, 0, 0)).toBe(0.5);
  });

  it('fit applies β_s = beta·min(1, s/N) at each step: the same bytes as trainStep with that β', async () => {
    const fitted = await VAE.create(config);
    const betas: number[] = [];
    await fitted.fit(data, { epochs: 2, batchSize: 32, shuffle: false, beta: 1.5, klWarmup: 4, onBatchEnd: (log) => betas.push(log.beta) });
    expect(betas).toEqual([0, 0.375, 0.75, 1.125, 1.5, 1.5]);
    const manual = await VAE.create(config);
    betas.forEach((beta, s) => manual.trainStep(data.subarray((s % 3) * 32 * D, ((s % 3) + 1) * 32 * D), { beta }));
    expect(sameBytes(manual.save(), fitted.save())).toBe(true);
    const plain = await VAE.create(config);
    await plain.fit(data, { epochs: 2, batchSize: 32, shuffle: false, beta: 1.5 });
    expect(sameBytes(plain.save(), fitted.save())).toBe(false);
  });
});

describe('free bits', () => {
  it('fit passes λ to every step (the same bytes as trainStep with freeBits), and λ changes training', async () => {
    const fitted = await VAE.create(config);
    await fitted.fit(data, { epochs: 1, batchSize: 32, shuffle: false, freeBits: 0.5 });
    const manual = await VAE.create(config);
    for (let b = 0; b < 3; b++) manual.trainStep(data.subarray(b * 32 * D, (b + 1) * 32 * D), { freeBits: 0.5 });
    expect(sameBytes(manual.save(), fitted.save())).toBe(true);
    const plain = await VAE.create(config);
    await plain.fit(data, { epochs: 1, batchSize: 32, shuffle: false });
    expect(sameBytes(plain.save(), fitted.save())).toBe(false);
    await expect(plain.fit(data, { freeBits: -1 })).rejects.toThrow(/options\.freeBits must be a finite number >= 0/);
  });
});

describe('early stopping', () => {
  it('stops after `patience` epochs without improvement and restoreBest restores the best epoch exactly', async () => {
    const vae = await VAE.create(config);
    const saved = new Map<number, Uint8Array>();
    // A learning rate this high makes the validation loss wander, so the best epoch is not the last.
    const logs = await vae.fit(data, {
      epochs: 40, batchSize: 16, learningRate: 0.05, validationData: validation,
      earlyStopping: { patience: 3, restoreBest: true }, onEpochEnd: (log) => saved.set(log.epoch, vae.save()),
    });
    const last = logs[logs.length - 1];
    expect(last.stoppedEarly).toBe(true);
    expect(logs.length).toBeLessThan(40);
    const best = logs.reduce((a, b) => (b.valLoss! < a.valLoss! ? b : a));
    expect(last.restoredEpoch).toBe(best.epoch);
    expect(last.epoch).toBe(best.epoch + 3);
    expect(sameBytes(vae.save(), saved.get(best.epoch)!)).toBe(true);
    expect(sameBytes(vae.save(), saved.get(last.epoch - 1)!)).toBe(false); // the weights did move after the best
    console.log(`early stopping: best epoch ${best.epoch} (val ${best.valLoss!.toFixed(3)}), stopped after epoch ${last.epoch}, restored`);
  });

  it('is saved with the checkpoint: a run interrupted after its best epoch resumes to the same bytes', async () => {
    const options = { epochs: 40, batchSize: 16, learningRate: 0.05, validationData: validation, earlyStopping: { patience: 3, restoreBest: true } };
    const straight = await VAE.create(config);
    const straightLogs = await straight.fit(data, options);
    const stopAt = straightLogs[straightLogs.length - 1].restoredEpoch! + 1; // after the best epoch, before stopping
    const first = await VAE.create(config);
    const stop = new AbortController();
    await first.fit(data, { ...options, signal: stop.signal, onEpochEnd: (log: EpochLog) => { if (log.epoch === stopAt) stop.abort(); } });
    const resumed = await VAE.load(first.save({ includeOptimizer: true }));
    const rest = await resumed.fit(data, { ...options, resume: true });
    expect(rest[rest.length - 1]).toMatchObject({ stoppedEarly: true, restoredEpoch: stopAt - 1 });
    expect(sameBytes(resumed.save({ includeOptimizer: true }), straight.save({ includeOptimizer: true }))).toBe(true);
    await expect(resumed.fit(data, { ...options, earlyStopping: { patience: 5 }, resume: true })).rejects.toThrow(/resume continues a run of settings/);
  });

  it('is checked like every option', async () => {
    const vae = await VAE.create(config);
    await expect(vae.fit(data, { earlyStopping: { patience: 2 } })).rejects.toThrow(/options\.earlyStopping must be given with options\.validationData/);
    await expect(vae.fit(data, { validationData: validation, earlyStopping: { patience: 0 } })).rejects.toThrow(/patience must be a positive integer/);
    await expect(vae.fit(data, { klWarmup: 1.5 })).rejects.toThrow(/options\.klWarmup must be a non-negative integer/);
  });
});
