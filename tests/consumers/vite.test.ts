// Consumer (c): a Vite app that depends on the packed package, built with Vite and opened in Chromium.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pageResult, serve, type StaticServer } from '../helpers/browser.js';
import { makeApp } from './helpers/package.js';

let browser: Browser, server: StaticServer | undefined;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); await server?.close(); });

describe('a Vite app', () => {
  it('(c) builds with the package as a dependency and trains in Chromium the bytes Node trains', async () => {
    const app = makeApp('vite');
    const root = join(app.dir, 'vite-app'), outDir = join(root, 'dist');
    await build({ root, configFile: false, logLevel: 'error', build: { outDir, emptyOutDir: true } });
    const assets = readdirSync(join(outDir, 'assets'));
    console.log(`vite build: ${assets.join(', ')}`);
    expect(assets.some((f) => f.endsWith('.js'))).toBe(true);
    expect(assets.some((f) => /^wasm-vae\.scalar-.*\.wasm$/.test(f))).toBe(true); // only because main.js asks for it by URL

    server = await serve(outDir);
    const { result } = await pageResult<{ hash: string; simd: boolean; urlBuildSimd: boolean; error?: unknown }>(browser, `${server.url}/`);
    const nodeHash = JSON.parse(execFileSync(process.execPath, ['esm.mjs'], { cwd: app.dir, encoding: 'utf8' })).hash;
    console.log(`vite app: ${JSON.stringify(result)}; Node: ${nodeHash}`);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ simd: true, urlBuildSimd: false });
    expect(result.hash).toBe(nodeHash);
  });
});
