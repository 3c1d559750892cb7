// Which wasm a model runs on: the automatic choice between the SIMD and the scalar build, the scalar build's
// agreement with the SIMD one, caller-supplied modules, and the errors when nothing can run.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { simdSupported, VAE } from '../../src/index.js';
import { SIMD_PROBE } from '../../src/wasm/builds.js';
import { prototypeData, sameBytes } from '../helpers/data.js';
import { expectVAEError } from '../helpers/errors.js';
import { readBytes, wasmUrl } from '../helpers/files.js';
import { SIMD_ENGINE } from '../helpers/wasm.js';
import { decodeSafetensors } from '../../src/files/safetensors.js';

const D = 20;
const config = { inputDim: D, hiddenDims: [12, 8], latentDim: 3, activation: 'tanh' as const, seed: 9 };
const data = prototypeData(96, D);

/** Ten steps of one recipe; returns the per-step losses and the saved model. */
async function train(vae: VAE): Promise<{ losses: number[]; saved: Uint8Array; evaluation: number }> {
  const losses: number[] = [];
  for (let s = 0; s < 10; s++) losses.push(vae.trainStep(data.subarray((s % 3) * 32 * D, ((s % 3) + 1) * 32 * D), { learningRate: 1e-2 }).loss);
  await vae.fit(data, { epochs: 1, batchSize: 16 });
  return { losses, saved: vae.save(), evaluation: vae.evaluate(data).loss };
}

/** Largest |a − b| over every tensor of two saved models with the same layout. */
function maxWeightDifference(a: Uint8Array, b: Uint8Array): number {
  const ta = decodeSafetensors(a).tensors, tb = decodeSafetensors(b).tensors;
  let max = 0;
  for (const [name, t] of ta) t.data.forEach((v, i) => { max = Math.max(max, Math.abs(v - tb.get(name)!.data[i])); });
  return max;
}

describe('engine selection', () => {
  afterEach(() => { vi.restoreAllMocks(); vi.resetModules(); });

  it.runIf(SIMD_ENGINE)("'auto' runs the SIMD build on an engine with WebAssembly SIMD", async () => {
    expect(simdSupported()).toBe(true); // Node 20 and Chromium both have it
    const vae = await VAE.create(config);
    expect(vae.simd).toBe(true);
  });

  it('falls back to the scalar build, automatically, where SIMD does not validate', async () => {
    const validate = WebAssembly.validate.bind(WebAssembly);
    // An engine without SIMD: it rejects the probe (compared by content: the fresh import has its own copy).
    const isProbe = (b: BufferSource) => ArrayBuffer.isView(b) && sameBytes(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), SIMD_PROBE);
    vi.spyOn(WebAssembly, 'validate').mockImplementation((bytes) => !isProbe(bytes) && validate(bytes));
    vi.resetModules();
    const fresh = await import('../../src/index.js');
    expect(fresh.simdSupported()).toBe(false);
    const vae = await fresh.VAE.create(config);
    expect(vae.simd).toBe(false);
    expect(vae.trainStep(data.subarray(0, 32 * D)).loss).toBeGreaterThan(0);
  });

  it.runIf(SIMD_ENGINE)('the scalar build trains the same model as the SIMD build', async () => {
    const simd = await train(await VAE.create(config, { wasm: 'simd' }));
    const scalarVae = await VAE.create(config, { wasm: 'scalar' });
    expect(scalarVae.simd).toBe(false);
    const scalar = await train(scalarVae);
    // Every lane operation is the same IEEE operation in both builds, and every product sums in k order, so
    // weights agree to float32 rounding at worst; only the loss sums reduce in another order.
    const weightDiff = maxWeightDifference(simd.saved, scalar.saved);
    const lossDiff = Math.max(...simd.losses.map((l, i) => Math.abs(l - scalar.losses[i]) / l));
    console.log(`scalar vs SIMD after ${10} steps and an epoch: max |Δweight| ${weightDiff.toExponential(2)}, ` +
      `max relative |Δloss| ${lossDiff.toExponential(2)}, save() bytes identical: ${sameBytes(simd.saved, scalar.saved)}`);
    expect(weightDiff).toBeLessThanOrEqual(1e-5);
    expect(lossDiff).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(simd.evaluation - scalar.evaluation) / simd.evaluation).toBeLessThanOrEqual(1e-5);
  });

  it('UNSUPPORTED_ENGINE names the minimum engines where neither build can run', async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    vi.resetModules();
    const fresh = await import('../../src/index.js');
    await expectVAEError(() => fresh.VAE.create(config), 'UNSUPPORTED_ENGINE',
      /^VAE\.create: expected WebAssembly SIMD \(Chrome 91\+.*Safari 16\.4\+.*\) for the SIMD build, or WebAssembly with bulk memory .*\(Chrome 75\+.*\) for the scalar build; this engine cannot run the scalar build$/,
      fresh.VAEError);
  });

  it("UNSUPPORTED_ENGINE when 'simd' is demanded of an engine without SIMD", async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    vi.resetModules();
    const fresh = await import('../../src/index.js');
    await expectVAEError(() => fresh.VAE.create(config, { wasm: 'simd' }), 'UNSUPPORTED_ENGINE',
      /VAE\.create: expected WebAssembly SIMD .*; this engine has WebAssembly without SIMD$/, fresh.VAEError);
  });
});

describe('caller-supplied wasm (options.wasm)', () => {
  it('accepts bytes, a WebAssembly.Module and a URL, and trains what the embedded build trains', async () => {
    const reference = await train(await VAE.create(config));
    const bytes = await readBytes(wasmUrl('simd'));
    const sources = [bytes, bytes.buffer, await WebAssembly.compile(bytes), wasmUrl('simd')];
    for (const wasm of sources) {
      const vae = await VAE.create(config, { wasm });
      expect(vae.simd).toBe(true);
      expect(sameBytes((await train(vae)).saved, reference.saved)).toBe(true);
    }
    const loaded = await VAE.load(reference.saved, { wasm: wasmUrl('scalar') });
    expect(loaded.simd).toBe(false);
    expect(sameBytes(loaded.save(), reference.saved)).toBe(true);
  });

  it('INVALID_ARGUMENT for anything else, saying what was expected and what came', async () => {
    await expectVAEError(() => VAE.create(config, { wasm: 'fast' as never }), 'INVALID_ARGUMENT',
      /^VAE\.create: options\.wasm: expected 'auto', 'simd', 'scalar', bytes .* or a URL \(wrap a string in new URL\(\.\.\.\)\); received "fast"$/);
    await expectVAEError(() => VAE.create(config, { wasm: new Uint8Array([1, 2, 3]) }), 'INVALID_ARGUMENT',
      /^VAE\.create: options\.wasm: expected a wasm-vae build that this engine can compile; received a Uint8Array of length 3 \(3 bytes\) that failed: /);
    await expectVAEError(() => VAE.create(config, { wasm: SIMD_PROBE.slice() }), 'INVALID_ARGUMENT',
      /^VAE\.create: options\.wasm: expected a build of this version of wasm-vae; received a module without memory, build_lanes, arena_alloc and \d+ more$/);
    const saved = (await VAE.create(config)).save();
    await expectVAEError(() => VAE.load(saved, { wasm: new URL('../../build/missing.wasm', import.meta.url) }), 'INVALID_ARGUMENT',
      /^VAE\.load: options\.wasm: expected .*missing\.wasm to serve the wasm; received /);
    await expectVAEError(() => VAE.create(config, null as never), 'INVALID_ARGUMENT',
      /^VAE\.create: the engine options must be an object; received null$/);
  });
});
