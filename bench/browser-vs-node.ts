// Training speed in headless Chromium against Node on the same machine, same bundle (dist/index.js), same
// benchmark.js measurements (bench/browser/train-speed.mjs). Rounds alternate between the two so that the
// machine's noise falls on both; each figure is the median over rounds of each round's median.
import Benchmark from 'benchmark';
import { fileURLToPath } from 'node:url';
import { launchChromium, serve } from '../tests/helpers/browser.js';
import * as speed from './browser/train-speed.mjs';
import { median } from './stats.js';

export type Measurement = 'measureTrainStep' | 'measureFitEpoch';
export interface BrowserVsNode { nodeMs: number; chromiumMs: number; ratio: number; rounds: Array<{ nodeMs: number; chromiumMs: number }> }

/** Milliseconds per training step of each measurement, in Node and in Chromium. */
export async function browserVsNode(measurements: Measurement[], rounds = 3, maxTime = 6): Promise<Record<Measurement, BrowserVsNode>> {
  const { VAE } = await import(new URL('../dist/index.js', import.meta.url).href) as typeof import('../src/index.js');
  const server = await serve(fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, ''));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/bench/browser/page.html`);
    await page.waitForFunction(() => 'ready' in window);
    const results = {} as Record<Measurement, BrowserVsNode>;
    for (const name of measurements) {
      const samples: BrowserVsNode['rounds'] = [];
      for (let r = 0; r < rounds; r++) {
        const nodeMs = 1000 * median(await speed[name](VAE, Benchmark, maxTime));
        const chromiumMs = 1000 * median(await page.evaluate(([n, t]) =>
          (window as unknown as { measure(n: string, t: number): Promise<number[]> }).measure(n, t), [name, maxTime] as const));
        samples.push({ nodeMs, chromiumMs });
        console.log(`  ${name} round ${r + 1}: Node ${nodeMs.toFixed(2)} ms/step, Chromium ${chromiumMs.toFixed(2)} ms/step`);
      }
      const nodeMs = median(samples.map((x) => x.nodeMs)), chromiumMs = median(samples.map((x) => x.chromiumMs));
      results[name] = { nodeMs, chromiumMs, ratio: chromiumMs / nodeMs, rounds: samples };
    }
    return results;
  } finally {
    await browser.close();
    await server.close();
  }
}
