// The main job end to end, on a small IDX file made here: options, output files, PNG dimensions.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { writeFileAtomic } from '../../src/cli/atomic-write.js';
import { readIdxImages } from '../../src/cli/idx.js';
import { VAE } from '../../src/index.js';
import { prototypeData } from '../helpers/data.js';

function writeIdx(path: string, count: number, rows: number, cols: number, values: Float32Array): void {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(count, 4); header.writeUInt32BE(rows, 8); header.writeUInt32BE(cols, 12);
  writeFileSync(path, Buffer.concat([header, Buffer.from(Array.from(values, (v) => Math.round(v * 255)))]));
}

describe('wasm-vae train', () => {
  it('trains on IDX files and writes the model, history and PNG grids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-cli-'));
    const train = join(dir, 'train.idx'), test = join(dir, 'test.idx'), out = join(dir, 'out');
    writeIdx(train, 96, 6, 5, prototypeData(96, 30));
    writeIdx(test, 40, 6, 5, prototypeData(40, 30, 2));
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args) => { lines.push(args.join(' ')); });
    const code = await main(['train', '--data', train, '--test-data', test, '--epochs', '2', '--batch-size', '16',
      '--hidden', '12,8', '--latent', '2', '--seed', '3', '--out', out]);
    log.mockRestore();
    expect(code).toBe(0);
    expect(lines.filter((l) => /^epoch \d\/2 {2}train loss [\d.]+ .*test loss [\d.]+ .* s$/.test(l))).toHaveLength(2);
    const vae = await VAE.load(readFileSync(join(out, 'model.safetensors')));
    expect(vae.config).toMatchObject({ inputDim: 30, hiddenDims: [12, 8], latentDim: 2, seed: 3 });
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')).history;
    expect(history).toHaveLength(2);
    const samples = PNG.sync.read(readFileSync(join(out, 'samples.png')));
    expect([samples.width, samples.height]).toEqual([8 * 7 + 2, 8 * 8 + 2]); // 8×8 tiles of 5×6 with 2-px borders
    const pairs = PNG.sync.read(readFileSync(join(out, 'reconstructions.png')));
    expect([pairs.width, pairs.height]).toEqual([8 * 7 + 2, 8 * 8 + 2]);    // 4 rows of inputs, 4 of reconstructions
  });

  it('reads IDX images scaled to [0, 1] and rejects other files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-idx-'));
    const path = join(dir, 'a.idx');
    writeIdx(path, 2, 2, 2, new Float32Array([0, 1, 0.2, 0.4, 1, 1, 0, 0]));
    const images = readIdxImages(path);
    expect(images.count).toBe(2);
    expect(images.shape).toEqual([2, 2]);
    expect(images.data[1]).toBe(1);
    expect(images.data[2]).toBeCloseTo(51 / 255, 6);
    writeFileSync(path, Buffer.from([1, 2, 3, 4]));
    expect(() => readIdxImages(path)).toThrow(/not an unsigned-byte IDX file/);
  });

  it('fails with one line and exit code 1 on bad options', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args) => { errors.push(args.join(' ')); });
    expect(await main(['train', '--epochs', 'many'])).toBe(1);
    spy.mockRestore();
    expect(errors).toEqual(['wasm-vae: --epochs must be an integer >= 0; received "many"']);
  });

  it('writes files atomically: whole new content, no temporary file left behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-atomic-'));
    const path = join(dir, 'f.bin');
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    writeFileAtomic(path, 'replaced');
    expect(readFileSync(path, 'utf8')).toBe('replaced');
    expect(readdirSync(dir)).toEqual(['f.bin']);
    expect(() => writeFileAtomic(join(dir, 'missing', 'f.bin'), 'x')).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual(['f.bin']);
  });
});

describe('bin/wasm-vae.js in an unbuilt checkout', () => {
  it('says in one line that dist/ must be built first, and exits 1', async () => {
    const { cpSync } = await import('node:fs');
    const { spawnSync } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-unbuilt-'));
    cpSync(new URL('../../bin', import.meta.url), join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const run = spawnSync(process.execPath, [join(dir, 'bin', 'wasm-vae.js'), 'train'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^wasm-vae: dist\/cli\.js is missing: .*run `npm run build`/)]);
  });
});
