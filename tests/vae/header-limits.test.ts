// A safetensors header is bounded in work, not only in bytes: a cap on its length, on its tensors, on its
// __metadata__ entries and on its keys and array elements overall, each counted before JSON.parse builds
// anything. A file over a cap is refused as INVALID_MODEL_FILE naming the cap and what the file has; save()
// refuses to write what load() would refuse. The header bombs are made here, at test time. These tests assert on
// the errors only: how long a refusal takes is measured by hand (the figures are in the commit that added them).
import { describe, expect, it } from 'vitest';
import { VAE, VAEError } from '../../src/index.js';
import { decodeSafetensors } from '../../src/files/safetensors.js';
import { emptyTensorsBomb, metadataBomb, nestedBomb, nestedJsonBomb } from './header-bombs.js';

// The caps, as documented; written out here so that changing one is a visible decision.
const HEADER_BYTES = 16_000_000, TENSORS = 10_000, METADATA = 1_000;

function headerLength(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
}

async function refused(bytes: Uint8Array, pattern: RegExp): Promise<void> {
  await expect(VAE.load(bytes)).rejects.toSatisfy((e: unknown) =>
    e instanceof VAEError && e.code === 'INVALID_MODEL_FILE' && pattern.test(e.message) && !e.message.includes('\n'));
}

describe('safetensors headers bounded in work', () => {
  it('refuses the issue\'s bombs (8.6 M metadata keys in 93 MB; 1.78 M empty tensors) by the header-length cap', async () => {
    const keys = metadataBomb(8_600_000);
    expect(headerLength(keys)).toBeGreaterThan(90_000_000);
    await refused(keys, new RegExp(`header length ${headerLength(keys)} exceeds the ${HEADER_BYTES}-byte limit`));
    const tensors = emptyTensorsBomb(1_780_000);
    await refused(tensors, new RegExp(`header length ${headerLength(tensors)} exceeds the ${HEADER_BYTES}-byte limit`));
  });

  it('refuses the largest bombs under the length cap by counting, naming the cap and the count', async () => {
    const keys = metadataBomb(1_500_000);
    expect(headerLength(keys)).toBeLessThanOrEqual(HEADER_BYTES);
    await refused(keys, new RegExp(`__metadata__ has 1500000 entries; the limit is ${METADATA}\\b`));
    const tensors = emptyTensorsBomb(280_000);
    expect(headerLength(tensors)).toBeLessThanOrEqual(HEADER_BYTES);
    await refused(tensors, new RegExp(`the header lists 280000 tensors; the limit is ${TENSORS}\\b`));
    // Keys nested where no valid header has them (inside one tensor's descriptor) count against the overall cap.
    const nested = nestedBomb(1_000_000);
    expect(headerLength(nested)).toBeLessThanOrEqual(HEADER_BYTES);
    await refused(nested, /the header holds 1000008 keys and array elements; the limit is \d+/);
    // Nesting, which costs the parser a stack, is refused at a depth no valid header comes near (it has 3).
    const deep = new TextEncoder().encode(`{"a":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`);
    const file = new Uint8Array(8 + deep.length);
    new DataView(file.buffer).setUint32(0, deep.length, true);
    file.set(deep, 8);
    await refused(file, /the header nests deeper than 64 levels/);
  });

  it('bounds the metadata values parsed as JSON again (config, training) by length before parsing them', async () => {
    await refused(nestedJsonBomb('config', 1_000_000), /expected __metadata__\.config to be a configuration of at most 4096 characters; received \d{7,}/);
    await refused(nestedJsonBomb('training', 1_000_000), /expected __metadata__\.training to be a training state of at most 65536 characters; received \d{7,}/);
  });

  it('reads a header at each count cap, and refuses one more', async () => {
    expect(decodeSafetensors(emptyTensorsBomb(TENSORS)).tensors.size).toBe(TENSORS);
    await refused(emptyTensorsBomb(TENSORS + 1), new RegExp(`the header lists ${TENSORS + 1} tensors; the limit is ${TENSORS}\\b`));
    expect(Object.keys(decodeSafetensors(metadataBomb(METADATA)).metadata)).toHaveLength(METADATA);
    await refused(metadataBomb(METADATA + 1), new RegExp(`__metadata__ has ${METADATA + 1} entries; the limit is ${METADATA}\\b`));
  });

  it('save() refuses metadata that would make a file load() refuses, naming save() and the cap', async () => {
    const vae = await VAE.create({ inputDim: 6, hiddenDims: [4], latentDim: 2 });
    const saveError = (metadata: Record<string, string>, pattern: RegExp) => {
      let error: unknown;
      try { vae.save({ metadata, includeOptimizer: true }); } catch (e) { error = e; }
      expect(error).toBeInstanceOf(VAEError);
      expect((error as VAEError).code).toBe('INVALID_ARGUMENT');
      expect((error as VAEError).message).toMatch(pattern);
    };
    // Over the length cap: one huge value, and many values each well under it.
    saveError({ history: 'x'.repeat(HEADER_BYTES) }, new RegExp(`^VAE\\.save: .*${HEADER_BYTES}-byte limit`));
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'é'.repeat(250_000)])); // 20 MB as UTF-8
    saveError(many, new RegExp(`^VAE\\.save: the header would be \\d+ bytes, over the ${HEADER_BYTES}-byte limit`));
    // Over the entry cap: ours (format, format_version, config, naming, training) count too.
    const entries = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, '']));
    saveError(entries(METADATA), new RegExp(`^VAE\\.save: __metadata__ would have ${METADATA + 5} entries.*limit is ${METADATA}\\b`));
    // At the caps, the file loads back.
    const full = vae.save({ metadata: entries(METADATA - 5), includeOptimizer: true });
    (await VAE.load(full)).dispose();
    const room = HEADER_BYTES - headerLength(vae.save({ metadata: { history: '' }, includeOptimizer: true }));
    const largest = vae.save({ metadata: { history: 'x'.repeat(room) }, includeOptimizer: true });
    expect(headerLength(largest)).toBe(HEADER_BYTES);
    (await VAE.load(largest)).dispose();
    saveError({ history: 'x'.repeat(room + 1) }, new RegExp(`over the ${HEADER_BYTES}-byte limit`));
    vae.dispose();
  });
});
