// IDX files (LeCun's MNIST format): magic 0x00 0x00 type ndim, ndim big-endian uint32 dimensions, then the data.
// Only unsigned bytes (type 0x08) are read, scaled to [0, 1] as torchvision's ToTensor does (byte / 255).
// idxDims checks a header against the file's size from its first bytes alone, so the CLI can refuse a bad file
// before reading it all (src/cli/idx.ts).
import { bytesOf, dataError } from './input.js';
import type { IdxArray } from './types.js';

/** The longest header: 4 bytes, then 255 dimensions of 4 bytes. */
export const IDX_MAX_HEADER = 4 + 4 * 255;

/**
 * The dimensions in an unsigned-byte IDX header (`head`: at least its first bytes) of a file of `size` bytes, with
 * `minDims`..`maxDims` dimensions; a string saying what is wrong otherwise.
 */
export function idxDims(head: Uint8Array, size: number, minDims: number, maxDims: number): number[] | string {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0) return 'bad magic number';
  if (head[2] !== 0x08) return `element type 0x${head[2].toString(16)}, expected 0x08`;
  const ndim = head[3];
  if (ndim < minDims || ndim > maxDims) return `${ndim} dimensions, expected ${minDims === maxDims ? minDims : `at least ${minDims}`}`;
  if (head.length < 4 + 4 * ndim) return `a header of ${4 + 4 * ndim} bytes; the file has ${size}`;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const need = 4 + 4 * ndim + dims.reduce((a, b) => a * b, 1);
  if (need !== size) return `its header, ${dims.join('×')}, needs ${need} bytes; the file has ${size}`;
  return dims;
}

/** Reads an unsigned-byte IDX file of 2 or more dimensions (images): [count, ...] rows in [0, 1]. */
export function readIdx(source: ArrayBuffer | ArrayBufferView): IdxArray {
  const bytes = bytesOf(source, 'readIdx');
  const dims = idxDims(bytes, bytes.length, 2, 255);
  if (typeof dims === 'string') throw dataError('readIdx', `not an unsigned-byte IDX file (${dims})`);
  const start = 4 + 4 * dims.length;
  const rows = new Float32Array(bytes.length - start);
  for (let i = 0; i < rows.length; i++) rows[i] = bytes[start + i] / 255;
  return { rows, shape: dims, count: dims[0], inputDim: dims.slice(1).reduce((a, b) => a * b, 1) };
}
