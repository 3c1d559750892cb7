// The embedded builds, in Node and in Chromium: the dense SIMD build ships as base64 of its gzip
// (scripts/embed-wasm.js) and is inflated by the platform's DecompressionStream, once per process. Where that is
// missing, a model runs the full SIMD build from its chunk instead and trains the same bytes.
// The tests run in order and share the module caches: the first must see them empty.
import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { embeddedBytes, resolveModule, type Build } from '../../src/wasm/builds.js';
import { threadsUnavailable } from '../../src/wasm/threads/support.js';
import { prototypeData, sameBytes } from '../helpers/data.js';
import { readBytes, wasmUrl } from '../helpers/files.js';
import { SIMD_ENGINE } from '../helpers/wasm.js';

const D = 48;
const data = prototypeData(96, D, 5);

/** A short run's save() bytes, optimizer state included. */
async function train(threads = 1): Promise<Uint8Array> {
  const vae = await VAE.create({ inputDim: D, hiddenDims: [24, 12], latentDim: 3, seed: 11 }, { threads });
  await vae.fit(data, { epochs: 2, batchSize: 32, learningRate: 3e-3 });
  vae.trainStep(data.subarray(0, 10 * D), { beta: 0.5 });
  const bytes = vae.save({ includeOptimizer: true });
  vae.dispose();
  return bytes;
}

const scope = globalThis as { DecompressionStream?: typeof DecompressionStream };

describe('the embedded dense SIMD build', () => {
  it('where DecompressionStream is missing: the full SIMD build runs instead, with the same bytes; otherwise one inflate', async () => {
    const original = scope.DecompressionStream!;
    expect(typeof original).toBe('function');
    scope.DecompressionStream = undefined;
    let fallback: Uint8Array[];
    try {
      fallback = [await train()];
      if (threadsUnavailable(undefined) === null) fallback.push(await train(2));
      if (SIMD_ENGINE) { // 'auto' resolves to the full build, the one a conv model compiles: one module for both
        expect(await resolveModule('tests', undefined)).toBe(await resolveModule('tests', undefined, true));
      }
    } finally {
      scope.DecompressionStream = original;
    }
    let inflates = 0;
    scope.DecompressionStream = class extends original {
      constructor(format: CompressionFormat) { super(format); inflates++; }
    };
    let normal: Uint8Array[];
    try {
      normal = await Promise.all([train(), train()]); // concurrent creates share one inflate and one compile
      if (SIMD_ENGINE) expect(await resolveModule('tests', undefined)).not.toBe(await resolveModule('tests', undefined, true));
    } finally {
      scope.DecompressionStream = original;
    }
    console.log(`fallback runs: ${fallback.length} (threads ${fallback.length > 1 ? '1 and 2' : '1'}), ${fallback[0].length} bytes each; inflates on the normal path: ${inflates}`);
    expect(inflates).toBe(SIMD_ENGINE ? 1 : 0); // an engine without SIMD never inflates the SIMD build
    for (const bytes of [...fallback, normal[1]]) expect(sameBytes(bytes, normal[0])).toBe(true);
  });

  it.each(['simd', 'simd-full', 'scalar'] as Build[])('%s: the decoded embedded bytes are build/<name>.wasm, byte for byte', async (build) => {
    const [bytes, file] = await Promise.all([embeddedBytes(build), readBytes(wasmUrl(build))]);
    console.log(`${build}: ${bytes.length} bytes decoded, ${file.length} in build/`);
    expect(bytes.length).toBe(file.length);
    expect(sameBytes(bytes, file)).toBe(true);
    expect(await embeddedBytes(build)).toBe(bytes); // decoded once: the same array on every call
  });
});
