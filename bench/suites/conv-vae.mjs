// The conv suite's measurement, the same in Node and in headless Chromium: the reference convolutional VAE
// (issue 19; PyTorch's twin is bench/peers/pytorch_conv_vae.py) trained with VAE.fit on real MNIST, timed over a
// few batches and scaled to one epoch. A whole epoch takes about a minute on one thread here, so the bench times
// rounds of `batches` steps and alternates them with the peers': on a shared machine only runs taken together
// compare. Every dependency is passed in (the VAE class, the images).

/** The reference convolutional VAE of issue 19, as VAE.create takes it. */
export const CONV_VAE = {
  inputShape: [1, 28, 28],
  encoder: [{ type: 'conv2d', filters: 32, kernel: 4, stride: 2, padding: 1 },
    { type: 'conv2d', filters: 64, kernel: 4, stride: 2, padding: 1 }],
  latentDim: 20,
  decoder: [{ type: 'dense', units: 3136, reshape: [64, 7, 7] },
    { type: 'convTranspose2d', filters: 32, kernel: 4, stride: 2, padding: 1 },
    { type: 'convTranspose2d', filters: 1, kernel: 4, stride: 2, padding: 1 }],
  activation: 'relu', likelihood: 'bernoulli', seed: 1,
};

const B = 128, D = 784;
/** Batches in one MNIST epoch of 60,000 images at batch 128 (the last one short). */
export const EPOCH_BATCHES = Math.ceil(60000 / B);

/** One model per thread count, each warmed up with `warmup` untimed batches (compilation tiers, memory growth). */
export async function convModels(VAE, images, threadCounts, warmup = 3) {
  const models = [];
  for (const threads of threadCounts) {
    const vae = await VAE.create(CONV_VAE, { threads });
    await vae.fit(images.subarray(0, warmup * B * D), { epochs: 1, batchSize: B });
    models.push(vae);
  }
  return models;
}

/**
 * Seconds of one VAE.fit epoch over `batches` batches of MNIST (round `round` takes the round-th slice of the
 * training set, so that rounds see different images), and that scaled to a 469-batch epoch.
 */
export async function convRound(vae, images, batches, round) {
  const n = images.length / D, slices = Math.floor(n / (batches * B));
  const start = (round % slices) * batches * B * D;
  const data = images.subarray(start, start + batches * B * D);
  const t = performance.now();
  await vae.fit(data, { epochs: 1, batchSize: B });
  const seconds = (performance.now() - t) / 1000;
  return { seconds, batches, epochSeconds: (seconds / batches) * EPOCH_BATCHES, threads: vae.threads };
}

/** The shapes of a model's parameter tensors, from the header of its safetensors file (vae.save()). */
export function parameterShapes(vae) {
  const bytes = vae.save(), n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  return Object.entries(header).filter(([k]) => k !== '__metadata__').map(([, v]) => v.shape);
}
