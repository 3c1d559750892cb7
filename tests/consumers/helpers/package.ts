// The package as users get it: `npm pack` of this repository (its `files` whitelist, its built dist/),
// unpacked into a fresh app's node_modules, next to the consumer fixtures.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Packs the repository (dist/ must be built: `npm test` builds it first) and returns the tarball's path. */
export function packTarball(into: string): string {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', into], { cwd: repoRoot, encoding: 'utf8' });
  const [{ filename }] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string }>;
  return join(into, filename);
}

/** The files a tarball holds, relative to the package root. */
export function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
}

/**
 * A fresh app directory: a package.json that depends on the tarball, the fixtures, and node_modules/wasm-vae
 * unpacked from the tarball as `npm install` would place it (the bundles need none of its dependencies).
 */
export function makeApp(name: string): { dir: string; tarball: string } {
  const dir = mkdtempSync(join(tmpdir(), `wasm-vae-${name}-`));
  const tarball = packTarball(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: `wasm-vae-consumer-${name}`, private: true, dependencies: { 'wasm-vae': `file:./${basename(tarball)}` },
  }, null, 2));
  const pkg = join(dir, 'node_modules', 'wasm-vae');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
  for (const file of readdirSync(fixtures)) cpSync(join(fixtures, file), join(dir, file), { recursive: true });
  return { dir, tarball };
}
