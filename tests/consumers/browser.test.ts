// Consumers (b) and (d) in real Chromium: the packed ESM bundle in a plain page with no bundler and no import
// map, under a Content-Security-Policy, and training inside a module Worker with progress posted back.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pageResult, serve, type StaticServer } from '../helpers/browser.js';
import { makeApp } from './helpers/package.js';

interface RecipeResult { hash: string; simd: boolean; losses: number[]; error?: { code?: string; message: string } }

let app: { dir: string }, browser: Browser, nodeHash: string;
const servers: StaticServer[] = [];

beforeAll(async () => {
  app = makeApp('browser');
  browser = await launchChromium();
  nodeHash = JSON.parse(execFileSync(process.execPath, ['esm.mjs'], { cwd: app.dir, encoding: 'utf8' })).hash;
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function open<T>(page: string, headers?: Record<string, string>, everyResponse?: Record<string, string>): Promise<T> {
  const server = await serve(app.dir, headers, everyResponse);
  servers.push(server);
  const { result } = await pageResult<T>(browser, `${server.url}/${page}`);
  return result;
}

describe('the packed ESM bundle in Chromium', () => {
  it('(b) loads in a plain <script type="module"> and trains the bytes Node trains', async () => {
    const result = await open<RecipeResult & { simdSupported: boolean; sampleLength: number }>('plain.html');
    console.log(`plain page: ${JSON.stringify(result)}; Node: ${nodeHash}`);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ simd: true, simdSupported: true, sampleLength: 12 });
    expect(result.hash).toBe(nodeHash);
  });

  it('a SIMD page downloads the bundle alone; one without SIMD fetches the scalar chunk, one without DecompressionStream the full SIMD chunk; all train the same bytes', async () => {
    const server = await serve(app.dir);
    servers.push(server);
    const downloads = async (page: string) => {
      const tab = await browser.newPage();
      const files: string[] = [];
      tab.on('requestfinished', (request) => { if (request.url().includes('/node_modules/wasm-vae/')) files.push(request.url().replace(/.*\/dist\//, '')); });
      await tab.goto(`${server.url}/${page}`);
      await tab.waitForFunction(() => 'result' in window, undefined, { timeout: 60_000 });
      const result = await tab.evaluate(() => (window as unknown as { result: RecipeResult & { simdSupported: boolean } }).result);
      await tab.close();
      return { files, result };
    };
    const simd = await downloads('plain.html'), scalar = await downloads('no-simd.html'), full = await downloads('no-decompression.html');
    const gzipOf = (file: string) => gzipSync(readFileSync(join(app.dir, 'node_modules/wasm-vae/dist', file))).length;
    console.log(`SIMD page fetched ${simd.files.join(', ')} (${gzipOf('index.js')} B gzip); ` +
      `no-SIMD page fetched ${scalar.files.join(', ')} (+${gzipOf('wasm-scalar.js')} B gzip); ` +
      `no-DecompressionStream page fetched ${full.files.join(', ')} (+${gzipOf('wasm-simd-full.js')} B gzip)`);
    expect(simd.files).toEqual(['index.js']);
    expect(simd.result).toMatchObject({ simd: true, hash: nodeHash });
    expect(scalar.files).toEqual(['index.js', 'wasm-scalar.js']);
    expect(scalar.result.error).toBeUndefined();
    expect(scalar.result).toMatchObject({ simd: false, simdSupported: false, hash: nodeHash });
    expect(full.files).toEqual(['index.js', 'wasm-simd-full.js']);
    expect(full.result.error).toBeUndefined();
    expect(full.result).toMatchObject({ simd: true, simdSupported: true, hash: nodeHash });
  });

  it("runs under a Content-Security-Policy that allows 'wasm-unsafe-eval', and says so when it is missing", async () => {
    const allowed = await open<RecipeResult>('plain.html', { 'content-security-policy': "script-src 'self' 'wasm-unsafe-eval'" });
    expect(allowed.error).toBeUndefined();
    expect(allowed.hash).toBe(nodeHash);
    const refused = await open<RecipeResult>('plain.html', { 'content-security-policy': "script-src 'self'" });
    console.log(`without 'wasm-unsafe-eval': ${JSON.stringify(refused.error)}`);
    expect(refused.error?.code).toBe('UNSUPPORTED_ENGINE');
    expect(refused.error?.message).toMatch(/^VAE\.create: expected .*; this engine refused to compile the simd build .*script-src must allow 'wasm-unsafe-eval'$/);
  });

  it('(d) trains inside a module Worker and posts progress back to the page', async () => {
    const result = await open<RecipeResult & { inWorker: boolean; mainThreadHasVAE: boolean; progress: Array<{ epoch: number; batch: number; batches: number; loss: number }> }>('worker.html');
    console.log(`worker: ${result.progress.length} progress messages, hash ${result.hash}`);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ inWorker: true, mainThreadHasVAE: false, simd: true });
    expect(result.progress).toHaveLength(2 * 6); // 2 epochs of 192 / 32 batches
    expect(result.progress.map((p) => `${p.epoch}:${p.batch}`)).toEqual(
      [1, 2].flatMap((e) => [1, 2, 3, 4, 5, 6].map((b) => `${e}:${b}`)));
    expect(result.progress.every((p) => p.batches === 6 && p.loss > 0)).toBe(true);
    expect(result.hash).toBe(nodeHash);
  });
});

describe('threads in Chromium', () => {
  const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
  type ThreadsResult = RecipeResult & { isolated: boolean; autoThreads: number; threads?: number; explicitError?: { code: string; message: string } };

  it('fall back as documented on a page that is not cross-origin isolated: auto gives 1, threads: 2 names the headers', async () => {
    const result = await open<ThreadsResult>('threads.html');
    console.log(`not isolated: ${JSON.stringify(result)}`);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ isolated: false, autoThreads: 1 });
    expect(result.explicitError?.code).toBe('UNSUPPORTED_ENGINE');
    expect(result.explicitError?.message).toMatch(/^VAE\.create: options\.threads: expected an engine that can run 2 threads; .*Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
  });

  it('train the bytes Node trains on a cross-origin isolated page (fit awaits the pool) and in a Worker (it joins the pool)', async () => {
    const page = await open<ThreadsResult>('threads.html', {}, ISOLATED);
    expect(page.error).toBeUndefined();
    expect(page).toMatchObject({ isolated: true, threads: 2 });
    expect(page.autoThreads).toBeGreaterThanOrEqual(1);
    expect(page.hash).toBe(nodeHash);
    const worker = await open<ThreadsResult & { progress: unknown[] }>('worker.html?threads=3', {}, ISOLATED);
    expect(worker.error).toBeUndefined();
    expect(worker).toMatchObject({ inWorker: true, threads: 3 });
    expect(worker.hash).toBe(nodeHash);
  });
});
