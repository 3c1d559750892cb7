// readNpy on files numpy itself wrote (np.save), against the values numpy prints: float32, float64 (both byte
// orders), uint8, a 3-D array, a non-contiguous slice (saved in C order), and numpy's own Fortran-order file refused.
// Skipped, with a message, where /usr/bin/python3 has no numpy; tests/data/npy.test.ts builds the bytes by hand.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/data/index.js';
import { expectVAEError } from '../helpers/errors.js';

const PYTHON = '/usr/bin/python3';
const hasNumpy = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    console.log('tests/node/data-numpy.test.ts: skipped, /usr/bin/python3 with numpy is not here');
    return false;
  }
})();

const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-npy-'));

/** Saves the arrays the script makes into dir/NAME.npy; returns each one's values as float64, flattened in C order. */
function numpy(script: string): Record<string, { shape: number[]; values: number[] }> {
  const code = `import json, numpy as np\nrng = np.random.default_rng(7)\narrays = {}\n${script}\n` +
    `for k, a in arrays.items(): np.save(${JSON.stringify(dir)} + '/' + k + '.npy', a)\n` +
    `print(json.dumps({k: {'shape': list(a.shape), 'values': np.asarray(a, dtype=np.float64).ravel(order='C').tolist()} for k, a in arrays.items()}))`;
  return JSON.parse(execFileSync(PYTHON, ['-c', code], { encoding: 'utf8' }));
}
const read = (name: string, raw = false) => readNpy(readFileSync(join(dir, `${name}.npy`)), raw ? { uint8: 'raw' } : {});

describe.skipIf(!hasNumpy)('readNpy on files numpy wrote', () => {
  it('reads float32, float64 (little- and big-endian), uint8 and N-D arrays to the values numpy has', () => {
    const made = numpy([
      "arrays['f4'] = (rng.standard_normal((50, 7)) * 1000).astype(np.float32)",
      "arrays['f8'] = rng.standard_normal((20, 3)) * 1e-3",
      "arrays['f8be'] = (rng.standard_normal((4, 5))).astype('>f8')",
      "arrays['f4be'] = (rng.standard_normal((4, 5))).astype('>f4')",
      "arrays['u1'] = rng.integers(0, 256, (6, 4, 4), dtype=np.uint8)",
      "arrays['slice'] = (np.arange(60, dtype=np.float32).reshape(6, 10))[::2, 1::3]",
    ].join('\n'));
    let worst = 0;
    for (const [name, { shape, values }] of Object.entries(made)) {
      const npy = read(name, name === 'u1');
      expect(npy.shape, name).toEqual(shape);
      expect(npy.count).toBe(shape[0]);
      expect(npy.inputDim).toBe(values.length / shape[0]);
      // float32 rows hold each value rounded once to float32: compare with numpy's values rounded the same way.
      expect(Array.from(npy.rows), name).toEqual(values.map(Math.fround));
      for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(npy.rows[i] - values[i]) / Math.max(Math.abs(values[i]), 1e-30));
    }
    console.log(`numpy fixtures: ${Object.keys(made).join(', ')}; largest relative difference from numpy's float64 values: ${worst.toExponential(2)} (float32 rounding)`);
    expect(worst).toBeLessThanOrEqual(2 ** -24);
    const u1 = read('u1');
    expect(u1.dtype).toBe('uint8');
    expect(Array.from(u1.rows)).toEqual(made.u1.values.map((v) => Math.fround(v / 255)));
  });

  it("refuses numpy's Fortran-order file and an int64 array, saying how to fix each", async () => {
    numpy("arrays['fortran'] = np.asfortranarray(np.ones((3, 4), dtype=np.float32))\narrays['i8'] = np.arange(6, dtype=np.int64).reshape(2, 3)");
    await expectVAEError(() => read('fortran'), 'INVALID_DATA', /^readNpy: the array is in Fortran order; save it in C order \(numpy: np\.save\(path, np\.ascontiguousarray\(a\)\)\)$/);
    await expectVAEError(() => read('i8'), 'INVALID_DATA', /^readNpy: dtype "<i8" is not read/);
  });
});
