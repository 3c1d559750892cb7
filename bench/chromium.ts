// The Chromium half of `npm run bench`: serves the repository, opens bench/browser/suites.html in Debian's
// headless Chromium and runs the portable suites there (the same code, bundle, wasm and MNIST file as Node).
import { fileURLToPath } from 'node:url';
import { launchChromium, serve } from '../tests/helpers/browser.js';

export interface ChromiumSuites { rows: Array<Record<string, unknown>>; userAgent: string; cores: number; version: string }

export async function runChromiumSuites(options: { maxTime: number; tfjsSteps: number; epochs: number }): Promise<ChromiumSuites> {
  // Cross-origin isolated, so that the page can run threads (SharedArrayBuffer).
  const server = await serve(fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, ''), {},
    { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/bench/browser/suites.html`);
    await page.waitForFunction(() => 'ready' in window, undefined, { timeout: 30_000 }).catch(() => {
      throw new Error(`bench: the Chromium suites page did not load: ${errors.join(' | ') || 'no page error'}`);
    });
    const result = await page.evaluate((o) =>
      (window as unknown as { runSuites(o: unknown): Promise<Omit<ChromiumSuites, 'version'>> }).runSuites(o), options);
    return { ...result, version: browser.version() };
  } finally {
    await browser.close();
    await server.close();
  }
}
