// Files that are whole or absent: write a temporary file beside the target, fsync it, rename it over the
// target (atomic on POSIX file systems), then fsync the directory so the rename itself survives a crash. A kill
// at any instant leaves either the previous file or the new one, never a torn one.
// The temporary file's name is random and it is created exclusively ('wx': O_CREAT|O_EXCL, which never follows
// a symlink), so no one who can write to the folder can point it elsewhere. Every failure removes it.
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** The file operations used, replaceable one by one (tests inject failures through this seam). */
export interface AtomicIo {
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
}

const NODE_IO: AtomicIo = {
  openSync: (path, flags, mode) => fs.openSync(path, flags, mode),
  writeSync: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (from, to) => fs.renameSync(from, to),
  unlinkSync: (path) => fs.unlinkSync(path),
};

/** An Error whose message names the operation and the file: "could not write /x/model.safetensors: ENOSPC: …". */
function failure(operation: string, path: string, cause: unknown): Error {
  const reason = (cause as Error).message.replace(/, (open|write|fsync|close|rename) .*$|, (open|write|fsync|close|rename)$/, '');
  return Object.assign(new Error(`could not ${operation} ${path}: ${reason}`), { code: (cause as NodeJS.ErrnoException).code, cause });
}

export function writeFileAtomic(path: string, data: Uint8Array | string, io: Partial<AtomicIo> = {}): void {
  const ops = { ...NODE_IO, ...io };
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = ops.openSync(temporary, 'wx', 0o644);
  } catch (error) {
    throw failure('create', temporary, error);
  }
  let step = 'write';
  try {
    try {
      for (let at = 0; at < bytes.length;) at += ops.writeSync(fd, bytes, at, bytes.length - at);
      ops.fsyncSync(fd);
    } finally {
      ops.closeSync(fd);
    }
    step = 'rename a temporary file to';
    ops.renameSync(temporary, path);
  } catch (error) {
    try { ops.unlinkSync(temporary); } catch { /* already gone; the original error is the one to report */ }
    throw failure(step, path, error);
  }
  syncDirectory(dirname(path));
}

/**
 * Removes the temporary files a killed writer (SIGKILL, a crash) left for these targets in `dir`. Only for a
 * folder no one else writes into now (train calls it holding the --out lock).
 */
export function removeTemporaries(dir: string, targets: string[]): string[] {
  const pattern = new RegExp(`^\\.(${targets.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\.[0-9a-f]{16}\\.tmp$`);
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (!pattern.test(name)) continue;
    try {
      fs.unlinkSync(join(dir, name));
      removed.push(name);
    } catch { /* gone already */ }
  }
  return removed;
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
