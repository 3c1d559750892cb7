// pytorch/examples' VAE both ways: its state dict loads here and computes what PyTorch computed; our
// save({ names: 'pytorch-examples' }) writes exactly the keys and shapes its load_state_dict(strict=True) wants.
// The fixture comes from tests/fixtures/pytorch_examples_fixture.py (run by hand; see the README).
import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { decodeSafetensors } from '../../src/files/safetensors.js';
import { sameBytes } from '../helpers/data.js';
import { readBytes } from '../helpers/files.js';

const fixture = (name: string) => readBytes(new URL(`../fixtures/${name}`, import.meta.url));

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('PyTorch interop (pytorch/examples vae/main.py)', () => {
  it('loads its state dict, inferring the sizes, and matches PyTorch encode/decode within 1e-5', async () => {
    const vae = await VAE.load(await fixture('pytorch-examples-vae.safetensors'));
    expect(vae.config).toEqual({ inputDim: 784, hiddenDims: [32], latentDim: 4, activation: 'relu', likelihood: 'bernoulli', seed: 0, conditionDim: 0 });
    const io = decodeSafetensors(await fixture('pytorch-examples-io.safetensors')).tensors;
    const { mean, logVar } = vae.encode(io.get('x')!.data);
    const decoded = vae.decode(io.get('z')!.data);
    const diffs = {
      mu: maxDifference(mean, io.get('mu')!.data),
      logvar: maxDifference(logVar, io.get('logvar')!.data),
      decoded: maxDifference(decoded, io.get('decoded')!.data),
    };
    console.log(`pytorch-examples fixture, max |ours − PyTorch|: mu ${diffs.mu.toExponential(2)}, ` +
      `logvar ${diffs.logvar.toExponential(2)}, decode ${diffs.decoded.toExponential(2)}`);
    for (const d of Object.values(diffs)) expect(d).toBeLessThanOrEqual(1e-5);
    vae.dispose();
  });

  it("save({ names: 'pytorch-examples' }) writes the state dict's keys and shapes, and loads back bit-exact", async () => {
    const original = decodeSafetensors(await fixture('pytorch-examples-vae.safetensors'));
    const vae = await VAE.load(await fixture('pytorch-examples-vae.safetensors'));
    const bytes = vae.save({ names: 'pytorch-examples' });
    const written = decodeSafetensors(bytes);
    expect([...written.tensors.keys()].sort()).toEqual([...original.tensors.keys()].sort());
    for (const [name, t] of original.tensors) {
      expect(written.tensors.get(name)!.shape).toEqual(t.shape);
      expect(maxDifference(written.tensors.get(name)!.data, t.data)).toBe(0);
    }
    expect(written.metadata.naming).toBe('pytorch-examples');
    const again = await VAE.load(bytes);
    expect(sameBytes(again.save({ names: 'pytorch-examples' }), bytes)).toBe(true);
    expect(sameBytes(again.save(), vae.save())).toBe(true);
  });

  it('reads a state dict without any metadata, and refuses pytorch names for a model they cannot describe', async () => {
    const vae = await VAE.create({ inputDim: 12, hiddenDims: [5], latentDim: 2 });
    const file = decodeSafetensors(vae.save({ names: 'pytorch-examples' }));
    const { encodeSafetensors } = await import('../../src/files/safetensors.js');
    const bare = await VAE.load(encodeSafetensors([...file.tensors], {}));
    expect(bare.config).toMatchObject({ inputDim: 12, hiddenDims: [5], latentDim: 2 });
    expect(sameBytes(bare.save(), vae.save())).toBe(true);
    const deep = await VAE.create({ inputDim: 12, hiddenDims: [5, 4], latentDim: 2 });
    expect(() => deep.save({ names: 'pytorch-examples' })).toThrow(/needs exactly one hidden layer/);
    expect(() => vae.save({ names: 'keras' as never })).toThrow(/options\.names must be "wasm-vae", "pytorch-examples" or a map .*; received "keras"$/);
  });
});
