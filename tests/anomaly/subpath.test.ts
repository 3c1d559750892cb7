// The package subpath wasm-vae/anomaly as built (dist/anomaly.js and .cjs, resolved through package.json's exports by
// self-reference): it loads in ESM and CommonJS, throws the main import's VAEError class, and none of its code is in
// the main bundle. Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = (args: string[]) => JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }));

describe('wasm-vae/anomaly', () => {
  it('imports as ESM and throws the VAEError class of wasm-vae', () => {
    const out = run(['--input-type=module', '-e', `import { threshold, rocAuc, precisionRecall } from 'wasm-vae/anomaly';
import { VAEError } from 'wasm-vae';
let error; try { threshold([], { contamination: 0.01 }); } catch (e) { error = e; }
console.log(JSON.stringify({ same: error instanceof VAEError, code: error.code, auc: rocAuc([1, 2, 3], [0, 1, 1]),
  t: threshold([1, 2, 3, 4, 5], { contamination: 0.25 }), recall: precisionRecall([1, 5], [1, 1], 2).recall }));`]);
    expect(out).toEqual({ same: true, code: 'INVALID_ARGUMENT', auc: 1, t: 4, recall: 0.5 });
  });

  it('requires as CommonJS and throws the VAEError class of wasm-vae', () => {
    const out = run(['-e', `const { threshold } = require('wasm-vae/anomaly'); const { VAEError } = require('wasm-vae');
let error; try { threshold([1, 2], { falsePositiveRate: 2 }); } catch (e) { error = e; }
console.log(JSON.stringify({ same: error instanceof VAEError, message: error.message }));`]);
    expect(out).toEqual({ same: true, message: 'threshold: options.falsePositiveRate must be a number in (0, 1); received 2' });
  });

  it('is not in the main bundle', () => {
    for (const file of ['dist/index.js', 'dist/index.cjs']) {
      const text = readFileSync(`${root}${file}`, 'utf8');
      expect(text).not.toContain('precisionRecall');
      expect(text).not.toContain('falsePositiveRate');
    }
  });
});
