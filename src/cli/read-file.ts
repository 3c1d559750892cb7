// Reading a file a flag names, stat first: only a regular file is read (a device such as /dev/zero, a FIFO or a
// directory would be read without end, block, or fail with a message naming nothing), and exactly the size
// stat reported, so a file that grows meanwhile cannot make the read unbounded.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';

/** What a stat says a path is, for messages: "a directory", "a FIFO", … */
export function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return stats.isFile() ? 'a regular file' : 'not a file';
}

/** The size of the regular file `path` (named `--flag PATH` in errors). */
export function regularFileSize(flag: string, path: string): number {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new Error(`${flag} ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (!stats.isFile()) throw new Error(`${flag} ${path} is ${kindOf(stats)}, not a regular file`);
  return stats.size;
}

/**
 * The bytes of the regular file `path`. `check(size, head)` runs after the first `headBytes` bytes are read and
 * before the rest, so a header's claims can be checked against the file's size before a large read.
 */
export function readRegularFile(flag: string, path: string, check?: (size: number, head: Buffer) => void, headBytes = 0): Buffer {
  regularFileSize(flag, path);
  // O_NONBLOCK: were the path swapped for a FIFO after the stat, open must not wait for a writer.
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error(`${flag} ${path} is ${kindOf(stats)}, not a regular file`);
    if (stats.size > bufferConstants.MAX_LENGTH) {
      throw new Error(`${flag} ${path} is ${stats.size} bytes, more than one read can hold here (${bufferConstants.MAX_LENGTH})`);
    }
    const head = Buffer.alloc(Math.min(headBytes, stats.size));
    readFully(fd, head, 0);
    check?.(stats.size, head);
    const bytes = Buffer.allocUnsafe(stats.size);
    head.copy(bytes);
    const got = readFully(fd, bytes, head.length);
    if (got !== stats.size) throw new Error(`${flag} ${path} changed while being read (${stats.size} bytes at the start, ${got} read)`);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** Reads into `bytes` from `at` until it is full or the file ends; the bytes filled. */
function readFully(fd: number, bytes: Buffer, at: number): number {
  while (at < bytes.length) {
    const n = readSync(fd, bytes, at, bytes.length - at, at);
    if (n === 0) break;
    at += n;
  }
  return at;
}
