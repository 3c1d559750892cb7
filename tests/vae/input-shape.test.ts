// A config's inputShape [channels, height, width]: it implies inputDim, is checked against a given inputDim,
// travels in the model file's metadata config, and is absent (key and all) from the configs and files of models
// created without it, so their bytes stay as they were.
import { describe, expect, it } from 'vitest';
import { readMetadata, VAE } from '../../src/index.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/files/safetensors.js';
import { prototypeData, sameBytes } from '../helpers/data.js';
import { expectVAEError } from '../helpers/errors.js';

const shape = [3, 4, 5] as const; // 60 values, channel-major
const small = { hiddenDims: [8], latentDim: 2, seed: 2 };

/** A file's metadata config, parsed. */
const configIn = (bytes: Uint8Array) => JSON.parse(readMetadata(bytes).config) as Record<string, unknown>;

/** `bytes` with its metadata config replaced by `config` (the tensors kept). */
function withConfig(bytes: Uint8Array, config: unknown): Uint8Array {
  const { metadata, tensors } = decodeSafetensors(bytes);
  return encodeSafetensors([...tensors], { ...metadata, config: JSON.stringify(config) });
}

describe('config.inputShape', () => {
  it('implies inputDim = channels × height × width, and is kept in vae.config', async () => {
    const vae = await VAE.create({ inputShape: shape, ...small });
    expect(vae.config.inputDim).toBe(60);
    expect(vae.config.inputShape).toEqual([3, 4, 5]);
    expect(Object.isFrozen(vae.config.inputShape)).toBe(true);
    const same = await VAE.create({ inputDim: 60, inputShape: [3, 4, 5], ...small });
    expect(same.config).toEqual(vae.config);
    vae.trainStep(prototypeData(4, 60));
    vae.dispose();
    same.dispose();
  });

  it('a model without it has no inputShape key, in vae.config or in its file', async () => {
    const vae = await VAE.create({ inputDim: 60, ...small });
    expect('inputShape' in vae.config).toBe(false);
    expect(Object.keys(configIn(vae.save()))).toEqual(['inputDim', 'hiddenDims', 'latentDim', 'activation', 'likelihood', 'seed', 'conditionDim']);
    const undefinedShape = await VAE.create({ inputDim: 60, inputShape: undefined, ...small });
    expect(sameBytes(undefinedShape.save(), vae.save())).toBe(true);
    vae.dispose();
    undefinedShape.dispose();
  });

  it('is refused with INVALID_CONFIG when malformed or when it disagrees with inputDim, naming both', async () => {
    await expectVAEError(() => VAE.create({ inputDim: 59, inputShape: [3, 4, 5] }), 'INVALID_CONFIG',
      /VAE\.create: inputDim 59 and inputShape \[3, 4, 5\] \(60 values\) must agree/);
    for (const bad of [[3, 4], [3, 4, 5, 6], [0, 4, 5], [3, 4.5, 5], [3, '4', 5], 'x', null, [300, 300, 1]]) {
      await expectVAEError(() => VAE.create({ inputShape: bad } as never), 'INVALID_CONFIG',
        /VAE\.create: inputShape must be \[channels, height, width\]: three integers >= 1 whose product is in \[1, 65536\]; received/);
    }
    await expectVAEError(() => VAE.create({} as never), 'INVALID_CONFIG', /VAE\.create: inputDim must be an integer in \[1, 65536\]; received undefined/);
  });

  it('is saved in the metadata config and restored by load, the bytes unchanged through load → save', async () => {
    const vae = await VAE.create({ inputShape: shape, ...small });
    await vae.fit(prototypeData(32, 60), { epochs: 1, batchSize: 8 });
    for (const bytes of [vae.save(), vae.save({ includeOptimizer: true })]) {
      expect(configIn(bytes).inputShape).toEqual([3, 4, 5]);
      const loaded = await VAE.load(bytes);
      expect(loaded.config).toEqual(vae.config);
      expect(sameBytes(loaded.save({ includeOptimizer: bytes.length > vae.save().length }), bytes)).toBe(true);
      loaded.dispose();
    }
    vae.dispose();
  });

  it('a file whose inputShape disagrees with its inputDim or is malformed is INVALID_MODEL_FILE', async () => {
    const vae = await VAE.create({ inputShape: shape, ...small });
    const bytes = vae.save(), config = configIn(bytes);
    const refused = async (edited: unknown, pattern: RegExp) =>
      expectVAEError(() => VAE.load(withConfig(bytes, edited)), 'INVALID_MODEL_FILE', pattern);
    await refused({ ...config, inputShape: [2, 4, 5] }, /VAE\.load \(config in __metadata__\): inputDim 60 and inputShape \[2, 4, 5\] \(40 values\) must agree/);
    await refused({ ...config, inputShape: '3x4x5' }, /VAE\.load \(config in __metadata__\): inputShape must be \[channels, height, width\]/);
    // Another layout of the same 60 values loads: the shape is a description of the rows, not of the weights.
    const other = await VAE.load(withConfig(bytes, { ...config, inputShape: [1, 6, 10] }));
    expect(other.config.inputShape).toEqual([1, 6, 10]);
    other.dispose();
    vae.dispose();
  });
});
