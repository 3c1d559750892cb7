// Consumer (a): Node scripts using the packed package by name, as ESM (`import`) and as CommonJS (`require`).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeApp, tarballFiles } from './helpers/package.js';

let app: { dir: string; tarball: string };
beforeAll(() => { app = makeApp('node'); });

const run = (script: string) => JSON.parse(execFileSync(process.execPath, [script], { cwd: app.dir, encoding: 'utf8' }));

describe('the packed package in Node', () => {
  it('ships only the whitelisted files, with an exports map that lists types first', () => {
    const files = tarballFiles(app.tarball);
    console.log(`tarball: ${files.length} files: ${files.join(', ')}`);
    expect(files.every((f) => /^(dist\/|bin\/|README\.md$|package\.json$|LICENSE)/.test(f))).toBe(true);
    for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/types/index.d.ts', 'dist/wasm-vae.simd.wasm', 'dist/wasm-vae.scalar.wasm']) {
      expect(files).toContain(f);
    }
    const pkg = JSON.parse(readFileSync(join(app.dir, 'node_modules/wasm-vae/package.json'), 'utf8'));
    expect(Object.keys(pkg.exports['.'])).toEqual(['types', 'import', 'require']);
    expect(pkg.sideEffects).toBe(false);
  });

  it('import and require by name both train, and to the same bytes', () => {
    const esm = run('esm.mjs'), cjs = run('cjs.cjs');
    console.log(`ESM: ${JSON.stringify(esm)}\nCJS: ${JSON.stringify(cjs)}`);
    expect(esm.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(cjs.hash).toBe(esm.hash);
    expect(esm.losses).toHaveLength(2);
    expect(esm.losses[1]).toBeLessThan(esm.losses[0]);
    for (const r of [esm, cjs]) {
      expect(r).toMatchObject({ simd: true, simdSupported: true, errorClass: 'VAEError', urlBuildSimd: false });
    }
  });

  it('wasm-vae/data imports and requires by name, its types ship, and its errors are the main entry\'s VAEError', () => {
    const expected = { rows: [1.5, 0, 1, 2, 1, 0], likelihood: [{ gaussian: 1, variance: 'feature' }, { categorical: 2 }], sameErrorClass: true, code: 'INVALID_DATA' };
    expect(run('data.mjs')).toEqual(expected);
    expect(run('data.cjs')).toEqual(expected);
    const pkg = JSON.parse(readFileSync(join(app.dir, 'node_modules/wasm-vae/package.json'), 'utf8'));
    expect(pkg.exports['./data']).toEqual({ types: './dist/types/data/index.d.ts', import: './dist/data.js', require: './dist/data.cjs' });
    expect(tarballFiles(app.tarball)).toEqual(expect.arrayContaining(['dist/data.js', 'dist/data.cjs', 'dist/types/data/index.d.ts']));
  });
});
