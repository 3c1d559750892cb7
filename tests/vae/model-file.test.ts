import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VAE, VAEError } from '../../src/index.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/safetensors.js';
import { prototypeData, sameBytes } from '../helpers/data.js';

const D = 20;
const config = { inputDim: D, hiddenDims: [10, 6], latentDim: 3, activation: 'tanh', likelihood: 'bernoulli', seed: 4 } as const;

async function trained(): Promise<VAE> {
  const vae = await VAE.create(config);
  await vae.fit(prototypeData(90, D), { epochs: 2, batchSize: 16 });
  return vae;
}

describe('save() / VAE.load()', () => {
  it('save → load → save is bit-exact and the loaded model computes the same outputs', async () => {
    const vae = await trained();
    const bytes = vae.save();
    const loaded = await VAE.load(bytes);
    expect(sameBytes(loaded.save(), bytes)).toBe(true);
    expect(loaded.config).toEqual(vae.config);
    const x = prototypeData(5, D, 9);
    expect(loaded.encode(x)).toEqual(vae.encode(x));
    expect(loaded.evaluate(x)).toEqual(vae.evaluate(x));
  });

  it('writes safetensors with PyTorch [out, in] weights, named by role, config in __metadata__', async () => {
    const vae = await trained();
    const bytes = vae.save();
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(Object.keys(header)).toEqual(['__metadata__',
      'encoder.0.weight', 'encoder.0.bias', 'encoder.1.weight', 'encoder.1.bias',
      'encoder.mean.weight', 'encoder.mean.bias', 'encoder.logvar.weight', 'encoder.logvar.bias',
      'decoder.0.weight', 'decoder.0.bias', 'decoder.1.weight', 'decoder.1.bias',
      'decoder.out.weight', 'decoder.out.bias']);
    expect(header['encoder.0.weight']).toMatchObject({ dtype: 'F32', shape: [10, 20] });
    expect(header['encoder.mean.weight'].shape).toEqual([3, 6]);
    expect(header['decoder.0.weight'].shape).toEqual([6, 3]);
    expect(header['decoder.out.weight'].shape).toEqual([20, 10]);
    expect(header.__metadata__.format).toBe('wasm-vae');
    expect(header.__metadata__.format_version).toBe('1');
    expect(JSON.parse(header.__metadata__.config)).toEqual(config);
  });

  const invalid = async (bytes: Uint8Array, pattern: RegExp) => {
    await expect(VAE.load(bytes)).rejects.toSatisfy((e: unknown) =>
      e instanceof VAEError && e.code === 'INVALID_MODEL_FILE' && pattern.test(e.message));
  };

  it('rejects malformed files with INVALID_MODEL_FILE saying what is wrong', async () => {
    const good = decodeSafetensors((await trained()).save());
    const rebuild = (edit: (names: string[]) => Array<[string, { shape: number[]; data: Float32Array }]>, meta = good.metadata) =>
      encodeSafetensors(edit([...good.tensors.keys()]), meta);
    const all = (names: string[]) => names.map((n) => [n, good.tensors.get(n)!] as [string, { shape: number[]; data: Float32Array }]);
    await invalid(new Uint8Array([1, 2, 3]), /fewer than the 8-byte header length/);
    await invalid(new Uint8Array([255, 255, 255, 255, 0, 0, 0, 0, 1]), /header length .* exceeds the file/);
    await invalid(new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0, 123, 120, 125, 32]), /not UTF-8 JSON/);
    await invalid(rebuild((n) => all(n).slice(1)), /tensor "encoder\.0\.weight" of shape \[10,20\]; it is missing/);
    await invalid(rebuild((n) => all(n).map(([name, t]) => [name, name === 'decoder.out.bias' ? { shape: [4, 5], data: t.data } : t])),
      /"decoder\.out\.bias" of shape \[20\]; received \[4,5\]/);
    await invalid(rebuild((n) => [...all(n), ['extra', { shape: [1], data: new Float32Array(1) }]]), /unknown extra/);
    await invalid(rebuild(all, { ...good.metadata, format: 'other' }), /__metadata__\.format is "other"/);
    await invalid(rebuild(all, { ...good.metadata, config: JSON.stringify({ ...config, latentDim: -3 }) }), /latentDim/);
    // a header whose tensors overlap
    const header = JSON.stringify({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } });
    const bytes = new Uint8Array(8 + header.length + 4);
    new DataView(bytes.buffer).setUint32(0, header.length, true);
    bytes.set(new TextEncoder().encode(header), 8);
    await invalid(bytes, /holes and overlaps are not allowed/);
  });

  it('hostile bytes (fast-check mutations) load or fail only with INVALID_MODEL_FILE, never anything else', async () => {
    const bytes = (await trained()).save();
    const headerEnd = 8 + new DataView(bytes.buffer).getUint32(0, true);
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(headerEnd + 64), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      fc.option(fc.nat(bytes.length), { nil: undefined }),
      async (edits, cut) => {
        const mutated = bytes.slice(0, cut ?? bytes.length);
        for (const [at, value] of edits) if (at < mutated.length) mutated[at] = value;
        try {
          const vae = await VAE.load(mutated);
          expect(vae.parameterCount).toBeGreaterThan(0);
          vae.dispose();
        } catch (error) {
          expect(error).toBeInstanceOf(VAEError);
          expect((error as VAEError).code).toBe('INVALID_MODEL_FILE');
        }
      }), { numRuns: 300, seed: 1 });
  });
});
