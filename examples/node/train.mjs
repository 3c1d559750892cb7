// Train a VAE in Node, sample from it, save it and load it back.
//
//   node train.mjs                          # on made-up 8×8 pictures of bars (no download)
//   node train.mjs images-idx3-ubyte        # on your own unsigned-byte IDX file (e.g. MNIST's)
//   node train.mjs --out models             # where model.safetensors goes (default: out)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { VAE } from 'wasm-vae';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', default: 'out' } } });

// The data: one row per example, every value in [0, 1], all rows in one flat Float32Array.
const { images, width, height } = positionals[0] ? readIdx(positionals[0]) : makeBars(2000, 8, 8);
const inputDim = width * height;
const count = images.length / inputDim;
console.log(`data: ${count} images of ${width}×${height}`);

const vae = await VAE.create({ inputDim, hiddenDims: [64], latentDim: 4, seed: 1 });
const test = images.subarray(0, 200 * inputDim);          // held out for validation
const train = images.subarray(200 * inputDim);
await vae.fit(train, {
  epochs: 20, batchSize: 32, learningRate: 3e-3, validationData: test,
  onEpochEnd: (log) => console.log(`epoch ${log.epoch}: loss ${log.loss.toFixed(2)}, test loss ${log.valLoss.toFixed(2)} nats per image`),
});

const first = test.subarray(0, inputDim);
console.log('a test image, its reconstruction and a sample from the prior:');
console.log(sideBySide([first, vae.reconstruct(first), vae.sample(1)], width));

mkdirSync(values.out, { recursive: true });
const file = join(values.out, 'model.safetensors');
writeFileSync(file, vae.save());
const loaded = await VAE.load(readFileSync(file));          // the same model, bit for bit
console.log(`saved ${file}; reloaded test loss ${loaded.evaluate(test).loss.toFixed(2)} (the same as ${vae.evaluate(test).loss.toFixed(2)})`);
vae.dispose();
loaded.dispose();

/** An unsigned-byte IDX file (MNIST's format): pixels / 255, one row per image. */
function readIdx(path) {
  const bytes = readFileSync(path);
  const dims = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
  const start = 4 + 4 * dims;
  const images = new Float32Array(bytes.length - start);
  for (let i = 0; i < images.length; i++) images[i] = bytes[start + i] / 255;
  return { images, height: shape[1], width: shape[2] ?? 1 };
}

/** n pictures with one random horizontal or vertical bar each, as [0, 1] values. */
function makeBars(n, width, height) {
  const images = new Float32Array(n * width * height);
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let k = 0; k < n; k++) {
    const row = k * width * height, vertical = random() < 0.5, at = Math.floor(random() * (vertical ? width : height));
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      if ((vertical ? x : y) === at) images[row + y * width + x] = 1;
    }
  }
  return { images, width, height };
}

/** Images as text, side by side: █ above 0.5, ▒ above 0.2, · below. */
function sideBySide(images, width) {
  const lines = [];
  for (let y = 0; y < images[0].length / width; y++) {
    lines.push(images.map((image) => Array.from(image.subarray(y * width, (y + 1) * width),
      (v) => (v > 0.5 ? '█' : v > 0.2 ? '▒' : '·')).join('')).join('   '));
  }
  return lines.join('\n');
}
