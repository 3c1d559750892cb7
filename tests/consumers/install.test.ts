// The package installed as a user installs it: `npm install` of the packed tarball into a fresh project. It must
// add wasm-vae alone (no runtime dependencies), stay small, put only its own command in node_modules/.bin, and
// both its import and its bundled CLI must work with nothing else installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prototypeData } from '../helpers/data.js';
import { packTarball } from './helpers/package.js';

const MAX_INSTALLED_BYTES = 1.5 * 1024 * 1024;
let app: string, npmOutput: string;

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'wasm-vae-install-'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
  const tarball = packTarball(app);
  // --offline: a package without dependencies needs nothing from the registry.
  const npm = spawnSync('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--loglevel', 'warn'], { cwd: app, encoding: 'utf8' });
  npmOutput = npm.stdout + npm.stderr; // npm's warnings go to stderr
  if (npm.status !== 0) throw new Error(`npm install failed: ${npmOutput}`);
}, 120_000);

function diskBytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + diskBytes(join(path, name)), 0);
}

const packages = (dir: string): string[] => readdirSync(dir).filter((name) => !name.startsWith('.'))
  .flatMap((name) => (name.startsWith('@') ? readdirSync(join(dir, name)).map((sub) => `${name}/${sub}`) : [name]));

describe('npm install wasm-vae in a fresh project', () => {
  it('adds one package of at most 1.5 MB, whose only command is wasm-vae, with no install-script warning', () => {
    const modules = join(app, 'node_modules');
    const installed = packages(modules), bytes = diskBytes(join(modules, 'wasm-vae'));
    const bins = readdirSync(join(modules, '.bin'));
    console.log(`installed: ${installed.join(', ')}; ${(bytes / 1024).toFixed(0)} KB on disk; .bin: ${bins.join(', ')}`);
    expect(installed).toEqual(['wasm-vae']);
    expect(bytes).toBeLessThanOrEqual(MAX_INSTALLED_BYTES);
    expect(bins).toEqual(['wasm-vae']);
    expect(npmOutput).not.toMatch(/install script|allowScripts/i);
  });

  it('an import by name trains a step', () => {
    writeFileSync(join(app, 'step.mjs'), `import { VAE } from 'wasm-vae';
const vae = await VAE.create({ inputDim: 16, hiddenDims: [8], latentDim: 2, seed: 3 });
const { loss } = vae.trainStep(new Float32Array(4 * 16).fill(0.5));
console.log(JSON.stringify({ loss, simd: vae.simd }));
vae.dispose();`);
    const result = JSON.parse(execFileSync(process.execPath, ['step.mjs'], { cwd: app, encoding: 'utf8' }));
    expect(result.simd).toBe(true);
    expect(Number.isFinite(result.loss) && result.loss > 0).toBe(true);
  });

  it('its CLI trains and draws its pictures with its dependencies bundled', () => {
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x803, 0); header.writeUInt32BE(64, 4); header.writeUInt32BE(4, 8); header.writeUInt32BE(4, 12);
    const pixels = Buffer.from(Array.from(prototypeData(64, 16), (v) => Math.round(v * 255)));
    writeFileSync(join(app, 'images.idx'), Buffer.concat([header, pixels]));
    execFileSync(join(app, 'node_modules', '.bin', 'wasm-vae'), ['train', '--data', 'images.idx', '--hidden', '8', '--latent', '2',
      '--epochs', '1', '--batch-size', '16', '--out', 'out', '--threads', '1'], { cwd: app, encoding: 'utf8' });
    const written = readdirSync(join(app, 'out'));
    for (const file of ['model.safetensors', 'history.json', 'loss.svg', 'samples.png', 'reconstructions.png']) expect(written).toContain(file);
  }, 60_000);
});
