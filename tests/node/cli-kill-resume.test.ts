// Checkpoints and outputs that survive faults. `wasm-vae train` is killed (SIGKILL) or interrupted (SIGINT,
// SIGTERM) at observable moments — a line printed, a file appearing — or at random fractions of a measured
// uninterrupted run, then continued with --resume; each run must end with the bytes of a run never interrupted,
// and an interrupted run must exit 0 with every output whole. No signal is placed a fixed number of ms after
// anything, so the tests hold on machines of any speed. KILL_TEST_IMAGES (default 2000) scales the run's length.
import { readdirSync, readFileSync } from 'node:fs';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { prototypeData, sameBytes } from '../helpers/data.js';
import { run, start, writeIdx, type Exit, type Running } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-kill-'));
const trainPath = join(dir, 'train.idx'), testPath = join(dir, 'test.idx');
const IMAGES = Number(process.env.KILL_TEST_IMAGES ?? 2000);
const OUTPUTS = ['model.safetensors', 'history.json', 'loss.svg', 'samples.png', 'reconstructions.png', 'checkpoint.safetensors'];

// One thread keeps a run's phases in the same order and proportions from run to run.
const ONE_THREAD = ['--threads', '1'];
const runArgs = (out: string) => ['train', '--data', trainPath, '--test-data', testPath, '--epochs', '3', '--batch-size', '32',
  '--hidden', '64', '--latent', '8', '--seed', '5', '--checkpoint-every', '7', '--out', out, ...ONE_THREAD];
const resumeArgs = (out: string) => ['train', '--resume', join(out, 'checkpoint.safetensors'), ...ONE_THREAD];

/** A moment of a run, as an observable state (or, for `fraction`, a share of the measured uninterrupted run). */
type Moment = { line: RegExp } | { file: string } | { fraction: number };

async function reach(running: Running, out: string, moment: Moment, straightMs: number): Promise<void> {
  if ('line' in moment) await running.line(moment.line);
  else if ('file' in moment) await running.file(join(out, moment.file));
  else await new Promise((resolve) => setTimeout(resolve, moment.fraction * straightMs));
}

/** Every file in `out` is whole: no temporary file or lock left, and each output parses. */
async function expectWhole(out: string, required: string[] = []): Promise<void> {
  const names = readdirSync(out);
  expect(names.filter((n) => n.startsWith('.')), `leftovers in ${out}`).toEqual([]);
  for (const name of required) expect(names, `${name} in ${out}`).toContain(name);
  for (const name of names) {
    const bytes = readFileSync(join(out, name));
    if (name.endsWith('.safetensors')) (await VAE.load(bytes)).dispose();
    else if (name.endsWith('.json')) expect(JSON.parse(bytes.toString('utf8')).history).toBeInstanceOf(Array);
    else if (name.endsWith('.svg')) expect(bytes.toString('utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    else if (name.endsWith('.png')) expect(PNG.sync.read(bytes).width).toBeGreaterThan(0);
  }
}

describe('wasm-vae train: checkpoints and outputs survive kills and Ctrl-C', () => {
  writeIdx(trainPath, IMAGES, prototypeData(IMAGES, 784));
  writeIdx(testPath, 200, prototypeData(200, 784, 2));
  let straight: Exit;
  let reference: Uint8Array;
  const straightRun = async () => {
    straight ??= await run(runArgs(join(dir, 'straight')));
    reference ??= readFileSync(join(dir, 'straight', 'model.safetensors'));
  };

  it('SIGKILL at observable moments and random ones, then --resume, ends with the bytes of an uninterrupted run', async () => {
    await straightRun();
    const plans: Array<[string, Moment[], boolean]> = [ // name, a kill per run, and whether the first kill must land mid-training
      ['first line', [{ line: /^wasm-vae: / }], false],
      ['first checkpoint', [{ file: 'checkpoint.safetensors' }], true],
      ['epoch 1', [{ line: /^epoch 1\/3 / }], true],
      ['epoch 2', [{ line: /^epoch 2\/3 / }], false],
      ['final writes', [{ line: /^epoch 3\/3 / }], false],
      ['model written', [{ file: 'model.safetensors' }], false],
      ['twice', [{ line: /^epoch 1\/3 / }, { line: /^resuming / }], true],
      ['random', Array.from({ length: 3 }, () => ({ fraction: Math.random() })), false],
    ];
    const log: string[] = [];
    for (const [name, moments, midTraining] of plans) {
      const out = join(dir, `kill-${name.replace(/ /g, '-')}`), checkpoint = join(out, 'checkpoint.safetensors');
      const notes: string[] = [];
      for (const [k, moment] of moments.entries()) {
        const running = start(existsSync(checkpoint) ? resumeArgs(out) : runArgs(out));
        await reach(running, out, moment, straight.ms).catch(() => undefined); // a run may end before a random moment
        running.child.kill('SIGKILL');
        const result = await running.exit;
        if (existsSync(checkpoint)) (await VAE.load(readFileSync(checkpoint))).dispose(); // whole, whatever the moment
        if (k === 0 && midTraining) expect(result.signal, `${name}: the kill landed mid-training`).toBe('SIGKILL');
        notes.push(`${JSON.stringify(moment, (_, v) => v instanceof RegExp ? v.source : v)} → ${result.signal ?? `exit ${result.code}`}, ` +
          `${(result.stdout.match(/^epoch \d\/3 /gm) ?? []).length} epoch lines, checkpoint ${existsSync(checkpoint) ? 'present' : 'absent'}`);
      }
      await run(existsSync(checkpoint) ? resumeArgs(out) : runArgs(out));
      const same = sameBytes(readFileSync(join(out, 'model.safetensors')), reference);
      log.push(`${name}: ${notes.join(' | ')} → ${same ? 'same bytes' : 'DIFFERENT bytes'}`);
      expect(same, `${name}: ${notes.join(' | ')}`).toBe(true);
      await expectWhole(out, OUTPUTS);
    }
    console.log(`kill-and-resume (uninterrupted run ${straight.ms.toFixed(0)} ms, ${IMAGES} images):\n  ${log.join('\n  ')}`);
  }, 300_000);

  it('Ctrl-C (SIGINT) in training stops at a batch boundary, exits 0, writes the checkpoint and says how to resume', async () => {
    await straightRun();
    const out = join(dir, 'sigint');
    const running = start(runArgs(out));
    await running.line(/^epoch 1\/3 /);
    running.child.kill('SIGINT');
    const result = await running.exit;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/stopping after this batch/);
    expect(result.stdout).toMatch(/checkpoint written: continue with {2}wasm-vae train --resume .*checkpoint\.safetensors/);
    await expectWhole(out, OUTPUTS);
    const resumed = await run(['train', '--resume', join(out, 'checkpoint.safetensors'), '--epochs', '3']);
    expect(resumed.stdout).toMatch(/^resuming .* after \d complete epochs$/m);
    expect(sameBytes(readFileSync(join(out, 'model.safetensors')), reference)).toBe(true);
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')).history;
    expect(history.map((h: { epoch: number }) => h.epoch)).toEqual([1, 2, 3]);
  }, 120_000);

  // From the moment given until the process ends, SIGINT and SIGTERM alternate on every millisecond timer tick:
  // whatever instant of the final writes they land in, the run finishes them, says so, and exits 0.
  async function signalUntilExit(name: string, moment: Moment): Promise<Exit> {
    const out = join(dir, name);
    const running = start(runArgs(out));
    await reach(running, out, moment, 0);
    let sent = 0;
    const ticking = setInterval(() => { running.child.kill(sent++ % 2 ? 'SIGTERM' : 'SIGINT'); }, 1);
    const result = await running.exit.finally(() => clearInterval(ticking));
    expect(result.signal, `${name}: killed by a signal after ${sent} sent`).toBe(null);
    expect(result.code, result.stderr).toBe(0);
    await expectWhole(out, OUTPUTS);
    expect(sameBytes(readFileSync(join(out, 'model.safetensors')), reference)).toBe(true); // training had ended
    return result;
  }

  it('signals from the last epoch line to the end (the final writes) neither kill nor tear a file: exit 0, all outputs whole', async () => {
    await straightRun();
    const result = await signalUntilExit('final-writes', { line: /^epoch 3\/3 / });
    expect(result.stdout).toMatch(/finishing the writes/);
  }, 120_000);

  it('signals from the moment model.safetensors appears to the end: exit 0, all outputs whole', async () => {
    await straightRun();
    await signalUntilExit('model-written', { file: 'model.safetensors' });
  }, 120_000);

  it('Ctrl-C as soon as the run starts exits 0 and leaves nothing torn', async () => {
    const out = join(dir, 'early');
    const running = start(runArgs(out));
    await running.line(/^wasm-vae: /);
    running.child.kill('SIGINT');
    const result = await running.exit;
    expect(result.code, result.stderr).toBe(0);
    if (existsSync(out)) await expectWhole(out);
  }, 120_000);
});
