// The commands beside `train`, end to end on small IDX files made here: each writes what it says, prints its
// --help, and fails with one clear line on bad input. Also train --conditional and the loss curve.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-in-process.js';
import { VAE } from '../../src/index.js';
import { prototypeData } from '../helpers/data.js';

const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-commands-'));
const images = join(dir, 'images.idx'), labels = join(dir, 'labels.idx'), out = join(dir, 'run');
const model = join(out, 'model.safetensors');
let trainOutput = '';

function writeIdx(path: string, dims: number[], bytes: ArrayLike<number>): void {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x00000800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  writeFileSync(path, Buffer.concat([header, Buffer.from(Array.from(bytes))]));
}


const png = (path: string) => PNG.sync.read(readFileSync(path));

describe('wasm-vae commands', () => {
  beforeAll(async () => {
    writeIdx(images, [120, 4, 4], Array.from(prototypeData(120, 16), (v) => Math.round(v * 255)));
    writeIdx(labels, [120], Array.from({ length: 120 }, (_, i) => i % 3));
    const run = await cli('train', '--data', images, '--test-data', images, '--conditional', '--labels', labels, '--test-labels', labels,
      '--hidden', '8', '--latent', '2', '--epochs', '3', '--batch-size', '20', '--kl-warmup', '5', '--out', out);
    expect(run.code, run.err).toBe(0);
    trainOutput = run.out;
  }, 60_000);

  it('train under KL warm-up names its train loss the β-weighted objective and also gives the train −ELBO', () => {
    expect(trainOutput).toMatch(/^losses are nats per example: train loss = reconstruction \+ β·KL \(the objective\), test loss = reconstruction \+ KL/m);
    const lines = trainOutput.split('\n').filter((line) => line.startsWith('epoch '));
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const [, rec, kl] = /train loss [\d.]+ \(rec ([\d.]+), kl ([\d.]+)\)/.exec(line)!;
      const elbo = Number(/train −ELBO ([\d.]+)/.exec(line)![1]);
      expect(Math.abs(elbo - (Number(rec) + Number(kl)))).toBeLessThanOrEqual(0.011);
    }
  });

  it('train --conditional writes a sample grid with one row per class, and the loss curve', async () => {
    const vae = await VAE.load(readFileSync(model));
    expect(vae.config).toMatchObject({ conditionDim: 3, latentDim: 2 });
    const samples = png(join(out, 'samples.png'));
    expect([samples.width, samples.height]).toEqual([8 * 6 + 2, 3 * 6 + 2]); // 3 rows (classes) × 8 tiles of 4×4, 2-px borders
    const svg = readFileSync(join(out, 'loss.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toMatch(/negative ELBO/);
    expect(svg.match(/<path/g)!.length).toBeGreaterThan(2);
  });

  it('sample, reconstruct, interpolate and manifold write PNG grids of the documented shapes', async () => {
    const file = (name: string) => join(dir, name);
    expect((await cli('sample', '--model', model, '--n', '5', '--out', file('s.png'))).out).toMatch(/3 rows \(one per class\) of 5 samples/);
    expect(png(file('s.png')).width).toBe(5 * 6 + 2);
    await cli('reconstruct', '--model', model, '--data', images, '--labels', labels, '--n', '6', '--columns', '3', '--out', file('r.png'));
    expect([png(file('r.png')).width, png(file('r.png')).height]).toEqual([3 * 6 + 2, 4 * 6 + 2]);
    await cli('interpolate', '--model', model, '--data', images, '--labels', labels, '--from', '2', '--to', '7', '--steps', '6', '--spherical', '--out', file('i.png'));
    expect([png(file('i.png')).width, png(file('i.png')).height]).toEqual([6 * 6 + 2, 4 + 2 * 2]);
    await cli('manifold', '--model', model, '--n', '5', '--class', '2', '--out', file('m.png'));
    expect([png(file('m.png')).width, png(file('m.png')).height]).toEqual([5 * 6 + 2, 5 * 6 + 2]);
    const variance = (p: PNG) => { const d = Array.from(p.data); const m = d.reduce((a, b) => a + b) / d.length; return d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length; };
    expect(variance(png(file('m.png')))).toBeGreaterThan(10); // not blank
  });

  it('eval prints the negative ELBO and the IWAE bound; encode writes one CSV row per image', async () => {
    const run = await cli('eval', '--model', model, '--data', images, '--labels', labels, '--samples', '20');
    const [, elbo, bound] = run.out.match(/120 images: -ELBO ([\d.]+) nats .* -log p\(x\) <= ([\d.]+) nats \(IWAE, k = 20\)/)!;
    expect(Number(bound)).toBeLessThan(Number(elbo));
    await cli('encode', '--model', model, '--data', images, '--labels', labels, '--limit', '10', '--out', join(dir, 'z.csv'));
    const rows = readFileSync(join(dir, 'z.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('mean_1,mean_2,logvar_1,logvar_2,label');
    expect(rows).toHaveLength(11);
    expect(rows[3].split(',').map(Number)).toHaveLength(5);
  });

  it('every command has --help, and bad input fails with one line naming the problem', async () => {
    for (const command of ['sample', 'reconstruct', 'eval', 'encode', 'interpolate', 'manifold']) {
      const help = await cli(command, '--help');
      expect(help.code).toBe(0);
      expect(help.out).toMatch(new RegExp(`^Usage: wasm-vae ${command} --model FILE`));
    }
    expect((await cli('help')).out).toMatch(/Commands:[\s\S]*manifold/);
    expect((await cli('sample')).err).toMatch(/^wasm-vae: --model FILE is required/);
    expect((await cli('sample', '--model', model, '--n', '0')).err).toMatch(/--n must be an integer in \[1, 1024\]; received "0"/);
    expect((await cli('reconstruct', '--model', model, '--data', images)).err).toMatch(/this model is conditional: give --labels FILE/);
    const plain = join(dir, 'plain');
    await cli('train', '--data', images, '--hidden', '8', '--latent', '3', '--epochs', '1', '--out', plain);
    expect((await cli('manifold', '--model', join(plain, 'model.safetensors'))).err).toMatch(/needs a model with a 2-D latent; this one has latentDim 3/);
    expect((await cli('frobnicate')).err).toMatch(/unknown command "frobnicate"; see wasm-vae help/);
  });
});
