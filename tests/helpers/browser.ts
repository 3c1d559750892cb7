// A static file server and Debian's headless Chromium, for pages that use the packed package as users would.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.cjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css',
};

export interface StaticServer { url: string; close(): Promise<void> }

/**
 * Serves `root` on a free localhost port; `headers` (e.g. a Content-Security-Policy) go on every HTML page, and
 * `everyResponse` (e.g. COOP/COEP, which a Worker's script needs as much as its page) on every response.
 */
export async function serve(root: string, headers: Record<string, string> = {}, everyResponse: Record<string, string> = {}): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    const file = path.startsWith(root) && existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.html') : path;
    if (!file.startsWith(root) || !existsSync(file)) { res.writeHead(404).end('not found'); return; }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, ...everyResponse, ...(type === 'text/html' ? headers : {}) });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** Opens `url` and waits for the page to set `window.result`; page errors fail the wait with their message. */
export async function pageResult<T>(browser: Browser, url: string, timeoutMs = 60_000): Promise<{ result: T; page: Page }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  try {
    await page.waitForFunction(() => 'result' in window, undefined, { timeout: timeoutMs });
  } catch (error) {
    throw new Error(`${url}: no window.result (${(error as Error).message}); page errors: ${errors.join(' | ') || 'none'}`);
  }
  return { result: await page.evaluate(() => (window as unknown as { result: T }).result), page };
}
