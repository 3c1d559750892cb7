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
