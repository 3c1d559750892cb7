// Bit-identical training across platforms: one seed, data and sequence of steps give the same save() bytes.
// In Chromium the test compares its own SHA-256 with the one the same recipe gives in Node (the test runner's
// process, through a browser command). Both projects also check that the recipe is reproducible in-process.
import { describe, expect, it } from 'vitest';
import { sha256Hex, trainRecipe } from '../helpers/recipe.js';

const inBrowser = typeof window !== 'undefined';

describe('save() bytes across platforms', () => {
  it('a second run of the recipe in the same process gives the same bytes', async () => {
    expect(await sha256Hex(await trainRecipe()))
      .toBe(await sha256Hex(await trainRecipe()));
  });

  it.runIf(inBrowser).each(['mlp', 'conv'] as const)('Chromium trains the same bytes as Node (SHA-256): %s', async (kind) => {
    const { commands } = await import('vitest/browser');
    const browserHash = await sha256Hex(await trainRecipe(kind));
    const nodeHash = await commands.nodeRecipeHash(kind);
    console.log(`${kind} recipe SHA-256 in Chromium ${browserHash}, in Node ${nodeHash}`);
    expect(browserHash).toMatch(/^[0-9a-f]{64}$/);
    expect(browserHash).toBe(nodeHash);
  });

  it('the two recipes differ (the comparison can fail)', async () => {
    expect(await sha256Hex(await trainRecipe('conv'))).not.toBe(await sha256Hex(await trainRecipe('mlp')));
  });
});
