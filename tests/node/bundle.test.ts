// The shipped ESM bundle: self-contained (both wasm builds embedded, the loader bundled, no imports) and within
// its download budget. Reads dist/, which `npm test` builds first.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

// 40 KB until the threads (the jobs written for T threads and the pool: ≈ 6 KB more wasm per build, 4 KB of JS).
const BUDGET_BYTES = 52 * 1024;
const esm = readFileSync(new URL('../../dist/index.js', import.meta.url));

describe('dist/index.js', () => {
  it(`is at most ${BUDGET_BYTES / 1024} KB gzip with both wasm builds embedded`, () => {
    const gzip = gzipSync(esm).length; // zlib's default level, as servers and npm use
    console.log(`ESM bundle: ${esm.length} bytes, ${gzip} bytes gzip (${(gzip / 1024).toFixed(1)} KB of ${BUDGET_BYTES / 1024} KB)`);
    expect(gzip).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('imports nothing and carries both builds, so a plain <script type="module"> can load it', () => {
    const text = esm.toString('utf8');
    expect(text).not.toMatch(/^\s*import\s/m);
    expect(text).not.toMatch(/\brequire\(|\bimport\(/);
    for (const build of ['release', 'scalar']) {
      const base64 = readFileSync(new URL(`../../build/${build}.wasm`, import.meta.url)).toString('base64');
      expect(text.includes(base64)).toBe(true);
    }
  });
});
