// --resume from anywhere: checkpoints keep absolute data paths with each file's size and SHA-256, so a resume
// from another directory finds the run's files, a file given again is accepted when its bytes are the run's and
// refused when not, options equal to the run's are accepted and a changed one is refused naming old and new.
// Checkpoints written before paths were stored absolute still resume. A run of 1 epoch resumed to 2 must give
// the bytes of a straight 2-epoch run: no timing is involved anywhere here.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readMetadata, VAE } from '../../src/index.js';
import { prototypeData, sameBytes } from '../helpers/data.js';
import { run, writeIdx } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-resume-'));
const home = join(dir, 'home'), elsewhere = join(dir, 'elsewhere');
const OPTIONS = ['--hidden', '16', '--latent', '4', '--batch-size', '50', '--seed', '7', '--lr', '0.002', '--threads', '1'];
// The command a user typed, with paths relative to `home`.
const typed = (out: string, epochs: number) => ['train', '--data', 'train.idx', '--test-data', 'test.idx', '--epochs', String(epochs), ...OPTIONS, '--out', out];
const fail = (args: string[], cwd: string) => run(args, cwd, 1).then((r) => r.stderr.trim());

describe('wasm-vae train --resume', () => {
  let reference: Uint8Array;
  beforeAll(async () => {
    mkdirSync(home); mkdirSync(elsewhere);
    writeIdx(join(home, 'train.idx'), 300, prototypeData(300, 784));
    writeIdx(join(home, 'test.idx'), 60, prototypeData(60, 784, 2));
    // A different file at the same relative path from `elsewhere`.
    writeIdx(join(elsewhere, 'train.idx'), 300, prototypeData(300, 784, 9));
    await run(typed('straight', 2), home);
    reference = readFileSync(join(home, 'straight', 'model.safetensors'));
  }, 120_000);

  /** A 1-epoch run from `home`: its checkpoint (to be resumed to 2 epochs). */
  async function oneEpoch(name: string): Promise<string> {
    await run(typed(name, 1), home);
    return join(home, name, 'checkpoint.safetensors');
  }
  const model = (checkpoint: string) => readFileSync(join(checkpoint, '..', 'model.safetensors'));

  it('stores absolute paths with sizes and hashes, and resumes from another directory without --data', async () => {
    const checkpoint = await oneEpoch('abs');
    const run0 = JSON.parse(readMetadata(readFileSync(checkpoint))['wasm-vae-train']);
    expect(run0.argv).toContain(join(home, 'train.idx'));
    expect(run0.files.data).toMatchObject({ path: join(home, 'train.idx'), size: 16 + 300 * 784 });
    expect(run0.files.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    await run(['train', '--resume', checkpoint, '--epochs', '2'], elsewhere);
    expect(sameBytes(model(checkpoint), reference)).toBe(true);
  });

  it('accepts --data naming the same bytes, and refuses a different file naming path, sizes and hashes', async () => {
    const checkpoint = await oneEpoch('same-data');
    const message = await fail(['train', '--resume', checkpoint, '--epochs', '2', '--data', 'train.idx'], elsewhere);
    expect(message).toMatch(new RegExp(`^wasm-vae: --data ${join(elsewhere, 'train.idx')} is not the file this run trained on`));
    expect(message).toMatch(/expected 235216 bytes, sha256 [0-9a-f]{12}.*; found 235216 bytes, sha256 [0-9a-f]{12}/);
    expect(message.split('\n')).toHaveLength(1);
    await run(['train', '--resume', checkpoint, '--epochs', '2', '--data', join('..', 'home', 'train.idx')], elsewhere);
    expect(sameBytes(model(checkpoint), reference)).toBe(true);
  });

  it('accepts the command re-run as typed with --resume added; refuses a changed option naming the old and new value', async () => {
    const checkpoint = await oneEpoch('retyped');
    const message = await fail([...typed('retyped', 2), '--lr', '0.01', '--resume', checkpoint], home);
    expect(message).toBe(`wasm-vae: --lr was 0.002 in the run of ${checkpoint}, 0.01 now; a resumed run keeps its options ` +
      '(only --out, --epochs, --checkpoint-every and --threads may change)');
    expect(await fail([...typed('retyped', 2), '--hidden', '16,8', '--resume', checkpoint], home)).toMatch(/--hidden was 16 in the run .*, 16,8 now/);
    await run([...typed('retyped', 2), '--lr', '2e-3', '--resume', checkpoint], home);
    expect(sameBytes(model(checkpoint), reference)).toBe(true);
  });

  it('resumes a checkpoint written before paths were absolute (relative paths, no hashes) from its directory', async () => {
    const checkpoint = await oneEpoch('old');
    const vae = await VAE.load(readFileSync(checkpoint));
    const current = JSON.parse(readMetadata(readFileSync(checkpoint))['wasm-vae-train']);
    const argv = ['--epochs', '1', '--batch-size', '50', '--hidden', '16', '--latent', '4', '--activation', 'relu', '--likelihood', 'bernoulli',
      '--lr', '0.002', '--beta', '1', '--seed', '7', '--checkpoint-every', '100', '--out', 'old', '--data', 'train.idx', '--test-data', 'test.idx',
      '--kl-warmup', '0', '--free-bits', '0', '--patience', '0'];
    writeFileSync(checkpoint, vae.save({ includeOptimizer: true, metadata: { 'wasm-vae-train': JSON.stringify({ argv, history: current.history }) } }));
    vae.dispose();
    await run(['train', '--resume', checkpoint, '--epochs', '2'], home);
    expect(sameBytes(model(checkpoint), reference)).toBe(true);
  });

  it('refuses a run entry over its size limit before parsing it (a hostile object of a million keys)', async () => {
    const vae = await VAE.load(readFileSync(join(home, 'straight', 'model.safetensors')));
    const keys = Array.from({ length: 500_000 }, (_, i) => `"k${i}":0`).join(',');
    const bomb = join(dir, 'bomb.safetensors');
    writeFileSync(bomb, vae.save({ includeOptimizer: true, metadata: { 'wasm-vae-train': `{${keys}}` } }));
    vae.dispose();
    expect(await fail(['train', '--resume', bomb], home)).toMatch(/"wasm-vae-train" entry is \d+ bytes, over the 4194304-byte limit$/);
  });

  it('says why a file is not a checkpoint', async () => {
    expect(await fail(['train', '--resume', join(home, 'straight', 'model.safetensors')], home)).toMatch(/is not a checkpoint of wasm-vae train/);
  });
});
