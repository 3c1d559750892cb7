// Checkpoints that survive faults: `wasm-vae train` is killed with SIGKILL at several moments (fixed and
// random), then continued with --resume; each run must end with the bytes of a run never interrupted. The
// checkpoint present after a kill must always load (atomic writes: a kill never leaves a torn file).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { prototypeData, sameBytes } from '../helpers/data.js';

const BIN = new URL('../../bin/wasm-vae.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-kill-'));
const trainPath = join(dir, 'train.idx'), testPath = join(dir, 'test.idx');

function writeIdx(path: string, count: number, values: Float32Array): void {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(count, 4); header.writeUInt32BE(28, 8); header.writeUInt32BE(28, 12);
  writeFileSync(path, Buffer.concat([header, Buffer.from(Array.from(values, (v) => Math.round(v * 255)))]));
}

// One thread: the kill points are fractions of an uninterrupted run's time, which a pool's start-up and the
// scheduling of two threads on two shared cores would make far less even between runs.
const ONE_THREAD = ['--threads', '1'];
const runArgs = (out: string) => ['train', '--data', trainPath, '--test-data', testPath, '--epochs', '3', '--batch-size', '32',
  '--hidden', '64', '--latent', '8', '--seed', '5', '--checkpoint-every', '7', '--out', out, ...ONE_THREAD];

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; /** ms from the first line to exit */ ms: number }

/** Runs the CLI; `interrupt` sends `signal` that many ms after the run prints its first line (null: never). */
function cli(args: string[], interrupt: number | null = null, signal: NodeJS.Signals = 'SIGKILL'): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', started = 0;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (started === 0 && stdout.includes('\n')) {
        started = performance.now();
        if (interrupt !== null) setTimeout(() => child.kill(signal), interrupt);
      }
    });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code, sig) => {
      if (code !== 0 && sig === null) reject(new Error(`wasm-vae exited with ${code}: ${stderr}`));
      else resolve({ code, signal: sig, stdout, ms: performance.now() - started });
    });
  });
}

/** Interrupts at each delay in turn (resuming in between), then lets the last resume finish; the final model. */
async function interruptedRun(name: string, delays: number[], signal: NodeJS.Signals = 'SIGKILL'): Promise<{ model: Uint8Array; notes: string[]; midRun: number }> {
  const out = join(dir, name), checkpoint = join(out, 'checkpoint.safetensors');
  const notes: string[] = [];
  let midRun = 0; // kills that hit a run in progress with a checkpoint on disk
  for (const delay of delays) {
    const args = existsSync(checkpoint) ? ['train', '--resume', checkpoint, ...ONE_THREAD] : runArgs(out);
    const run = await cli(args, delay, signal);
    if (existsSync(checkpoint)) {
      const vae = await VAE.load(readFileSync(checkpoint)); // whole, whatever the moment of the kill
      vae.dispose();
    }
    const epochs = (run.stdout.match(/^epoch \d\/3 /gm) ?? []).length;
    if (run.signal !== null && existsSync(checkpoint)) midRun++;
    notes.push(`${signal} at +${delay} ms → ${run.signal ?? `exit ${run.code}`} after ${epochs} epoch lines; ` +
      `checkpoint ${existsSync(checkpoint) ? 'present' : 'absent'}`);
  }
  await cli(existsSync(checkpoint) ? ['train', '--resume', checkpoint, ...ONE_THREAD] : runArgs(out));
  return { model: readFileSync(join(out, 'model.safetensors')), notes, midRun };
}

describe('wasm-vae train: checkpoints survive kills', () => {
  writeIdx(trainPath, 2000, prototypeData(2000, 784));
  writeIdx(testPath, 200, prototypeData(200, 784, 2));

  it('SIGKILL at fixed and random moments, then --resume, ends with the bytes of an uninterrupted run', async () => {
    const straight = await cli(runArgs(join(dir, 'straight')));
    const reference = readFileSync(join(dir, 'straight', 'model.safetensors'));
    // Kill points as fractions of the uninterrupted run's time, so they land in the same phases on any machine.
    const at = (fraction: number) => Math.round(fraction * straight.ms);
    const random = Array.from({ length: 3 }, () => at(Math.random() * 0.9));
    const plans: Array<[string, number[]]> = [
      ['start', [0]], ['5%', [at(0.05)]], ['30%', [at(0.3)]], ['55%', [at(0.55)]], ['85%', [at(0.85)]],
      ['twice', [at(0.2), at(0.25)]], ['random', random],
    ];
    const log: string[] = [];
    let midRun = 0;
    for (const [name, delays] of plans) {
      const result = await interruptedRun(name, delays);
      midRun += result.midRun;
      const same = sameBytes(result.model, reference);
      log.push(`${name}: ${result.notes.join(' | ')} → ${same ? 'same bytes' : 'DIFFERENT bytes'}`);
      expect(same, `${name}: ${result.notes.join(' | ')}`).toBe(true);
    }
    console.log(`kill-and-resume (uninterrupted run ${straight.ms.toFixed(0)} ms; 3 epochs of 63 batches, checkpoint every 7):\n  ${log.join('\n  ')}`);
    expect(midRun).toBeGreaterThanOrEqual(4); // most kills really interrupted training after a checkpoint
  }, 240_000);

  it('Ctrl-C (SIGINT) stops at a batch boundary, writes the checkpoint and says how to resume', async () => {
    const straight = readFileSync(join(dir, 'straight', 'model.safetensors'));
    const out = join(dir, 'sigint');
    const run = await cli(runArgs(out), 200, 'SIGINT');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/checkpoint written: continue with {2}wasm-vae train --resume .*checkpoint\.safetensors/);
    const resumed = await cli(['train', '--resume', join(out, 'checkpoint.safetensors'), '--epochs', '3']);
    expect(resumed.stdout).toMatch(/^resuming .* after \d complete epochs$/m);
    expect(sameBytes(readFileSync(join(out, 'model.safetensors')), straight)).toBe(true);
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')).history;
    expect(history.map((h: { epoch: number }) => h.epoch)).toEqual([1, 2, 3]);
  }, 60_000);

  it('refuses to change the run on resume, and says why a file is not a checkpoint', async () => {
    const checkpoint = join(dir, 'straight', 'checkpoint.safetensors');
    await expect(cli(['train', '--resume', checkpoint, '--lr', '0.1'])).rejects.toThrow(/only --out, --epochs, --checkpoint-every and --threads may be given with it, not --lr/);
    await expect(cli(['train', '--resume', join(dir, 'straight', 'model.safetensors')])).rejects.toThrow(/is not a checkpoint of wasm-vae train/);
  }, 60_000);
});
