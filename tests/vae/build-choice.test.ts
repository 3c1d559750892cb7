// Which build 'auto' picks: SIMD where the engine validates the SIMD probe, else the scalar fallback. The
// chromium-scalar project runs the behaviour tests with the probe refused (tests/helpers/force-scalar.ts).
import { describe, expect, it } from 'vitest';
import { simdSupported, VAE } from '../../src/index.js';

const forcedScalar = (globalThis as { FORCED_SCALAR?: boolean }).FORCED_SCALAR === true;

describe('the build a model runs on', () => {
  it(forcedScalar ? 'is the scalar fallback where SIMD is refused' : 'is the SIMD build where the engine has SIMD', async () => {
    const vae = await VAE.create({ inputDim: 8, hiddenDims: [4], latentDim: 2, seed: 1 });
    expect(simdSupported()).toBe(!forcedScalar);
    expect(vae.simd).toBe(!forcedScalar);
    vae.dispose();
  });
});
