// examples/browser-worker, as a user builds it: copied into a fresh app that has the packed package, built with
// Vite using the example's own vite.config.js, served, and driven in Chromium until the page says it is done.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serve, type StaticServer } from '../helpers/browser.js';
import { makeApp, repoRoot } from '../consumers/helpers/package.js';

const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
let browser: Browser, outDir: string;
const servers: StaticServer[] = [];

beforeAll(async () => {
  const app = makeApp('example-browser');
  const root = join(app.dir, 'browser-worker');
  cpSync(join(repoRoot, 'examples/browser-worker'), root, { recursive: true });
  outDir = join(root, 'dist');
  await build({ root, configFile: join(root, 'vite.config.js'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

interface PageState { state: string; batches: number; status: string; log: string[]; samplesWidth: number; inkedPixels: number; modelBytes: number }

/**
 * Opens the built example and returns what it shows once its body's data-state is 'done' or 'error'. Progress is
 * checked without racing the training: the page counts each batch message as it arrives (data-batches), and the
 * 'done' message comes after all of them, so a full count at 'done' means every progress message reached the page.
 */
async function run(everyResponse: Record<string, string>): Promise<PageState> {
  const server = await serve(outDir, {}, everyResponse);
  servers.push(server);
  const page: Page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), undefined, { timeout: 120_000 });
  const shown = await page.evaluate(async (): Promise<PageState> => {
    const canvas = document.getElementById('samples') as HTMLCanvasElement;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let inkedPixels = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i] > 128) inkedPixels++;
    const href = (document.getElementById('download') as HTMLAnchorElement).href;
    const modelBytes = href ? (await (await fetch(href)).arrayBuffer()).byteLength : 0;
    return {
      state: document.body.dataset.state!, batches: Number(document.body.dataset.batches), status: document.getElementById('status')!.textContent!,
      log: document.getElementById('log')!.textContent!.trim().split('\n'), samplesWidth: canvas.width, inkedPixels, modelBytes,
    };
  });
  expect(errors).toEqual([]);
  return shown;
}

function checkTrained(shown: PageState): void {
  expect(shown.state, shown.status).toBe('done');
  expect(shown.batches).toBe(10 * Math.ceil(2000 / 32)); // every batch's progress message, counted before 'done'
  expect(shown.log).toHaveLength(10);
  const losses = shown.log.map((line) => Number(/loss ([\d.]+)/.exec(line)![1]));
  expect(losses[9]).toBeLessThan(losses[0]);
  expect(shown.samplesWidth).toBe(8 * 9 + 1);
  expect(shown.inkedPixels).toBeGreaterThan(0);
  expect(shown.modelBytes).toBeGreaterThan(1000);
}

describe('examples/browser-worker', () => {
  it('trains in a module Worker with progress on the page, on every core when served cross-origin isolated', async () => {
    const shown = await run(ISOLATED);
    console.log(`isolated: ${shown.status}\n${shown.log.join('\n')}`);
    checkTrained(shown);
    expect(shown.status).toMatch(/SIMD WebAssembly, \d+ threads?\. Done\.$/);
  });

  it('trains on one thread, and says why, when served without COOP/COEP', async () => {
    const shown = await run({});
    console.log(`not isolated: ${shown.status}`);
    checkTrained(shown);
    expect(shown.status).toMatch(/1 thread \(the page is not cross-origin isolated\)\. Done\.$/);
  });
});
