// The shipped ESM bundle: what a SIMD page downloads for `import 'wasm-vae'` (the dense SIMD build embedded,
// gzipped) stays within its budget; the scalar build is a separate chunk imported only where SIMD is missing, and the
// full SIMD build (every layer and likelihood) one imported only for a model that needs it, or where
// DecompressionStream is missing.
// Reads dist/, which `npm test` builds first.
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUDGET_BYTES = 40 * 1024;
const dist = (file: string) => readFileSync(new URL(`../../dist/${file}`, import.meta.url));
const wasmOf = (build: string) => readFileSync(new URL(`../../build/${build}.wasm`, import.meta.url));
const base64Of = (build: string) => wasmOf(build).toString('base64');
const esm = dist('index.js'), scalarChunk = dist('wasm-scalar.js'), fullChunk = dist('wasm-simd-full.js');

describe('dist/index.js', () => {
  it(`is at most ${BUDGET_BYTES / 1024} KB gzip with the SIMD build embedded`, () => {
    const gzip = gzipSync(esm).length; // zlib's default level, as servers and npm use
    console.log(`ESM bundle: ${esm.length} bytes, ${gzip} bytes gzip (${(gzip / 1024).toFixed(1)} KB of ${BUDGET_BYTES / 1024} KB); ` +
      `lazy scalar chunk: ${scalarChunk.length} bytes, ${gzipSync(scalarChunk).length} bytes gzip; ` +
      `lazy full SIMD chunk: ${fullChunk.length} bytes, ${gzipSync(fullChunk).length} bytes gzip`);
    expect(gzip).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('imports nothing but its own lazy chunks (scalar, full SIMD), so a plain <script type="module"> can load it', () => {
    const text = esm.toString('utf8');
    expect(text).not.toMatch(/^\s*import\s/m);
    expect(text).not.toMatch(/\brequire\(/);
    expect(text.match(/\bimport\([^)]*\)/g)?.sort()).toEqual(['import("./wasm-scalar.js")', 'import("./wasm-simd-full.js")']);
    for (const build of ['simd', 'scalar', 'simd-full']) expect(text.includes(base64Of(build))).toBe(false);
    expect(scalarChunk.toString('utf8').includes(base64Of('scalar'))).toBe(true);
    expect(fullChunk.toString('utf8').includes(base64Of('simd-full'))).toBe(true);
  });

  it('embeds the dense SIMD build as base64 of its gzip, which inflates to build/simd.wasm byte for byte', () => {
    // The longest base64 string literal in the bundle is the embedded build (the chunks hold the others).
    const literals = [...esm.toString('utf8').matchAll(/"([A-Za-z0-9+/]{1000,}={0,2})"/g)].map((m) => m[1]);
    expect(literals.length).toBe(1);
    const gzipped = Buffer.from(literals[0], 'base64');
    expect([...gzipped.subarray(0, 3)]).toEqual([0x1f, 0x8b, 8]); // gzip magic, deflate (RFC 1952)
    expect(gunzipSync(gzipped).equals(wasmOf('simd'))).toBe(true);
    // After all the code (rollup.config.js, embeddedLast), where it gzips apart from it.
    expect(esm.toString('utf8').trimEnd().endsWith(`"${literals[0]}";`)).toBe(true);
  });
});
