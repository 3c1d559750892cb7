// What a user meets first, and files that are not what they claim: the command list for a bare `wasm-vae` and
// --help, readers that stat before reading (a device, a directory or a FIFO gets one line naming it, never an
// endless read), IDX sizes checked against the header before reading, and messages in the CLI's own flags.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prototypeData } from '../helpers/data.js';
import { start, writeIdx } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-inputs-'));

/** Runs the CLI to its end, in `dir`. */
async function run(...args: string[]) {
  return start(args, dir).exit;
}

/** Runs the CLI; fails the test if it starts training (a header line) rather than exiting. */
async function cli(...args: string[]) {
  const running = start(args, dir);
  const training = running.line(/^wasm-vae: \d+ training/).then(() => { running.child.kill('SIGKILL'); }, () => undefined);
  const result = await running.exit;
  await training;
  expect(result.stdout, `wasm-vae ${args.join(' ')} started training`).not.toMatch(/^wasm-vae: \d+ training/m);
  return result;
}

describe('wasm-vae: first run', () => {
  it('a bare wasm-vae lists the commands on stderr and exits 2; --help lists them on stdout and exits 0', async () => {
    const bare = await cli();
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^Usage: wasm-vae <command> \[options\]/);
    for (const command of ['train', 'sample', 'reconstruct', 'eval', 'encode', 'interpolate', 'manifold']) {
      expect(bare.stderr).toMatch(new RegExp(`^ {2}${command} +\\S.*$`, 'm'));
    }
    for (const help of [['--help'], ['-h'], ['help']]) {
      const result = await cli(...help);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(bare.stderr);
    }
    const train = await cli('train', '--help');
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/^Usage: wasm-vae train \[options\]\n\nTrains a variational autoencoder/);
    expect(train.stdout).not.toMatch(/Commands:/);
  });

  it('options without a command are a usage error naming the command to use', async () => {
    const result = await cli('--epochs', '3');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^wasm-vae: options need a command first: wasm-vae train --epochs 3\n/);
  });
});

describe('wasm-vae: readers stat first', () => {
  const images = join(dir, 'images.idx');
  writeIdx(images, 50, prototypeData(50, 16), 4, 4);

  it('a device, a directory or a FIFO given as --data, --model or --resume gets one line naming it', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const cases: Array<[string[], string, string]> = [
      [['train', '--data', '/dev/zero', '--out', join(dir, 'o')], '/dev/zero', 'a character device'],
      [['train', '--data', images, '--test-data', fifo, '--out', join(dir, 'o')], fifo, 'a FIFO'],
      [['sample', '--model', '/dev/zero'], '/dev/zero', 'a character device'],
      [['eval', '--model', dir], dir, 'a directory'],
      [['train', '--resume', fifo], fifo, 'a FIFO'],
    ];
    for (const [args, path, kind] of cases) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^wasm-vae: --\\S+ ${path} is ${kind}, not a regular file\n$`));
    }
  });

  it('a directory as --data is a folder of images: without any, one line says so (it was "is a directory")', async () => {
    const result = await cli('train', '--data', dir, '--out', join(dir, 'o'));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`wasm-vae: --data ${dir}: no images in it (expected .png, .jpg or .jpeg files)\n`);
  });

  it('an IDX file whose size disagrees with its header gets one line with both sizes', async () => {
    const short = join(dir, 'short.idx');
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x803, 0); header.writeUInt32BE(0xffffffff, 4); header.writeUInt32BE(28, 8); header.writeUInt32BE(28, 12);
    writeFileSync(short, Buffer.concat([header, Buffer.alloc(784 * 3)]));
    const result = await cli('train', '--data', short, '--out', join(dir, 'o'));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`wasm-vae: --data ${short}: not an unsigned-byte IDX file (its header, 4294967295×28×28, needs ` +
      `${16 + 0xffffffff * 784} bytes; the file has ${16 + 784 * 3})\n`);
  });
});

describe('wasm-vae: messages name the flags', () => {
  it('divergence says --lr, not options.learningRate', async () => {
    const result = await run('train', '--data', join(dir, 'images.idx'), '--hidden', '8', '--latent', '2', '--epochs', '3',
      '--batch-size', '5', '--lr', '1e10', '--threads', '1', '--out', join(dir, 'diverged'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^wasm-vae: training diverged: .* Lower --lr \(10000000000 now\), or check the data\n$/);
    expect(result.stderr).not.toMatch(/options\./);
  });
});
