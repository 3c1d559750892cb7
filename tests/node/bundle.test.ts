// The shipped ESM bundle: what a SIMD page downloads for `import 'wasm-vae'` (the dense SIMD build embedded) stays
// within its budget; the scalar build is a separate chunk imported only where SIMD is missing, and the SIMD build
// with the convolution layers one imported only for a model that has them.
// Reads dist/, which `npm test` builds first.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUDGET_BYTES = 40 * 1024;
const dist = (file: string) => readFileSync(new URL(`../../dist/${file}`, import.meta.url));
const base64Of = (build: string) => readFileSync(new URL(`../../build/${build}.wasm`, import.meta.url)).toString('base64');
const esm = dist('index.js'), scalarChunk = dist('wasm-scalar.js'), convChunk = dist('wasm-simd-conv.js');

describe('dist/index.js', () => {
  it(`is at most ${BUDGET_BYTES / 1024} KB gzip with the SIMD build embedded`, () => {
    const gzip = gzipSync(esm).length; // zlib's default level, as servers and npm use
    console.log(`ESM bundle: ${esm.length} bytes, ${gzip} bytes gzip (${(gzip / 1024).toFixed(1)} KB of ${BUDGET_BYTES / 1024} KB); ` +
      `lazy scalar chunk: ${scalarChunk.length} bytes, ${gzipSync(scalarChunk).length} bytes gzip; ` +
      `lazy SIMD build with convolutions: ${convChunk.length} bytes, ${gzipSync(convChunk).length} bytes gzip`);
    expect(gzip).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('imports nothing but its own lazy chunks (scalar, SIMD with convolutions), so a plain <script type="module"> can load it', () => {
    const text = esm.toString('utf8');
    expect(text).not.toMatch(/^\s*import\s/m);
    expect(text).not.toMatch(/\brequire\(/);
    expect(text.match(/\bimport\([^)]*\)/g)?.sort()).toEqual(['import("./wasm-scalar.js")', 'import("./wasm-simd-conv.js")']);
    expect(text.includes(base64Of('simd'))).toBe(true);
    expect(text.includes(base64Of('scalar'))).toBe(false);
    expect(text.includes(base64Of('simd-conv'))).toBe(false);
    expect(scalarChunk.toString('utf8').includes(base64Of('scalar'))).toBe(true);
    expect(convChunk.toString('utf8').includes(base64Of('simd-conv'))).toBe(true);
  });
});
