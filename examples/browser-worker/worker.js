// Trains in a module Worker, so the page stays responsive: fit yields after every batch, and progress is posted
// back as it happens. On a cross-origin isolated page, threads: 'auto' trains on every core (the same bytes).
import { gridImageData, VAE } from 'wasm-vae';

const WIDTH = 8, HEIGHT = 8;

self.onmessage = async ({ data: { epochs } }) => {
  try {
    const images = makeBars(2000);
    const vae = await VAE.create({ inputDim: WIDTH * HEIGHT, hiddenDims: [64], latentDim: 4, seed: 1 }, { threads: 'auto' });
    const batchSize = 32, total = epochs * Math.ceil(2000 / batchSize);
    postMessage({ type: 'start', examples: 2000, simd: vae.simd, threads: vae.threads });
    await vae.fit(images, {
      epochs, batchSize, learningRate: 3e-3,
      onBatchEnd: (log) => postMessage({ type: 'batch', epoch: log.epoch, batch: log.batch, loss: log.loss, total }),
      onEpochEnd: (log) => postMessage({ type: 'epoch', epoch: log.epoch, loss: log.loss, seconds: log.seconds }),
    });
    const samples = gridImageData(vae.sample(8), HEIGHT, WIDTH, { columns: 8, border: 1 });
    const model = vae.save();
    vae.dispose();
    postMessage({ type: 'done', samples, model }, [model.buffer]);
  } catch (error) {
    postMessage({ type: 'error', code: error.code, message: error.message });
  }
};

/** n 8×8 pictures with one random horizontal or vertical bar each: one row per picture, values in [0, 1]. */
function makeBars(n) {
  const images = new Float32Array(n * WIDTH * HEIGHT);
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let k = 0; k < n; k++) {
    const row = k * WIDTH * HEIGHT, vertical = random() < 0.5, at = Math.floor(random() * (vertical ? WIDTH : HEIGHT));
    for (let y = 0; y < HEIGHT; y++) for (let x = 0; x < WIDTH; x++) {
      if ((vertical ? x : y) === at) images[row + y * WIDTH + x] = 1;
    }
  }
  return images;
}
