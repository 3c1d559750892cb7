// Two projects run the behaviour tests (kernels, model, VAE API) twice: in Node and in headless Chromium —
// Debian's /usr/bin/chromium, never a downloaded browser. Node-only tests (CLI, the wasm text, the packaged
// consumers, which drive Chromium themselves) run in Node alone.
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import type { BrowserCommand } from 'vitest/node';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './tests/helpers/chromium.js';

const behaviour = ['tests/kernels/**/*.test.ts', 'tests/model/**/*.test.ts', 'tests/vae/**/*.test.ts'];

/** The cross-platform recipe run in Node (the test runner's process): SHA-256 of its save() bytes. */
const nodeRecipeHash: BrowserCommand<[kind?: 'mlp' | 'conv']> = async (ctx, kind) => {
  const recipe = await ctx.project.vite.ssrLoadModule('/tests/helpers/recipe.ts') as typeof import('./tests/helpers/recipe.js');
  return recipe.sha256Hex(await recipe.trainRecipe(kind)); // the same hashing code as the browser side
};

/** A fresh object per project: vitest names each project's browser instance in place. */
const browser = () => ({
  enabled: true,
  headless: true,
  screenshotFailures: false,
  provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
  instances: [{ browser: 'chromium' as const }],
  commands: { nodeRecipeHash },
});

export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      {
        test: { name: 'node', include: [...behaviour, 'tests/data/**/*.test.ts', 'tests/node/**/*.test.ts', 'tests/anomaly/**/*.test.ts', 'tests/consumers/**/*.test.ts', 'tests/demo/**/*.test.ts', 'tests/examples/**/*.test.ts'], testTimeout: 120_000 },
      },
      {
        // The behaviour tests again in Chromium on an engine that pretends to lack SIMD, so 'auto' runs the scalar
        // fallback chunk; threads need SIMD, so their tests run in the other two projects only.
        test: {
          name: 'chromium-scalar',
          include: behaviour,
          exclude: ['tests/vae/threads.test.ts'],
          setupFiles: ['tests/helpers/force-scalar.ts'],
          testTimeout: 120_000,
          browser: browser(),
        },
      },
      {
        // Cross-origin isolated (COOP/COEP), as a page must be for SharedArrayBuffer: the threads tests run here too.
        server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
        test: {
          name: 'chromium',
          include: [...behaviour, 'tests/data/**/*.test.ts'],
          testTimeout: 60_000,
          browser: browser(),
        },
      },
    ],
  },
});
