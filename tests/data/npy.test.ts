// readNpy and readIdx on bytes built by hand (tests/node/data-numpy.test.ts reads files numpy wrote): dtypes,
// byte orders, header versions, rows of N-D arrays in C order, and the one-line errors for files it cannot read.
import { describe, expect, it } from 'vitest';
import { readIdx, readNpy } from '../../src/data/index.js';
import { expectVAEError } from '../helpers/errors.js';
import { floatBytes, npyBytes } from './npy-bytes.js';

const values = [0.5, -1.25, 3e-5, 1e30, 7, -0];

describe('readNpy', () => {
  it('reads float32 and float64 in either byte order, header versions 1.0 and 2.0', () => {
    const expected = Array.from(Float32Array.from(values));
    for (const little of [true, false]) {
      for (const version of [1, 2] as const) {
        const f4 = readNpy(npyBytes({ descr: little ? '<f4' : '>f4', shape: [2, 3], data: floatBytes(values, 4, little), version }));
        expect(f4).toMatchObject({ shape: [2, 3], count: 2, inputDim: 3, dtype: 'float32' });
        expect(Array.from(f4.rows)).toEqual(expected);
        const f8 = readNpy(npyBytes({ descr: little ? '<f8' : '>f8', shape: [3, 2], data: floatBytes(values, 8, little), version }));
        expect(f8).toMatchObject({ shape: [3, 2], count: 3, inputDim: 2, dtype: 'float64' });
        expect(Array.from(f8.rows)).toEqual(expected);
      }
    }
  });

  it('reads uint8 as byte / 255 (as IDX), or raw; N-D arrays flattened per row in C order; ArrayBuffers and Buffers too', () => {
    const data = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => i * 20);
    const bytes = npyBytes({ descr: '|u1', shape: [2, 2, 3], data });
    const unit = readNpy(bytes);
    expect(unit).toMatchObject({ shape: [2, 2, 3], count: 2, inputDim: 6, dtype: 'uint8' });
    expect(Array.from(unit.rows)).toEqual(Array.from(data, (b) => Math.fround(b / 255)));
    expect(Array.from(readNpy(bytes, { uint8: 'raw' }).rows)).toEqual(Array.from(data));
    expect(readNpy(bytes.buffer as ArrayBuffer)).toEqual(unit);
    // A view at an odd offset into a larger buffer (a Node Buffer from a pool looks like this).
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    const f4 = npyBytes({ descr: '<f4', shape: [1, 6], data: floatBytes(values, 4) });
    const odd = new Uint8Array(f4.length + 1);
    odd.set(f4, 1);
    expect(readNpy(padded.subarray(3))).toEqual(unit);
    expect(readNpy(odd.subarray(1)).rows).toEqual(readNpy(f4).rows);
  });

  it('errors: an unknown dtype, a truncated file, Fortran order, one dimension, not an .npy, extra bytes', async () => {
    const fails = (bytes: unknown, pattern: RegExp, code = 'INVALID_DATA') => expectVAEError(() => readNpy(bytes as Uint8Array), code, pattern);
    const f4 = (shape: number[], n: number, extra: Partial<Parameters<typeof npyBytes>[0]> = {}) =>
      npyBytes({ descr: '<f4', shape, data: floatBytes(Array(n).fill(1), 4), ...extra });
    await fails(npyBytes({ descr: '<i8', shape: [2, 2], data: new Uint8Array(32) }), /^readNpy: dtype "<i8" is not read \(expected float32 '<f4', float64 '<f8' or uint8 '\|u1'; numpy: a\.astype\(np\.float32\)\)$/);
    await fails(npyBytes({ descr: '', shape: [2], data: new Uint8Array(0), header: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }" }), /^readNpy: the header .* has no valid 'descr'/);
    const whole = f4([4, 3], 12);
    await fails(whole.subarray(0, whole.length - 5), /^readNpy: truncated: shape \(4, 3\) of float32 needs 48 bytes of data; the file has 43$/);
    await fails(whole.subarray(0, 40), /^readNpy: truncated: the header is \d+ bytes; the file has 30 after the preamble$/);
    await fails(whole.subarray(0, 8), /^readNpy: not a \.npy file/);
    await fails(f4([4, 3], 12, { fortran: true }), /^readNpy: the array is in Fortran order; save it in C order/);
    await fails(f4([12], 12), /^readNpy: the array has shape \(12,\); expected rows: 2 or more dimensions/);
    await fails(f4([0, 3], 0), /^readNpy: the array of shape \(0, 3\) has no values$/);
    await fails(f4([2, 3], 7), /^readNpy: 4 bytes after the data that shape \(2, 3\) of float32 takes$/);
    await fails(new TextEncoder().encode('a,b\n1,2\n'), /^readNpy: not a \.npy file/);
    await fails('a,b', /^readNpy: expected the file's bytes \(an ArrayBuffer or a Uint8Array\); received a string$/, 'INVALID_ARGUMENT');
    const v9 = f4([1, 1], 1);
    v9[6] = 9;
    await fails(v9, /^readNpy: format version 9\.0 is not one this reader knows/);
  });
});

describe('readIdx', () => {
  it('reads unsigned-byte IDX images as byte / 255 and refuses other files in one line', async () => {
    const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 51, 102, 255]);
    const idx = readIdx(bytes);
    expect(idx).toMatchObject({ shape: [2, 1, 2], count: 2, inputDim: 2 });
    expect(Array.from(idx.rows)).toEqual([0, 0.2, 0.4, 1].map(Math.fround));
    await expectVAEError(() => readIdx(bytes.subarray(0, 19)), 'INVALID_DATA', /^readIdx: not an unsigned-byte IDX file \(its header, 2×1×2, needs 20 bytes; the file has 19\)$/);
    await expectVAEError(() => readIdx(new Uint8Array([0, 0, 13, 2])), 'INVALID_DATA', /element type 0xd, expected 0x08/);
  });
});
