// Makes docs/demo.png, the README's screenshot: the demo's dev server (as `npm run demo` runs it) in Chromium,
// mid-training on 20,000 digits. Run by hand: npx tsx scripts/demo-screenshot.ts
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/helpers/chromium.js';

const server = await createServer({ configFile: new URL('../demo/vite.config.ts', import.meta.url).pathname, logLevel: 'error', server: { port: 0 } });
await server.listen();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(server.resolvedUrls!.local[0]);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 60_000 });
  await page.selectOption('#examples', '20000');
  await page.fill('#epochs', '40');
  await page.click('#start');
  await page.waitForFunction(() => Number(document.body.dataset.epochs) >= 8, undefined, { timeout: 300_000 });
  // Draw a 3 and interpolate while it trains.
  const box = (await page.locator('#draw').boundingBox())!;
  const at = (x: number, y: number) => page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 8 });
  await at(0.3, 0.2); await page.mouse.down(); await at(0.7, 0.25); await at(0.45, 0.5); await at(0.7, 0.7); await at(0.3, 0.8);
  await page.mouse.up();
  await page.fill('#interp-from', '3'); await page.fill('#interp-to', '2'); await page.click('#interp-go');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: new URL('../docs/demo.png', import.meta.url).pathname });
  console.log(`docs/demo.png: ${await page.textContent('#status')}`);
  if (await page.isEnabled('#stop')) await page.click('#stop');
} finally {
  await browser.close();
  await server.close();
}
