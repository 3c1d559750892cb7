// benchmark.js measurements of training, in plain JavaScript so that Node and Chromium run exactly the same
// code on exactly the same bundle (dist/index.js): one VAE.trainStep, and one VAE.fit epoch (which also yields
// to the event loop after every batch). Model 784-400-20, batch 128. Each returns seconds per step: one entry
// per benchmark.js sample.
//
// minTime 1 s: each sample spans many steps, so the browser's 1 ms Date timer (benchmark.js does not use
// performance.now) resolves a step to ~0.02 ms; Node (process.hrtime) is measured the same way.
import { makeData } from '../../tests/consumers/fixtures/recipe.mjs';

const OPTIONS = { minSamples: 5, minTime: 1 };
const BATCH = 128, BATCHES_PER_EPOCH = 20;

/** Binary pixels, 20% on, like MNIST. */
const binaryImages = (rows) => makeData(rows, 784, 0.2);

async function warmModel(VAE, batch) {
  const vae = await VAE.create({ inputDim: 784, seed: 1 });
  for (let i = 0; i < 5; i++) vae.trainStep(batch); // warm-up: tier-up and memory growth
  return vae;
}

export async function measureTrainStep(VAE, Benchmark, maxTime) {
  const batch = binaryImages(BATCH);
  const vae = await warmModel(VAE, batch);
  const sample = await new Promise((resolve) => {
    new Benchmark('trainStep', () => vae.trainStep(batch), {
      ...OPTIONS, maxTime, onComplete() { resolve(this.stats.sample); },
    }).run();
  });
  vae.dispose();
  return sample;
}

export async function measureFitEpoch(VAE, Benchmark, maxTime) {
  const data = binaryImages(BATCH * BATCHES_PER_EPOCH);
  const vae = await warmModel(VAE, data.subarray(0, BATCH * 784));
  const sample = await new Promise((resolve) => {
    new Benchmark('fit', {
      ...OPTIONS, maxTime, defer: true,
      fn(deferred) { vae.fit(data, { epochs: 1, batchSize: BATCH }).then(() => deferred.resolve()); },
      onComplete() { resolve(this.stats.sample); },
    }).run();
  });
  vae.dispose();
  return sample.map((seconds) => seconds / BATCHES_PER_EPOCH);
}
