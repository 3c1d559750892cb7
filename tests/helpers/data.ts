// Small synthetic data sets for API tests: binary "images" made of a few prototypes with noise, so a VAE
// has something to learn in a handful of steps.
import { randomArray } from './wasm.js';

export function prototypeData(n: number, dim: number, seed = 1): Float32Array {
  const protos = [0, 1, 2].map((p) => randomArray(dim, 100 + p, 0, 1));
  const noise = randomArray(n * dim, seed, 0, 1);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const proto = protos[i % 3];
    for (let j = 0; j < dim; j++) out[i * dim + j] = (proto[j] > 0.5) !== (noise[i * dim + j] < 0.05) ? 1 : 0;
  }
  return out;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Digit-like 28×28 images for zero-skipping tests: zero outside a 20×20 centre as MNIST's are, and inside it
 * a few random strokes of grey-to-white pixels, so that ≈ 80% of all pixels are exact zeros.
 */
export function sparseImages(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n * 784), r = randomArray(n * 40, seed, 0, 1);
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < 4; s++) { // four strokes of 10 steps from a random start
      const o = i * 40 + s * 10;
      let x = 6 + Math.floor(r[o] * 16), y = 6 + Math.floor(r[o + 1] * 16);
      for (let t = 2; t < 10; t++) {
        x = Math.min(21, Math.max(6, x + Math.round(r[o + t] * 2 - 1)));
        y = Math.min(21, Math.max(6, y + Math.round(r[o + ((t + 3) % 10)] * 2 - 1)));
        for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) out[i * 784 + (y + dy) * 28 + x + dx] = t % 3 ? 1 : r[o + t];
      }
    }
  }
  return out;
}
