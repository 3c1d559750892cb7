// examples/node/train.mjs, as a user runs it: copied into a fresh app that has the packed package, run with node.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeApp, repoRoot } from '../consumers/helpers/package.js';

let dir: string;
beforeAll(() => {
  dir = makeApp('example-node').dir;
  cpSync(join(repoRoot, 'examples/node/train.mjs'), join(dir, 'train.mjs'));
});

const run = (...args: string[]) => execFileSync(process.execPath, ['train.mjs', ...args], { cwd: dir, encoding: 'utf8' });

/** The losses of the "epoch N: loss X, test loss Y" lines, and the reloaded/original test losses. */
function parse(out: string) {
  const epochs = [...out.matchAll(/^epoch (\d+): loss ([\d.]+), test loss ([\d.]+) nats per image$/gm)].map((m) => Number(m[2]));
  const reload = /reloaded test loss ([\d.]+) \(the same as ([\d.]+)\)/.exec(out);
  return { epochs, reloaded: reload?.[1], original: reload?.[2] };
}

describe('examples/node/train.mjs', () => {
  it('trains on made-up pictures, prints a line per epoch and a picture, saves a model that loads back the same', () => {
    const out = run('--out', 'models');
    console.log(out);
    const { epochs, reloaded, original } = parse(out);
    expect(out).toMatch(/^data: 2000 images of 8×8$/m);
    expect(epochs).toHaveLength(20);
    expect(epochs[19]).toBeLessThan(epochs[0]);
    expect(reloaded).toBeDefined();
    expect(reloaded).toBe(original);
    expect(out).toMatch(/^[█▒·]{8} {3}[█▒·]{8} {3}[█▒·]{8}$/m);
    expect(readFileSync(join(dir, 'models/model.safetensors')).length).toBeGreaterThan(1000);
  });

  it('reads an unsigned-byte IDX file given on the command line', () => {
    // 300 random 6×5 images in IDX form: magic 0 0 8 3, then 300, 6, 5 big-endian.
    const header = Buffer.alloc(16);
    header.set([0, 0, 8, 3]);
    [300, 6, 5].forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
    const pixels = Buffer.from(Array.from({ length: 300 * 30 }, (_, i) => ((i * 7919) % 13 < 4 ? 255 : 0)));
    writeFileSync(join(dir, 'tiny-idx3-ubyte'), Buffer.concat([header, pixels]));
    const out = run('tiny-idx3-ubyte');
    expect(out).toMatch(/^data: 300 images of 5×6$/m);
    expect(parse(out).epochs).toHaveLength(20);
    expect(existsSync(join(dir, 'out/model.safetensors'))).toBe(true);
  });
});
