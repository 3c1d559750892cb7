// A PyTorch conv VAE both ways, by a map from our layer names to its modules (issue 19, "Files and PyTorch"): its
// state dict loads with { config, names } and computes what PyTorch computed; save({ names }) writes the same
// tensors back, for load_state_dict(strict=True), and with our metadata so that VAE.load needs no options.
// The fixture comes from tests/fixtures/pytorch_conv_fixture.py; where some Python has torch, its --check runs on
// our files (Node only; PyTorch is a peer for fixtures, never a dependency).
import { describe, expect, it } from 'vitest';
import { VAE, type ShapedVAEOptions, type TensorNameMap } from '../../src/index.js';
import { decodeSafetensors, encodeSafetensors, type Tensor } from '../../src/files/safetensors.js';
import { sameBytes, sparseImages } from '../helpers/data.js';
import { readBytes } from '../helpers/files.js';

const fixture = (name: string) => readBytes(new URL(`../fixtures/${name}`, import.meta.url));

const conv = (filters: number) => ({ type: 'conv2d', filters, kernel: 4, stride: 2, padding: 1 }) as const;
const convT = (filters: number) => ({ type: 'convTranspose2d', filters, kernel: 4, stride: 2, padding: 1 }) as const;
/** Issue 19's reference conv VAE, with its filters and latent size as parameters (the fixture's are smaller). */
const convVAE = (f1: number, f2: number, latentDim: number): ShapedVAEOptions => ({
  inputShape: [1, 28, 28], encoder: [conv(f1), conv(f2)], latentDim,
  decoder: [{ type: 'dense', units: f2 * 49, reshape: [f2, 7, 7] }, convT(f1), convT(1)],
  activation: 'relu', likelihood: 'bernoulli', seed: 1,
});
const FIXTURE_CONFIG = convVAE(8, 16, 8);
const REFERENCE_CONFIG = convVAE(32, 64, 20);
const names: TensorNameMap = {
  'encoder.0': 'enc.0', 'encoder.1': 'enc.2', 'encoder.mean': 'fc_mu', 'encoder.logvar': 'fc_logvar',
  'decoder.0': 'dec_in', 'decoder.1': 'dec.0', 'decoder.out': 'dec.2',
};

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

const bitsEqual = (a: Float32Array, b: Float32Array) => sameBytes(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

/** Python with torch, in Node only; undefined elsewhere. */
function torchPython(): string | undefined {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  const { spawnSync } = proc.getBuiltinModule('node:child_process');
  return [proc.env.PYTHON, 'python3', '/usr/bin/python3']
    .find((p) => p !== undefined && spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
}
const python = torchPython();

/** Runs the fixture's --check on `model` (and our outputs in `io`); returns what it printed. */
function pytorchCheck(model: Uint8Array, io: Array<[string, Tensor]>): string {
  const proc = globalThis.process;
  const fs = proc.getBuiltinModule('node:fs'), path = proc.getBuiltinModule('node:path'), os = proc.getBuiltinModule('node:os');
  const { spawnSync } = proc.getBuiltinModule('node:child_process');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-vae-conv-'));
  try {
    fs.writeFileSync(path.join(dir, 'model.safetensors'), model);
    fs.writeFileSync(path.join(dir, 'io.safetensors'), encodeSafetensors(io, {}));
    const script = new URL('../fixtures/pytorch_conv_fixture.py', import.meta.url);
    const run = spawnSync(python!, [proc.getBuiltinModule('node:url').fileURLToPath(script), '--check',
      path.join(dir, 'model.safetensors'), path.join(dir, 'io.safetensors')], { encoding: 'utf8' });
    const out = `${run.stdout}${run.stderr}`;
    console.log(out.trim());
    expect(run.status, out).toBe(0);
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Our encode/decode on x and z, as the fixture's --check reads them. */
function ourOutputs(vae: VAE, x: Float32Array, z: Float32Array): Array<[string, Tensor]> {
  const n = x.length / 784, k = z.length / vae.config.latentDim;
  const { mean, logVar } = vae.encode(x);
  const L = vae.config.latentDim;
  return [['x', { shape: [n, 784], data: x }], ['mu', { shape: [n, L], data: mean }], ['logvar', { shape: [n, L], data: logVar }],
    ['z', { shape: [k, L], data: z }], ['decoded', { shape: [k, 784], data: vae.decode(z) }]];
}

describe('PyTorch conv VAE by a map of module names', () => {
  it('loads its state dict with { config, names } and matches PyTorch encode/decode within 1e-5', async () => {
    const vae = await VAE.load(await fixture('pytorch-conv-vae.safetensors'), { config: FIXTURE_CONFIG, names });
    expect(vae.config.encoder).toEqual(FIXTURE_CONFIG.encoder);
    const io = decodeSafetensors(await fixture('pytorch-conv-io.safetensors')).tensors;
    const { mean, logVar } = vae.encode(io.get('x')!.data);
    const diffs = {
      mu: maxDifference(mean, io.get('mu')!.data),
      logvar: maxDifference(logVar, io.get('logvar')!.data),
      decoded: maxDifference(vae.decode(io.get('z')!.data), io.get('decoded')!.data),
    };
    console.log(`pytorch conv fixture, max |ours − PyTorch|: mu ${diffs.mu.toExponential(2)}, ` +
      `logvar ${diffs.logvar.toExponential(2)}, decode ${diffs.decoded.toExponential(2)}`);
    for (const d of Object.values(diffs)) expect(d).toBeLessThanOrEqual(1e-5);
    vae.dispose();
  });

  it('save({ names }) writes the state dict back (same names, shapes and bits) with the map, so VAE.load needs no options', async () => {
    const original = decodeSafetensors(await fixture('pytorch-conv-vae.safetensors'));
    const vae = await VAE.load(await fixture('pytorch-conv-vae.safetensors'), { config: FIXTURE_CONFIG, names });
    const back = vae.save({ names });
    const written = decodeSafetensors(back);
    expect([...written.tensors.keys()]).toEqual([...original.tensors.keys()]); // state_dict order, too
    for (const [name, t] of original.tensors) {
      expect(written.tensors.get(name)!.shape).toEqual(t.shape);
      expect(bitsEqual(written.tensors.get(name)!.data, t.data), name).toBe(true);
    }
    expect(written.metadata).toMatchObject({ format: 'wasm-vae', naming: 'custom', names: JSON.stringify(names) });
    const again = await VAE.load(back);
    expect(again.config).toEqual(vae.config);
    expect(sameBytes(again.save({ names }), back)).toBe(true);
    expect(sameBytes(again.save(), vae.save())).toBe(true);
    // The options may be given again for our file when they agree with it; a map's key order does not matter.
    const reversed = Object.fromEntries(Object.entries(names).reverse());
    expect(sameBytes((await VAE.load(back, { config: FIXTURE_CONFIG, names: reversed })).save({ names: reversed }), back)).toBe(true);
    await expect(VAE.load(back, { names: { ...names, 'decoder.out': 'dec.3' } })).rejects.toThrow(
      /^VAE\.load: options\.names must agree with the file's wasm-vae metadata: the file has "decoder\.out" as "dec\.2"; received "dec\.3"$/);
    await expect(VAE.load(back, { names: 'wasm-vae' })).rejects.toThrow(/the file has a map of names; received naming "wasm-vae"$/);
    await expect(VAE.load(back, { config: { ...FIXTURE_CONFIG, latentDim: 9 } })).rejects.toThrow(/options\.config must agree .* the file has latentDim 8; received latentDim 9/);
  });

  it("the reference conv VAE of issue 19: its state dict (no metadata) loads by the map into the same weights", async () => {
    const vae = await VAE.create(REFERENCE_CONFIG);
    const saved = decodeSafetensors(vae.save({ names }));
    expect(saved.tensors.get('enc.2.weight')!.shape).toEqual([64, 32, 4, 4]);
    expect(saved.tensors.get('dec.0.weight')!.shape).toEqual([64, 32, 4, 4]); // ConvTranspose2d: [in, out, kH, kW]
    expect(saved.tensors.get('dec_in.weight')!.shape).toEqual([3136, 20]);
    const stateDict = encodeSafetensors([...saved.tensors], { format: 'pt' });
    const loaded = await VAE.load(stateDict, { config: REFERENCE_CONFIG, names });
    expect(sameBytes(loaded.save(), vae.save())).toBe(true);
    vae.dispose();
    loaded.dispose();
  });

  it('a checkpoint with a map keeps the mapped names behind the optimizer prefixes and resumes bit-exact', async () => {
    const vae = await VAE.load(await fixture('pytorch-conv-vae.safetensors'), { config: FIXTURE_CONFIG, names });
    const data = sparseImages(8);
    vae.trainStep(data);
    const checkpoint = vae.save({ names, includeOptimizer: true });
    const keys = [...decodeSafetensors(checkpoint).tensors.keys()];
    expect(keys).toContain('optimizer.adam_m.enc.0.weight');
    expect(keys).toContain('optimizer.adam_v.dec.2.bias');
    expect(keys.filter((k) => k.includes('encoder.') || k.includes('decoder.'))).toEqual([]);
    const resumed = await VAE.load(checkpoint);
    expect(sameBytes(resumed.save({ names, includeOptimizer: true }), checkpoint)).toBe(true);
    expect(resumed.trainStep(data)).toEqual(vae.trainStep(data));
    expect(sameBytes(resumed.save({ includeOptimizer: true }), vae.save({ includeOptimizer: true }))).toBe(true);
  });

  it.skipIf(python === undefined)("PyTorch's load_state_dict(strict=True) takes our files and computes what we compute", async () => {
    const io = decodeSafetensors(await fixture('pytorch-conv-io.safetensors')).tensors;
    const fromFixture = await VAE.load(await fixture('pytorch-conv-vae.safetensors'), { config: FIXTURE_CONFIG, names });
    fromFixture.trainStep(sparseImages(8)); // weights PyTorch has not seen
    expect(pytorchCheck(fromFixture.save({ names }), ourOutputs(fromFixture, io.get('x')!.data, io.get('z')!.data)))
      .toMatch(/load_state_dict\(strict=True\) accepted .*filters \(8, 16\), latent 8\nmax \|PyTorch - wasm-vae\|: mu /);
    pytorchCheck(fromFixture.save({ names, includeOptimizer: true }), ourOutputs(fromFixture, io.get('x')!.data, io.get('z')!.data));
    const reference = await VAE.create(REFERENCE_CONFIG);
    const z = Float32Array.from({ length: 3 * 20 }, (_, i) => Math.sin(i * 1.7) * 1.5);
    expect(pytorchCheck(reference.save({ names }), ourOutputs(reference, sparseImages(3), z))).toMatch(/filters \(32, 64\), latent 20/);
  });
});
