// Options are checked as create checks its configuration: an unknown key (a typo) is refused, naming it and listing
// the known ones, rather than silently ignored; `resume` needs a run to resume; `signal` must be an AbortSignal.
import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { expectVAEError } from '../helpers/errors.js';
import { prototypeData } from '../helpers/data.js';

const D = 8;

describe('unknown and ill-typed options', () => {
  it('every method refuses an option it does not know, naming it and listing the known ones', async () => {
    const vae = await VAE.create({ inputDim: D, hiddenDims: [6], latentDim: 2 });
    const x = prototypeData(4, D), z = new Float32Array(4), a = new Float32Array(2);
    const cases: Array<[string, () => unknown, RegExp]> = [
      ['VAE.fit', () => vae.fit(x, { epoch: 5 } as never), /options\.epoch is not an option.*epochs, batchSize/],
      ['VAE.trainStep', () => vae.trainStep(x, { lr: 1 } as never), /options\.lr is not an option.*learningRate/],
      ['VAE.evaluate', () => vae.evaluate(x, { sample: 2 } as never), /options\.sample is not an option.*samples/],
      ['VAE.scores', () => vae.scores(x, { batch: 2 } as never), /options\.batch is not an option.*batchSize/],
      ['VAE.save', () => vae.save({ optimizer: true } as never), /options\.optimizer is not an option.*includeOptimizer/],
      ['VAE.encode', () => vae.encode(x, { samples: true } as never), /options\.samples is not an option.*sample/],
      ['VAE.decode', () => vae.decode(z, { condition: 1 } as never), /options\.condition is not an option.*conditions/],
      ['VAE.reconstruct', () => vae.reconstruct(x, { sample: true } as never), /options\.sample is not an option.*conditions/],
      ['VAE.sample', () => vae.sample(2, { seed: 3 } as never), /options\.seed is not an option.*conditions/],
      ['VAE.interpolate', () => vae.interpolate(a, a, 3, { slerp: true } as never), /options\.slerp is not an option.*spherical/],
      ['VAE.latentGrid', () => vae.latentGrid(3, { low: 0.1 } as never), /options\.low is not an option.*lo/],
      ['VAE.fit', () => vae.fit(x, { validationData: x, earlyStopping: { patience: 1, restore: true } } as never),
        /options\.earlyStopping\.restore is not an option.*restoreBest/],
      ['VAE.create', () => VAE.create({ inputDim: D }, { thread: 2 } as never), /options\.thread is not an option.*threads/],
      ['VAE.load', () => VAE.load(vae.save(), { simd: true } as never), /options\.simd is not an option.*wasm/],
    ];
    for (const [method, call, pattern] of cases) {
      await expectVAEError(call, 'INVALID_ARGUMENT', new RegExp(`^${method.replace('.', '\\.')}: ${pattern.source}`));
    }
    // As in create, a key whose value is undefined is no option at all.
    await vae.fit(x, { epochs: 1, epoch: undefined } as never);
    vae.dispose();
  });

  it('fit({ resume: true }) with no run to resume is refused; after a fit it continues', async () => {
    const vae = await VAE.create({ inputDim: D, hiddenDims: [6], latentDim: 2 });
    const x = prototypeData(16, D);
    await expectVAEError(() => vae.fit(x, { epochs: 1, resume: true }), 'INVALID_ARGUMENT',
      /^VAE\.fit: options\.resume must .*a run to continue.*this model has none/);
    expect(await vae.fit(x, { epochs: 1, batchSize: 8 })).toHaveLength(1);
    expect(await vae.fit(x, { epochs: 2, batchSize: 8, resume: true })).toHaveLength(1);
    vae.dispose();
  });

  it('signal must be an AbortSignal', async () => {
    const vae = await VAE.create({ inputDim: D, hiddenDims: [6], latentDim: 2 });
    const x = prototypeData(16, D);
    for (const signal of [5, {}, { aborted: false }, 'stop']) {
      await expectVAEError(() => vae.fit(x, { signal } as never), 'INVALID_ARGUMENT', /^VAE\.fit: options\.signal must be an AbortSignal; received/);
    }
    expect(await vae.fit(x, { signal: new AbortController().signal })).toHaveLength(1);
    vae.dispose();
  });
});
