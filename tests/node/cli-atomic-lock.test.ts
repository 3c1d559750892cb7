// Writes that cannot be turned against the user, and one run per --out. The temporary file has an unpredictable
// name and is created exclusively (a symlink planted at any name is never followed); every failure removes it
// and names the file and the operation. Failures of write and fsync are injected through writeFileAtomic's io
// seam (the temporary file itself is real); a failing rename is real (the target is a non-empty directory).
// --out is probed before training, and a lock file keeps a second run out while the first is alive.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/cli/atomic-write.js';
import { prototypeData } from '../helpers/data.js';
import { run, start, writeIdx } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-atomic-'));
const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });

describe('writeFileAtomic', () => {
  it('never follows a symlink planted at a temporary name, and the names are unpredictable', () => {
    const at = mkdtempSync(join(dir, 'symlink-')), victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    // The old scheme's names for this pid and the next ones, each a symlink to the victim.
    for (let pid = process.pid; pid < process.pid + 50; pid++) symlinkSync(victim, join(at, `.f.bin.${pid}.tmp`));
    const opened: string[] = [];
    const io = { openSync: (path: string, flags: string) => { opened.push(path); return openSync(path, flags); } };
    writeFileAtomic(join(at, 'f.bin'), 'new', io);
    writeFileAtomic(join(at, 'f.bin'), 'newer', io);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(join(at, 'f.bin'), 'utf8')).toBe('newer');
    expect(opened).toHaveLength(2);
    expect(opened[0]).not.toBe(opened[1]);
    for (const name of opened) expect(name).toMatch(/\/\.f\.bin\.[0-9a-f]{16,}\.tmp$/);
  });

  it('removes the temporary file when write, fsync or rename fails, and names the file and the operation', () => {
    const at = mkdtempSync(join(dir, 'fail-')), target = join(at, 'model.safetensors');
    writeFileAtomic(target, 'old model');
    const before = readdirSync(at);
    // write: half the bytes land in the real temporary file, then the disk is full.
    const halfThenFull = { writeSync: (fd: number, b: Uint8Array, o: number, n: number) => { if (o > 0) throw enospc(); return writeSync(fd, b, o, Math.ceil(n / 2)); } };
    expect(() => writeFileAtomic(target, 'x'.repeat(4096), halfThenFull)).toThrow(`could not write ${target}: ENOSPC: no space left on device`);
    expect(readdirSync(at)).toEqual(before);
    // fsync
    const fsyncFails = { fsyncSync: () => { throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }); } };
    expect(() => writeFileAtomic(target, 'x', fsyncFails)).toThrow(`could not write ${target}: EIO: i/o error`);
    expect(readdirSync(at)).toEqual(before);
    // rename, for real: the target is a directory that is not empty.
    const blocked = join(at, 'blocked');
    mkdirSync(blocked); writeFileSync(join(blocked, 'x'), '');
    expect(() => writeFileAtomic(blocked, 'x')).toThrow(new RegExp(`^could not rename a temporary file to ${blocked}: E`));
    expect(readdirSync(at).sort()).toEqual([...before, 'blocked'].sort());
    // open: the folder is missing.
    expect(() => writeFileAtomic(join(at, 'missing', 'f'), 'x')).toThrow(`could not create ${join(at, 'missing')}/`);
    expect(readFileSync(target, 'utf8')).toBe('old model');
  });
});

describe('wasm-vae train --out', () => {
  const data = join(dir, 'train.idx');
  writeIdx(data, 400, prototypeData(400, 784));
  const args = (out: string, epochs = 2) => ['train', '--data', data, '--hidden', '16', '--latent', '4', '--epochs', String(epochs), '--batch-size', '20', '--threads', '1', '--out', out];

  it.skipIf(!existsSync('/sys/kernel'))('is probed for writing before training starts, the error naming the folder', async () => {
    const result = await run(args('/sys/kernel'), undefined, 1);
    expect(result.stderr.trim()).toMatch(/^wasm-vae: --out \/sys\/kernel is not writable: could not create \/sys\/kernel\/\.wasm-vae-probe-\S+: E[A-Z]+/);
    expect(result.stdout).not.toMatch(/^epoch/m);
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect((await run(args(join(file, 'out')), undefined, 1)).stderr).toMatch(new RegExp(`^wasm-vae: --out ${join(file, 'out')} is not writable: could not create the folder: E`));
  });

  it('is locked while a run writes into it: a second run is refused naming the first one\'s pid; the lock goes with the run', async () => {
    const out = join(dir, 'locked');
    const first = start(args(out, 1000));
    await first.line(/^epoch +1\/1000 /);
    expect(readdirSync(out)).toContain('.wasm-vae.lock');
    const second = await run(args(out), undefined, 1);
    expect(second.stderr.trim()).toMatch(new RegExp(`^wasm-vae: --out ${out} is in use by another wasm-vae run \\(pid ${first.child.pid}, started .*\\); ` +
      `wait for it or give another --out \\(if no such run is alive, remove ${join(out, '.wasm-vae.lock')}\\)$`));
    first.child.kill('SIGINT');
    expect((await first.exit).code).toBe(0);
    expect(readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('takes over a stale lock (its pid no longer alive) and removes it at the end', async () => {
    const out = join(dir, 'stale');
    mkdirSync(out);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(out, '.wasm-vae.lock'), JSON.stringify({ pid: Number(gone.stdout), started: new Date().toISOString() }));
    await run(args(out, 1));
    expect(readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
  });
});
