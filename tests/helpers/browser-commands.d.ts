// Commands the Chromium project's tests call into the Node process (defined in vitest.config.ts).
import 'vitest/browser';

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** SHA-256 (hex) of the save() bytes of tests/helpers/recipe.ts, trained in Node. */
    nodeRecipeHash(kind?: 'mlp' | 'conv'): Promise<string>;
  }
}
