// One fixed training recipe whose save() bytes must be the same on every platform: run in Chromium by
// tests/vae/cross-platform.test.ts and in Node by the `nodeRecipeHash` command (vitest.config.ts).
import { VAE } from '../../src/index.js';
import { prototypeData } from './data.js';

/** An MLP, or a convolutional VAE on 8×8 images (conv 1→4→8, dense, convT 8→4→1). */
export type RecipeKind = 'mlp' | 'conv';

export async function trainRecipe(kind: RecipeKind = 'mlp'): Promise<Uint8Array> {
  const D = 64;
  const vae = kind === 'mlp'
    ? await VAE.create({ inputDim: D, hiddenDims: [32, 16], latentDim: 4, activation: 'tanh', seed: 2024 })
    : await VAE.create({
      inputShape: [1, 8, 8], latentDim: 4, seed: 2024,
      encoder: [{ type: 'conv2d', filters: 4, kernel: 4, stride: 2, padding: 1 }, { type: 'conv2d', filters: 8, kernel: 4, stride: 2, padding: 1 }],
      decoder: [{ type: 'dense', units: 32, reshape: [8, 2, 2] }, { type: 'convTranspose2d', filters: 4, kernel: 4, stride: 2, padding: 1 },
        { type: 'convTranspose2d', filters: 1, kernel: 4, stride: 2, padding: 1 }],
    });
  const data = prototypeData(256, D, 7);
  await vae.fit(data, { epochs: 3, batchSize: 32, learningRate: 3e-3 });
  for (let s = 0; s < 5; s++) vae.trainStep(data.subarray(s * 16 * D, (s + 1) * 16 * D), { beta: 0.5 });
  const bytes = vae.save();
  vae.dispose();
  return bytes;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
