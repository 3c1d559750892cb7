// examples/pytorch-import: the Node half runs on the committed state dict that the Python half wrote; the Python
// half runs too where some Python has torch (a peer for fixtures, not a dependency), then both halves again.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeApp, repoRoot } from '../consumers/helpers/package.js';

const EXAMPLE = join(repoRoot, 'examples/pytorch-import');
const torchPython = [process.env.PYTHON, 'python3', '/usr/bin/python3']
  .find((p) => p !== undefined && spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);

let dir: string;
beforeAll(() => {
  dir = join(makeApp('example-pytorch').dir, 'pytorch-import');
  mkdirSync(dir);
  for (const f of ['load.mjs', 'train_pytorch.py', 'vae.safetensors', 'decoded.json']) cpSync(join(EXAMPLE, f), join(dir, f));
});

/** Runs load.mjs on `from` and returns the max difference it printed and what it wrote. */
function loadInNode(...args: string[]): { out: string; maxDifference: number } {
  const out = execFileSync(process.execPath, ['load.mjs', ...args], { cwd: dir, encoding: 'utf8' });
  console.log(out);
  const match = /max difference from PyTorch: (\S+)$/m.exec(out);
  expect(match, out).not.toBeNull();
  return { out, maxDifference: Number(match![1]) };
}

describe('examples/pytorch-import', () => {
  it('load.mjs loads the committed pytorch/examples state dict and decodes what PyTorch decoded', () => {
    const { out, maxDifference } = loadInNode();
    expect(out).toContain('loaded: {"inputDim":64,"hiddenDims":[32],"latentDim":4,"activation":"relu","likelihood":"bernoulli"');
    expect(maxDifference).toBeLessThan(1e-5);
    const back = readFileSync(join(dir, 'from-wasm-vae.safetensors'));
    const header = JSON.parse(back.subarray(8, 8 + Number(back.readBigUInt64LE(0))).toString());
    expect(Object.keys(header).filter((k) => k !== '__metadata__').sort()).toEqual(
      ['fc1', 'fc21', 'fc22', 'fc3', 'fc4'].flatMap((l) => [`${l}.bias`, `${l}.weight`]).sort());
  });

  it.skipIf(torchPython === undefined)('train_pytorch.py trains and saves a state dict that load.mjs reads, and PyTorch loads ours back strictly', () => {
    const fresh = join(dir, 'fresh');
    const trained = execFileSync(torchPython!, ['train_pytorch.py', '--out', fresh], { cwd: dir, encoding: 'utf8' });
    console.log(trained);
    expect(trained).toMatch(/^epoch 10: loss [\d.]+ nats per picture$/m);
    expect(loadInNode(fresh).maxDifference).toBeLessThan(1e-5);
    const checked = execFileSync(torchPython!, ['train_pytorch.py', '--check', join(fresh, 'from-wasm-vae.safetensors')], { cwd: dir, encoding: 'utf8' });
    expect(checked).toContain('load_state_dict(strict=True) accepted it');
  });
});
