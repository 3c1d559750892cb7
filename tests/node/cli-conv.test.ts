// train --conv and --arch FILE.json, in-process on tiny data (64 images, 1 epoch): the reference convolutional
// VAE for 28×28 images and one derived for an RGB folder, any layer lists from a file, the architecture in the
// summary line and in --help, resume to the bytes of a straight run, and one-line errors for conflicting flags,
// a size --conv cannot halve twice, and bad --arch files (each naming the file and the problem, writing nothing).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeArchitecture } from '../../src/cli/architecture.js';
import { VAE, type VAEConfig } from '../../src/index.js';
import { prototypeData, sameBytes } from '../helpers/data.js';
import { cli } from './cli-in-process.js';
import { writeIdx } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-conv-'));
const train = join(dir, 'train.idx'), test = join(dir, 'test.idx');
const at = (name: string) => join(dir, name);
const TINY = ['--epochs', '1', '--batch-size', '16', '--threads', '1', '--seed', '5'];
const trainArgs = (out: string, ...more: string[]) => ['train', '--data', train, '--test-data', test, ...TINY, '--out', at(out), ...more];
const config = (out: string) => VAE.load(readFileSync(join(at(out), 'model.safetensors'))).then((v) => { const c = v.config; v.dispose(); return c; });

/** Issue 19's reference model (src/types.ts LayerSpec), as the brief gives it. */
const conv = (type: 'conv2d' | 'convTranspose2d', filters: number) => ({ type, filters, kernel: 4, stride: 2, padding: 1 });
const REFERENCE = {
  inputShape: [1, 28, 28],
  encoder: [conv('conv2d', 32), conv('conv2d', 64)],
  latentDim: 20,
  decoder: [{ type: 'dense', units: 3136, reshape: [64, 7, 7] }, conv('convTranspose2d', 32), conv('convTranspose2d', 1)],
  activation: 'relu', likelihood: 'bernoulli',
};

function writeJson(name: string, value: unknown): string {
  writeFileSync(at(name), typeof value === 'string' ? value : JSON.stringify(value));
  return at(name);
}

/** A folder of `n` RGB PNGs of width × height. */
function rgbFolder(name: string, n: number, width: number, height: number): string {
  mkdirSync(at(name));
  for (let i = 0; i < n; i++) {
    const png = new PNG({ width, height });
    for (let p = 0; p < width * height * 4; p++) png.data[p] = p % 4 === 3 ? 255 : (37 * i + 11 * p) % 256;
    writeFileSync(join(at(name), `${String(i).padStart(3, '0')}.png`), PNG.sync.write(png));
  }
  return at(name);
}

/** A run that must fail: its one line on stderr (and nothing written into --out). */
async function failure(args: string[]): Promise<string> {
  const out = args[args.indexOf('--out') + 1];
  const r = await cli(...args);
  expect(r.code, r.out).toBe(1);
  expect(r.err.split('\n')).toHaveLength(1);
  if (out) expect(existsSync(out)).toBe(false);
  return r.err;
}

describe('wasm-vae train --conv and --arch', () => {
  let summary = '';
  beforeAll(async () => {
    writeIdx(train, 64, prototypeData(64, 784));
    writeIdx(test, 32, prototypeData(32, 784, 2));
    const r = await cli(...trainArgs('conv', '--conv'));
    expect(r.code, r.err).toBe(0);
    summary = r.out.split('\n')[0];
  }, 60_000);

  it('--conv trains the reference convolutional VAE and prints it in the summary line and in --help', async () => {
    const c = await config('conv');
    expect(c).toMatchObject({ ...REFERENCE, seed: 5, conditionDim: 0 });
    expect(c.hiddenDims).toBeUndefined();
    const line = 'conv 1x28x28 -> c32 14x14 -> c64 7x7 -> z20 -> d3136 (64x7x7) -> t32 14x14 -> t1 28x28';
    expect(describeArchitecture(c)).toBe(line);
    expect(summary).toContain(`model ${line}, relu, bernoulli, 258025 parameters;`);
    const help = await cli('train', '--help');
    expect(help.out.split('\n').map((l) => l.trim())).toContain(line);
    for (const file of ['samples.png', 'reconstructions.png', 'checkpoint.safetensors']) expect(existsSync(join(at('conv'), file))).toBe(true);
  });

  it('an MLP keeps its summary ("784-400-20")', () => {
    expect(describeArchitecture({ inputDim: 784, hiddenDims: [400], latentDim: 20 } as unknown as VAEConfig)).toBe('784-400-20');
  });

  it('resumes a --conv run to the bytes of a straight one, and refuses an architecture the run did not have', async () => {
    expect((await cli(...trainArgs('conv-straight', '--conv', '--epochs', '2'))).code).toBe(0);
    const checkpoint = join(at('conv'), 'checkpoint.safetensors');
    const resumed = await cli('train', '--resume', checkpoint, '--epochs', '2', '--out', at('conv-resumed'));
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain('model conv 1x28x28 -> c32');
    expect(sameBytes(readFileSync(join(at('conv-resumed'), 'model.safetensors')), readFileSync(join(at('conv-straight'), 'model.safetensors')))).toBe(true);
    // The command retyped with --resume is accepted; the MLP's flag is refused.
    expect((await cli(...trainArgs('conv-retyped', '--epochs', '2', '--conv', '--resume', checkpoint))).code).toBe(0);
    const mlp = await cli('train', '--resume', checkpoint, '--epochs', '2', '--out', at('conv-mlp'), '--arch', at('none.json'));
    expect(mlp.err).toMatch(/^wasm-vae: --arch was \(not given\) in the run of .*, .*none\.json now; a resumed run keeps its options/);
  }, 60_000);

  it('--conv fits an RGB folder (channels and size kept), and refuses a size that does not divide by 4', async () => {
    const rgb = rgbFolder('rgb', 16, 12, 8);
    const r = await cli('train', '--conv', '--data', rgb, '--test-data', rgb, ...TINY, '--latent', '3', '--out', at('rgb-run'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('model conv 3x8x12 -> c32 4x6 -> c64 2x3 -> z3 -> d384 (64x2x3) -> t32 4x6 -> t3 8x12,');
    expect(await config('rgb-run')).toMatchObject({ inputShape: [3, 8, 12], decoder: [{ units: 384, reshape: [64, 2, 3] }, {}, { filters: 3 }] });
    const odd = rgbFolder('rgb-odd', 4, 10, 8);
    expect(await failure(['train', '--conv', '--data', odd, '--test-data', odd, ...TINY, '--out', at('odd-run')]))
      .toBe('wasm-vae: --conv halves the images twice (two stride-2 convolutions), so their height and width must divide by 4; the data\'s images are 8×10');
  }, 60_000);

  it('--arch trains any layer lists, taking latentDim and activation from the file and inputShape from the data', async () => {
    const arch = writeJson('small.json', {
      encoder: [{ type: 'conv2d', filters: 4, kernel: 3, stride: 2, padding: 1 }, { type: 'dense', units: 32 }],
      decoder: [{ type: 'dense', units: 4 * 14 * 14, reshape: [4, 14, 14] }, { type: 'convTranspose2d', filters: 1, kernel: 2, stride: 2 }],
      latentDim: 3, activation: 'tanh',
    });
    const r = await cli(...trainArgs('arch', '--arch', arch));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('model conv 1x28x28 -> c4 14x14 -> d32 -> z3 -> d784 (4x14x14) -> t1 28x28, tanh, bernoulli,');
    expect(await config('arch')).toMatchObject({ inputShape: [1, 28, 28], latentDim: 3, activation: 'tanh', encoder: [{ filters: 4 }, { units: 32 }] });
    // Resumed to the bytes of a straight run; the file given again is accepted.
    expect((await cli(...trainArgs('arch-straight', '--arch', arch, '--epochs', '2'))).code).toBe(0);
    // Retyped from the file's folder with a relative path: the same file as the run's absolute one.
    const cwd = process.cwd();
    process.chdir(dir);
    const resumed = await cli('train', '--resume', join(at('arch'), 'checkpoint.safetensors'), '--arch', 'small.json', '--epochs', '2', '--out', at('arch-resumed'))
      .finally(() => process.chdir(cwd));
    expect(resumed.code, resumed.err).toBe(0);
    expect(sameBytes(readFileSync(join(at('arch-resumed'), 'model.safetensors')), readFileSync(join(at('arch-straight'), 'model.safetensors')))).toBe(true);
    // A flag that agrees with the file is fine; one that does not is refused.
    expect((await cli(...trainArgs('arch-agree', '--arch', arch, '--latent', '3'))).code).toBe(0);
    expect(await failure(trainArgs('arch-disagree', '--arch', arch, '--activation', 'relu')))
      .toBe(`wasm-vae: --arch ${arch} sets activation "tanh", but --activation is relu: give one of them`);
  }, 60_000);

  it('refuses --conv, --arch and --hidden together in one line', async () => {
    expect(await failure(trainArgs('x1', '--conv', '--hidden', '16'))).toBe('wasm-vae: --hidden and --conv each choose the architecture: give one of them');
    expect(await failure(trainArgs('x2', '--arch', at('small.json'), '--hidden', '16'))).toBe('wasm-vae: --hidden and --arch each choose the architecture: give one of them');
    expect(await failure(trainArgs('x3', '--conv', '--arch', at('small.json')))).toBe('wasm-vae: --conv and --arch each choose the architecture: give one of them');
  });

  it('refuses a bad --arch file in one line naming the file and the problem, writing nothing', async () => {
    const bad = async (name: string, content: unknown) => {
      const path = typeof content === 'string' && content.startsWith('/') ? content : writeJson(name, content);
      return failure(trainArgs(`bad-${name}`, '--arch', path));
    };
    const layers = { encoder: REFERENCE.encoder, decoder: REFERENCE.decoder };
    expect(await bad('truncated.json', '{"encoder": [')).toMatch(new RegExp(`^wasm-vae: --arch ${at('truncated.json')}: not valid JSON \\(.+\\)$`));
    expect(await bad('array.json', [1])).toBe(`wasm-vae: --arch ${at('array.json')}: expected a JSON object with "encoder" and "decoder" layer lists; found an array`);
    expect(await bad('nodecoder.json', { encoder: [] })).toBe(`wasm-vae: --arch ${at('nodecoder.json')}: no "decoder" (expected a JSON object with "encoder" and "decoder" layer lists)`);
    expect(await bad('typo.json', { ...layers, latent: 4 })).toMatch(new RegExp(`^wasm-vae: --arch ${at('typo.json')}: unknown key "latent" \\(expected encoder, decoder, `));
    expect(await bad('filters.json', { ...layers, encoder: [{ ...conv('conv2d', 0) }] }))
      .toBe(`wasm-vae: --arch ${at('filters.json')}: encoder[0].filters must be an integer in [1, 65536]; received 0`);
    expect(await bad('end.json', { ...layers, decoder: REFERENCE.decoder.slice(0, 2) }))
      .toBe(`wasm-vae: --arch ${at('end.json')}: decoder.out expected to end at the input's shape [1, 28, 28]; it gives [32, 14, 14]`);
    expect(await bad('shape.json', { ...layers, inputShape: [3, 28, 28] }))
      .toBe(`wasm-vae: --arch ${at('shape.json')}: its inputShape [3, 28, 28] is not the data's [1, 28, 28]`);
    expect(await bad('missing', at('missing.json'))).toBe(`wasm-vae: --arch ${at('missing.json')}: no such file`);
  });
});
