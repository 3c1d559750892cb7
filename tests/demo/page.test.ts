// The demo page, built as a static site (npm run build:demo) and served by a plain static file server, driven in
// Debian's Chromium by Playwright: train on a small subset, stop, check the chart and the pictures, draw a digit,
// save, reload, load the file and see the same samples; screenshots at desktop and phone width.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serve, type StaticServer } from '../helpers/browser.js';

const root = new URL('../../', import.meta.url).pathname;
const outDir = mkdtempSync(join(tmpdir(), 'wasm-vae-demo-'));
export const SCREENSHOTS = join(tmpdir(), 'wasm-vae-demo-screenshots');
let browser: Browser, server: StaticServer;

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts/demo-data.js')]);
  await build({ configFile: join(root, 'demo/vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  // The headers the demo's own servers send (demo/vite.config.ts): cross-origin isolated, so it trains on every core.
  server = await serve(outDir, {}, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
  browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 120_000);
afterAll(async () => { await browser?.close(); await server?.close(); });

/** Pixel variance of a canvas (0 for a blank one) and a fingerprint of its pixels. */
function canvasStats(page: Page, id: string): Promise<{ variance: number; width: number; hash: string }> {
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0, sq = 0, hash = 0;
    for (let i = 0; i < d.length; i += 4) { sum += d[i]; sq += d[i] * d[i]; hash = (Math.imul(hash, 31) + d[i]) | 0; }
    const n = d.length / 4, mean = sum / n;
    return { variance: sq / n - mean * mean, width: canvas.width, hash: String(hash) };
  }, id);
}

async function openPage(width = 1280, height = 800, query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/${query}`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 60_000 });
  expect(errors).toEqual([]);
  return page;
}

describe('the demo page (static build)', () => {
  it('trains in a Worker, shows its chart and pictures, reconstructs a drawing, and saves and reloads the model', async () => {
    const page = await openPage();
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true); // served with COOP/COEP: it trains on every core
    await page.selectOption('#examples', '1000');
    await page.fill('#epochs', '100'); // far more than the test waits for: Stop ends it
    await page.click('#start');
    await page.waitForFunction(() => Number(document.body.dataset.epochs) >= 2, undefined, { timeout: 90_000 });
    await page.click('#stop');
    await page.waitForFunction(() => document.body.dataset.state === 'idle', undefined, { timeout: 30_000 });
    const status = await page.textContent('#status');
    expect(status).toMatch(/^Stopped after \d+ epochs?\.$/);
    expect(Number(await page.getAttribute('#chart', 'data-points'))).toBeGreaterThanOrEqual(2);
    expect(await page.textContent('#build')).toMatch(/^build: SIMD WebAssembly, [2-8] threads$/); // 'auto': the cores, at most 8
    expect(await page.textContent('#speed')).toMatch(/^[\d,]+ images\/s$/);
    expect(await page.textContent('#step-time')).toMatch(/^\d+\.\d ms per step$/);
    for (const id of ['reconstructions', 'samples', 'manifold']) {
      const stats = await canvasStats(page, id);
      console.log(`demo: #${id} ${stats.width} px wide, pixel variance ${stats.variance.toFixed(0)}`);
      expect(stats.variance).toBeGreaterThan(100);
    }

    // Draw a stroke: the reconstruction appears.
    expect((await canvasStats(page, 'draw-reconstruction')).variance).toBe(0);
    const box = (await page.locator('#draw').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.8, { steps: 12 });
    await page.mouse.up();
    await page.waitForFunction(() => {
      const c = document.getElementById('draw-reconstruction') as HTMLCanvasElement;
      return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 0 && v > 60);
    }, undefined, { timeout: 10_000 });

    await page.fill('#interp-from', '3');
    await page.fill('#interp-to', '4');
    await page.click('#interp-go');
    // Wait for the strip itself: an undrawn canvas is already 300 px wide, so its width says nothing.
    await page.waitForFunction(() => {
      const c = document.getElementById('interpolation') as HTMLCanvasElement;
      return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 0 && v > 60);
    }, undefined, { timeout: 10_000 });
    expect((await canvasStats(page, 'interpolation')).variance).toBeGreaterThan(100);
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-1280x800.png'), fullPage: true });

    // Save, reload the page, load the file: the same samples, pixel for pixel.
    const samples = await canvasStats(page, 'samples');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    const file = join(outDir, 'saved.safetensors');
    await download.saveAs(file);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 60_000 });
    await page.setInputFiles('#load', file);
    await page.waitForFunction(() => document.body.dataset.state === 'idle', undefined, { timeout: 30_000 });
    expect(await page.textContent('#status')).toMatch(/Model loaded/);
    expect((await canvasStats(page, 'samples')).hash).toBe(samples.hash);
    expect((await canvasStats(page, 'manifold')).variance).toBeGreaterThan(100);
    await page.close();
  }, 180_000);

  it('trains the convolutional model: its layers, speed and pictures are shown', async () => {
    const page = await openPage();
    expect(await page.isVisible('#hidden-label')).toBe(true);
    await page.selectOption('#architecture', 'conv');
    expect(await page.isHidden('#hidden-label')).toBe(true); // the MLP's widths do not apply
    expect(await page.isVisible('#conv-info')).toBe(true);
    await page.selectOption('#examples', '1000'); // 8 steps of 128
    await page.fill('#epochs', '1');
    await page.click('#start');
    await page.waitForFunction(() => document.body.dataset.state === 'idle', undefined, { timeout: 120_000 });
    expect(await page.textContent('#status')).toBe('Done: 1 epoch.');
    expect(await page.textContent('#model-info')).toMatch(/^model conv c32-c64-z2-d3136-t32-t1, bernoulli, 88,?645 parameters$/);
    const speed = [await page.textContent('#speed'), await page.textContent('#step-time'), await page.textContent('#epoch-time')];
    console.log(`demo: conv ${speed.join(', ')}`);
    expect(speed[0]).toMatch(/^[\d,]+ images\/s$/);
    expect(speed[1]).toMatch(/^\d+\.\d ms per step$/);
    expect(speed[2]).toMatch(/^\d+\.\d s per epoch$/);
    expect(Number(await page.getAttribute('#chart', 'data-points'))).toBe(1);
    // The pictures are the conv model's: drawn grids (an undrawn canvas is 300 px wide), reconstructions with content.
    const samples = await canvasStats(page, 'samples'), pairs = await canvasStats(page, 'reconstructions');
    console.log(`demo: conv #samples pixel variance ${samples.variance.toFixed(0)}, #reconstructions ${pairs.variance.toFixed(0)}`);
    expect(samples.width).toBe(8 * 30 + 2);
    expect(pairs.width).toBe(8 * 30 + 2);
    expect(pairs.variance).toBeGreaterThan(100);
    expect(samples.variance).toBeGreaterThan(100); // the seed fixes the 8 steps: not blank
    expect((await canvasStats(page, 'manifold')).variance).toBeGreaterThan(100); // the 2-D latent grid
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-conv-1280x800.png'), fullPage: true });
    await page.close();
  }, 180_000);

  it('lays out at a phone width, runs the scalar fallback, loads a PyTorch state dict, and reports a bad file', async () => {
    const page = await openPage(390, 844, '?build=scalar');
    expect(await page.textContent('#build')).toBe('build: scalar WebAssembly');
    await page.setInputFiles('#load', { name: 'bad.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model') });
    await page.waitForFunction(() => /Error: VAE\.load: expected a safetensors file/.test(document.getElementById('status')!.textContent ?? ''));
    // A pytorch/examples state dict (the interop fixture, 784-32-4): shown without training.
    await page.setInputFiles('#load', join(root, 'tests/fixtures/pytorch-examples-vae.safetensors'));
    await page.waitForFunction(() => /Model loaded/.test(document.getElementById('status')!.textContent ?? ''));
    expect(await page.textContent('#model-info')).toMatch(/^model 784-32-4, bernoulli, 51,?\d{3} parameters$/);
    expect((await canvasStats(page, 'samples')).variance).toBeGreaterThan(100);
    expect((await canvasStats(page, 'manifold')).variance).toBeGreaterThan(100); // a scatter of the 4-d means
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0); // nothing wider than the phone
    await page.selectOption('#examples', '1000');
    await page.fill('#epochs', '1');
    await page.fill('#latent', '8');
    await page.check('#conditional');
    await page.click('#start');
    await page.waitForFunction(() => document.body.dataset.state === 'idle', undefined, { timeout: 60_000 });
    expect(await page.isHidden('#manifold-class-label')).toBe(true); // 8-D latent: a scatter, not a grid
    expect((await canvasStats(page, 'manifold')).variance).toBeGreaterThan(100);
    expect((await canvasStats(page, 'samples')).width).toBe(8 * 30 + 2); // 8 columns
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-390x844.png'), fullPage: true });
    await page.close();
  }, 120_000);
});
