// Process memory across many model lifetimes: 1,000 create → trainStep → dispose cycles must not accumulate
// (a leaked instance keeps its whole WebAssembly memory). The model is small so the cycles take seconds: this
// sandbox's first touch of a fresh page costs ≈ 10 µs, which is what a cycle of the default model mostly spends.
import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { prototypeData } from '../helpers/data.js';

const MiB = 2 ** 20;

describe('model lifetimes', () => {
  it('1,000 create → step → dispose cycles keep process memory bounded', async () => {
    const config = { inputDim: 64, hiddenDims: [32], latentDim: 4 };
    const batch = prototypeData(32, 64);
    const rss: number[] = [];
    let perModel = 0;
    for (let i = 1; i <= 1000; i++) {
      const vae = await VAE.create({ ...config, seed: i });
      expect(vae.trainStep(batch).skipped).toBe(false);
      perModel = vae.memoryBytes;
      vae.dispose();
      if (i % 100 === 0) rss.push(process.memoryUsage().rss);
    }
    // The garbage collector's timing moves RSS by tens of MiB either way; a leak would add ≈ perModel per cycle.
    const growth = rss.slice(-3).reduce((a, b) => a + b) / 3 - rss[0];
    console.log(`1,000 create/step/dispose cycles (${perModel / 1024} KiB of wasm memory each): RSS every 100 cycles ` +
      `${rss.map((r) => (r / MiB).toFixed(0)).join(', ')} MiB; mean of the last three minus cycle 100: ${(growth / MiB).toFixed(1)} MiB ` +
      `(1,000 leaked models would hold ${(1000 * perModel / MiB).toFixed(0)} MiB)`);
    expect(growth).toBeLessThan((1000 * perModel) / 4);
  });
});
