// Exact resume: everything that shapes future steps (weights, Adam's moments, the step count, every RNG stream,
// fit's position and shuffle order) round-trips through save({ includeOptimizer: true }), so an interrupted run
// ends with the same bytes as one never interrupted.
import { describe, expect, it } from 'vitest';
import { VAE, type EpochLog } from '../../src/index.js';
import { prototypeData } from '../helpers/data.js';

const D = 24;
const config = { inputDim: D, hiddenDims: [16], latentDim: 3, seed: 7 };
const data = prototypeData(200, D);
const batch = (i: number) => data.subarray((i % 6) * 32 * D, ((i % 6) * 32 + 32) * D);
const withoutSeconds = (logs: EpochLog[]) => logs.map(({ seconds: _, ...rest }) => rest);

describe('exact resume', () => {
  it('N steps, save, load, M steps gives the bytes of N+M steps, and the same evaluate', async () => {
    const straight = await VAE.create(config);
    for (let i = 0; i < 9; i++) straight.trainStep(batch(i));
    straight.sample(3); // the sample stream is state too

    const first = await VAE.create(config);
    for (let i = 0; i < 4; i++) first.trainStep(batch(i));
    const resumed = await VAE.load(first.save({ includeOptimizer: true }));
    for (let i = 4; i < 9; i++) resumed.trainStep(batch(i));
    resumed.sample(3);

    expect(resumed.save({ includeOptimizer: true })).toEqual(straight.save({ includeOptimizer: true }));
    expect(resumed.evaluate(data)).toEqual(straight.evaluate(data));
    expect(resumed.sample(2)).toEqual(straight.sample(2));
  });

  it('without the optimizer state the run does not resume exactly (the test can fail)', async () => {
    const straight = await VAE.create(config);
    for (let i = 0; i < 6; i++) straight.trainStep(batch(i));
    const first = await VAE.create(config);
    for (let i = 0; i < 3; i++) first.trainStep(batch(i));
    const reloaded = await VAE.load(first.save());
    for (let i = 3; i < 6; i++) reloaded.trainStep(batch(i));
    expect(reloaded.save()).not.toEqual(straight.save());
  });

  it('fit resumes on an epoch boundary and mid-epoch with the same shuffle order, logs and bytes', async () => {
    const options = { epochs: 4, batchSize: 32, validationData: data.subarray(0, 40 * D) };
    const straight = await VAE.create(config);
    const straightLogs = await straight.fit(data, options);
    const reference = straight.save({ includeOptimizer: true });

    // Interrupted at an epoch boundary (after epoch 2), then mid-epoch 3 (after batch 4 of 7) by abort.
    const a = await VAE.create(config);
    const logs1 = await a.fit(data, { ...options, epochs: 2 });
    const b = await VAE.load(a.save({ includeOptimizer: true }));
    const stop = new AbortController();
    const logs2 = await b.fit(data, { ...options, resume: true, signal: stop.signal,
      onBatchEnd: (log) => { if (log.epoch === 3 && log.batch === 4) stop.abort(); } });
    expect(logs2).toHaveLength(1);
    expect(logs2[0]).toMatchObject({ epoch: 3, aborted: true, examples: 128 });
    const c = await VAE.load(b.save({ includeOptimizer: true }));
    const logs3 = await c.fit(data, { ...options, resume: true });

    expect(c.save({ includeOptimizer: true })).toEqual(reference);
    expect(c.evaluate(data)).toEqual(straight.evaluate(data));
    // The resumed epoch 3 reports the whole epoch, as the uninterrupted run did.
    expect(withoutSeconds([...logs1, ...logs3])).toEqual(withoutSeconds(straightLogs));
    // A finished run has nothing left to do.
    expect(await c.fit(data, { ...options, resume: true })).toEqual([]);
  });

  it('a resume with different data or batch size is refused with the saved and given values', async () => {
    const a = await VAE.create(config);
    const stop = new AbortController();
    await a.fit(data, { epochs: 2, batchSize: 32, signal: stop.signal, onBatchEnd: (l) => { if (l.batch === 2) stop.abort(); } });
    await expect(a.fit(data, { epochs: 2, batchSize: 16, resume: true })).rejects.toThrow(/resume continues a run of options\.batchSize 32; received 16/);
    await expect(a.fit(data.subarray(0, 100 * D), { epochs: 2, batchSize: 32, resume: true })).rejects.toThrow(/data rows 200; received 100/);
  });
});
