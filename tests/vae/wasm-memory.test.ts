// No growth of WebAssembly memory once training is under way: every buffer a step needs is laid out by the
// first batch (assembly/model.ts model_reserve), and nothing in the step allocates.
import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { prototypeData } from '../helpers/data.js';

describe('wasm memory over a long run', () => {
  it('a 20-epoch fit (with validation) grows no memory after its first epoch', async () => {
    const D = 64;
    const vae = await VAE.create({ inputDim: D, hiddenDims: [48], latentDim: 6 });
    const created = vae.memoryBytes;
    const sizes: number[] = [];
    await vae.fit(prototypeData(600, D), {
      epochs: 20, batchSize: 100, validationData: prototypeData(150, D, 2), onEpochEnd: () => sizes.push(vae.memoryBytes),
    });
    console.log(`wasm memory: ${created} bytes after create, ${sizes[0]} after epoch 1, ${sizes[19]} after epoch 20`);
    expect(sizes).toHaveLength(20);
    expect(new Set(sizes).size).toBe(1);
  });
});
