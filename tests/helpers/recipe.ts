// One fixed training recipe whose save() bytes must be the same on every platform: run in Chromium by
// tests/vae/cross-platform.test.ts and in Node by the `nodeRecipeHash` command (vitest.config.ts).
import { VAE } from '../../src/index.js';
import { prototypeData } from './data.js';

export async function trainRecipe(): Promise<Uint8Array> {
  const D = 64;
  const vae = await VAE.create({ inputDim: D, hiddenDims: [32, 16], latentDim: 4, activation: 'tanh', seed: 2024 });
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
