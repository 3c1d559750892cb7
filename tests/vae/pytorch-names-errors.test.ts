// What save({ names }) and VAE.load(bytes, { config, names }) refuse: maps that do not name every layer exactly
// once by a module path (INVALID_ARGUMENT, naming the call, what it expects and what came), and state dicts that do
// not hold the configuration's tensors (INVALID_MODEL_FILE, naming every unknown, missing or misshapen tensor).
import { beforeAll, describe, it } from 'vitest';
import { VAE, type ShapedVAEOptions, type TensorNameMap } from '../../src/index.js';
import { decodeSafetensors, encodeSafetensors, type Tensor } from '../../src/files/safetensors.js';
import { expectVAEError } from '../helpers/errors.js';
import { readBytes } from '../helpers/files.js';

const conv = (type: 'conv2d' | 'convTranspose2d', filters: number) => ({ type, filters, kernel: 4, stride: 2, padding: 1 }) as const;
const config: ShapedVAEOptions = {
  inputShape: [1, 28, 28], encoder: [conv('conv2d', 8), conv('conv2d', 16)], latentDim: 8,
  decoder: [{ type: 'dense', units: 784, reshape: [16, 7, 7] }, conv('convTranspose2d', 8), conv('convTranspose2d', 1)],
  activation: 'relu', likelihood: 'bernoulli', seed: 1,
};
const names: TensorNameMap = {
  'encoder.0': 'enc.0', 'encoder.1': 'enc.2', 'encoder.mean': 'fc_mu', 'encoder.logvar': 'fc_logvar',
  'decoder.0': 'dec_in', 'decoder.1': 'dec.0', 'decoder.out': 'dec.2',
};
const LAYERS = 'encoder\\.0, encoder\\.1, encoder\\.mean, encoder\\.logvar, decoder\\.0, decoder\\.1, decoder\\.out';

let stateDict: Array<[string, Tensor]>;
let vae: VAE;
beforeAll(async () => {
  stateDict = [...decodeSafetensors(await readBytes(new URL('../fixtures/pytorch-conv-vae.safetensors', import.meta.url))).tensors];
  vae = await VAE.load(encodeSafetensors(stateDict, {}), { config, names });
});
const edited = (edit: (entries: Array<[string, Tensor]>) => Array<[string, Tensor]>) => encodeSafetensors(edit(stateDict.slice()), { format: 'pt' });
/** `bytes` with tensor `name` re-described as `dtype` of `shape` (the same number of bytes). */
function withDtype(bytes: Uint8Array, name: string, dtype: string, shape: number[]): Uint8Array {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  header[name] = { ...header[name], dtype, shape };
  const text = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + bytes.length - 8 - n);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 8);
  out.set(bytes.subarray(8 + n), 8 + text.length);
  return out;
}
const without = (map: TensorNameMap, key: string) => Object.fromEntries(Object.entries(map).filter(([k]) => k !== key));

describe('bad name maps: INVALID_ARGUMENT', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['a layer left out', without(names, 'decoder.out'),
      new RegExp(`options\\.names must name every layer of this model exactly once \\(${LAYERS}\\); received no entry for "decoder\\.out"$`)],
    ['a key that is not a layer, and one missing', { ...without(names, 'encoder.1'), 'encoder.2': 'enc.4' },
      /exactly once \(.*\); received "encoder\.2", not a layer of it, and no entry for "encoder\.1"$/],
    ['a number for a module', { ...names, 'encoder.mean': 3 }, /must map each layer to a module path: a string of names joined by dots, such as "enc\.0" .*; received 3 for "encoder\.mean"$/],
    ['two layers on one module', { ...names, 'encoder.logvar': 'fc_mu' },
      /must map each layer to a different module; received "fc_mu" for both "encoder\.mean" and "encoder\.logvar"$/],
    ['an empty module name', { ...names, 'decoder.0': '' }, /must map each layer to a module path: .*; received "" for "decoder\.0"$/],
    ['a path with an empty part', { ...names, 'decoder.0': 'dec..in' }, /module path: .*; received "dec\.\.in" for "decoder\.0"$/],
    ["a checkpoint's optimizer prefix", { ...names, 'decoder.0': 'optimizer.adam_m.dec_in' },
      /module path: .*\(not under optimizer\.adam_m, .*\); received "optimizer\.adam_m\.dec_in" for "decoder\.0"$/],
    ['an array', ['enc.0'], /options\.names must be "wasm-vae", "pytorch-examples" or a map from our layer names .*; received \["enc\.0"\]$/],
    ['another string', 'pytorch', /options\.names must be "wasm-vae", "pytorch-examples" or a map .*; received "pytorch"$/],
    ['a Map', new Map(Object.entries(names)), /options\.names must name every layer .*; received a Map$/],
  ];
  for (const [what, map, pattern] of cases) {
    it(`${what}: save and load both refuse it`, async () => {
      await expectVAEError(() => vae.save({ names: map as TensorNameMap }), 'INVALID_ARGUMENT', new RegExp(`^VAE\\.save: .*?${pattern.source}`));
      await expectVAEError(() => VAE.load(encodeSafetensors(stateDict, {}), { config, names: map as TensorNameMap }), 'INVALID_ARGUMENT',
        new RegExp(`^VAE\\.load: .*?${pattern.source}`));
    });
  }

  it('a map (or our naming) for a state dict without options.config, and an unknown load option', async () => {
    await expectVAEError(() => VAE.load(encodeSafetensors(stateDict, {}), { names }), 'INVALID_ARGUMENT',
      /^VAE\.load: options\.names as a map needs options\.config for a file without wasm-vae metadata; received no options\.config$/);
    await expectVAEError(() => VAE.load(encodeSafetensors(stateDict, {}), { names: 'wasm-vae' }), 'INVALID_ARGUMENT',
      /^VAE\.load: options\.names "wasm-vae" needs options\.config/);
    await expectVAEError(() => VAE.load(encodeSafetensors(stateDict, {}), { confg: config } as never), 'INVALID_ARGUMENT',
      /^VAE\.load: options\.confg is not an option of VAE\.load; expected one of wasm, threads, config, names$/);
    await expectVAEError(() => VAE.load(encodeSafetensors(stateDict, {}), { config: { ...config, latentDim: 0 }, names }), 'INVALID_CONFIG',
      /^VAE\.load \(options\.config\): latentDim must be/);
  });
});

describe('state dicts that do not fit the configuration: INVALID_MODEL_FILE', () => {
  const refused = (bytes: Uint8Array, pattern: RegExp, options: Parameters<typeof VAE.load>[1] = { config, names }) =>
    expectVAEError(() => VAE.load(bytes, options), 'INVALID_MODEL_FILE', pattern);

  it('every misshapen tensor, by its name and ours, with both shapes', async () => {
    const bytes = edited((e) => e.map(([name, t]): [string, Tensor] =>
      name === 'enc.0.weight' ? [name, { shape: [8, 1, 2, 8], data: t.data }]
        : name === 'fc_mu.weight' ? [name, { shape: [784, 8], data: t.data }] : [name, t]));
    await refused(bytes, /^VAE\.load: expected tensor "enc\.0\.weight" \(our encoder\.0\.weight\) of shape \[8,1,4,4\]; received \[8,1,2,8\]; expected tensor "fc_mu\.weight" \(our encoder\.mean\.weight\) of shape \[8,784\]; received \[784,8\]$/);
    // The right tensors against the wrong configuration: a transposed convolution's [in, out, kH, kW] is checked too.
    const wider = { ...config, decoder: [config.decoder![0], conv('convTranspose2d', 4), conv('convTranspose2d', 1)] };
    await refused(edited((e) => e), /expected tensor "dec\.0\.weight" \(our decoder\.1\.weight\) of shape \[16,4,4,4\]; received \[16,8,4,4\]; expected tensor "dec\.0\.bias" .* of shape \[4\]; received \[8\]; expected tensor "dec\.2\.weight" .* of shape \[4,1,4,4\]; received \[8,1,4,4\]$/, { config: wider, names });
  });

  it('unknown and missing tensors, together', async () => {
    const renamed = edited((e) => e.map(([name, t]): [string, Tensor] => [name.replace(/^dec\.2\./, 'dec.3.'), t]));
    await refused(renamed, /^VAE\.load: expected only the tensors of this configuration; received unknown "dec\.3\.weight", "dec\.3\.bias"; expected tensor "dec\.2\.weight" \(our decoder\.out\.weight\) of shape \[8,1,4,4\], tensor "dec\.2\.bias" \(our decoder\.out\.bias\) of shape \[1\]; they are missing$/);
    // Without names the file's tensors are looked for under ours.
    await refused(edited((e) => e), /received unknown "enc\.0\.weight", .* and 8 more; expected tensor "encoder\.0\.weight" of shape \[8,1,4,4\], .* and 8 more; they are missing$/, { config });
  });

  it("buffers a state dict carries that are not parameters (batch norm's, one of them I64) are listed", async () => {
    const withBuffers = edited((e) => [...e, ['enc.1.running_mean', { shape: [8], data: new Float32Array(8) }],
      ['enc.1.running_var', { shape: [8], data: new Float32Array(8).fill(1) }], ['enc.1.num_batches_tracked', { shape: [2], data: new Float32Array(2) }]]);
    await refused(withDtype(withBuffers, 'enc.1.num_batches_tracked', 'I64', []),
      /^VAE\.load: expected only the tensors of this configuration; received unknown "enc\.1\.running_mean", "enc\.1\.running_var", "enc\.1\.num_batches_tracked"$/);
  });

  it('a weight in a dtype that is not F32, F16 or BF16', async () => {
    await refused(withDtype(edited((e) => e), 'dec.2.bias', 'I32', [1]), /^VAE\.load: expected tensor "dec\.2\.bias" as F32, F16, BF16; received I32$/);
  });

  it('without options, a state dict that is not pytorch/examples is refused as before', async () => {
    await refused(edited((e) => e), /^VAE\.load: expected a wasm-vae model file .* or a pytorch\/examples VAE state dict .*; received "enc\.0\.weight"/, {});
  });
});
