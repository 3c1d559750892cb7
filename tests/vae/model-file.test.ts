import { describe, expect, it } from 'vitest';
import { VAE, VAEError } from '../../src/index.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/files/safetensors.js';
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
    expect(JSON.parse(header.__metadata__.config)).toEqual({ ...config, conditionDim: 0 });
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
    await invalid(new Uint8Array([255, 255, 255, 255, 0, 0, 0, 0, 1]), /header length 4294967295 exceeds the 16000000-byte limit/);
    await invalid(new Uint8Array([9, 0, 0, 0, 0, 0, 0, 0, 123]), /header length 9 exceeds the file \(9 bytes\)/);
    await invalid(new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0, 123, 120, 125, 32]), /the header is not JSON/);
    await invalid(rebuild((n) => all(n).slice(1)), /tensor "encoder\.0\.weight" of shape \[10,20\]; it is missing/);
    await invalid(rebuild((n) => all(n).map(([name, t]) => [name, name === 'decoder.out.bias' ? { shape: [4, 5], data: t.data } : t])),
      /"decoder\.out\.bias" of shape \[20\]; received \[4,5\]/);
    await invalid(rebuild((n) => [...all(n), ['extra', { shape: [1], data: new Float32Array(1) }]]), /unknown "extra"/);
    await invalid(rebuild(all, { ...good.metadata, format: 'other' }), /expected a wasm-vae model file \(__metadata__\.format "wasm-vae"\) or a pytorch\/examples VAE state dict/);
    await invalid(rebuild(all, { ...good.metadata, config: JSON.stringify({ ...config, latentDim: -3 }) }), /latentDim/);
    // a valid configuration that the tensors do not fit
    await invalid(rebuild(all, { ...good.metadata, config: JSON.stringify({ ...config, latentDim: 4 }) }),
      /expected tensor "encoder\.mean\.weight" of shape \[4,6\]; received \[3,6\]/);
    // a header whose tensors overlap
    const header = JSON.stringify({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } });
    const bytes = new Uint8Array(8 + header.length + 4);
    new DataView(bytes.buffer).setUint32(0, header.length, true);
    bytes.set(new TextEncoder().encode(header), 8);
    await invalid(bytes, /without holes or overlaps/);
  });

  it('rejects non-finite weights, naming the tensor and the index', async () => {
    const good = decodeSafetensors((await trained()).save());
    for (const bad of [NaN, Infinity, -Infinity]) {
      const tensors = [...good.tensors].map(([name, t]) => [name, { shape: t.shape, data: t.data.slice() }] as [string, { shape: number[]; data: Float32Array }]);
      tensors[4][1].data[7] = bad; // encoder.mean.weight
      await invalid(encodeSafetensors(tensors, good.metadata), new RegExp(`finite values in tensor "encoder\\.mean\\.weight"; received ${bad} at index 7`));
    }
  });

  it('rejects optimizer state that does not fit: a missing moment, a negative second moment, a foreign seed', async () => {
    const vae = await trained();
    const file = decodeSafetensors(vae.save({ includeOptimizer: true }));
    const entries = () => [...file.tensors].map(([name, t]) => [name, { shape: t.shape, data: t.data.slice() }] as [string, { shape: number[]; data: Float32Array }]);
    await invalid(encodeSafetensors(entries().filter(([n]) => n !== 'optimizer.adam_v.decoder.out.bias'), file.metadata),
      /tensor "optimizer\.adam_v\.decoder\.out\.bias" of shape \[20\]; it is missing/);
    const negative = entries();
    negative.find(([n]) => n === 'optimizer.adam_v.encoder.0.bias')![1].data[2] = -1;
    await invalid(encodeSafetensors(negative, file.metadata), /second moment "optimizer\.adam_v\.encoder\.0\.bias" to be >= 0; received -1 at index 2/);
    const training = JSON.parse(file.metadata.training);
    const foreign = { ...file.metadata, training: JSON.stringify({ ...training, state: training.state.slice(0, 8) + '09000000' + training.state.slice(16) }) };
    await invalid(encodeSafetensors(entries(), foreign), /the state's seed 9 is not the config's seed 4/);
    await invalid(encodeSafetensors(entries(), { ...file.metadata, training: '{"state": 1}' }), /"state" is not 416 bytes of lowercase hex/);
    await invalid(encodeSafetensors(entries(), { ...file.metadata, training: JSON.stringify({ ...training, fit: { epoch: 1 } }) }), /fit\.batch is not a non-negative integer/);
    // Without __metadata__.training the moments are unknown tensors, not silently dropped.
    const { training: _, ...plain } = file.metadata;
    await invalid(encodeSafetensors(entries(), plain), /unknown "optimizer\.adam_m\.encoder\.0\.weight"/);
  });

  it('keeps user metadata beside ours, readable with readMetadata, and refuses our reserved keys', async () => {
    const { readMetadata } = await import('../../src/index.js');
    const vae = await trained();
    const bytes = vae.save({ metadata: { run: 'a', note: 'ünïcode' } });
    expect(readMetadata(bytes)).toMatchObject({ run: 'a', note: 'ünïcode', format: 'wasm-vae' });
    expect(readMetadata((await VAE.load(bytes)).save({ metadata: { run: 'a', note: 'ünïcode' } }))).toEqual(readMetadata(bytes));
    expect(() => vae.save({ metadata: { config: 'x' } })).toThrow(/options\.metadata key "config" must be none of format/);
    expect(() => vae.save({ metadata: { a: 1 as never } })).toThrow(/options\.metadata\.a must be a string; received 1/);
    expect(() => readMetadata(new Uint8Array(3))).toThrow(/readMetadata: expected a safetensors file/);
  });
});
