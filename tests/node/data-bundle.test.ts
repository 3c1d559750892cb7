// The shipped wasm-vae/data bundles (dist/data.js, dist/data.cjs): browser-safe (no Node module, no second copy of
// the library: VAEError comes from ./index.js), and their size printed (most of it is Papa Parse, bundled).
// Reads dist/, which `npm test` builds first.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const dist = (file: string) => readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8');

describe('dist/data.js and dist/data.cjs', () => {
  it('import nothing but the main entry (no Node module), and carry no wasm', () => {
    const esm = dist('data.js'), cjs = dist('data.cjs');
    console.log(`dist/data.js: ${esm.length} bytes, ${gzipSync(esm).length} bytes gzip; dist/data.cjs: ${cjs.length} bytes, ${gzipSync(cjs).length} bytes gzip`);
    expect(esm.match(/\bfrom\s*"[^"]*"/g)).toEqual(['from"./index.js"']);
    expect(esm).toMatch(/^import\{VAEError as \w+\}from"\.\/index\.js";/);
    expect(esm).not.toMatch(/\brequire\(|\bimport\(/);
    expect(cjs.match(/\brequire\("[^"]*"\)/g)).toEqual(['require("./index.cjs")']);
    for (const text of [esm, cjs]) expect(text).not.toMatch(/AGFzbQ/); // base64 of "\0asm"
    expect(dist('index.js')).not.toMatch(/readCsv|INVALID_DATA|papaparse/i);
  });
});
