// When train writes its checkpoint: an explicit --checkpoint-every N keeps every N batches and every epoch end;
// the default, auto, goes by the training time since the last checkpoint, longer for larger checkpoints, so a
// large model does not rewrite hundreds of MB every few seconds. The clock is injected: no test waits.
import { describe, expect, it } from 'vitest';
import { parseTrainArgs, toArgv } from '../../src/cli/args.js';
import { autoIntervalMs, CheckpointSchedule } from '../../src/cli/checkpoint-schedule.js';

const MB = 1024 * 1024;

describe('checkpoint schedule', () => {
  it('--checkpoint-every defaults to auto; N and 0 are kept, and a checkpoint stores what was chosen', () => {
    expect(parseTrainArgs([])!.checkpointEvery).toBe('auto');
    expect(parseTrainArgs(['--checkpoint-every', 'auto'])!.checkpointEvery).toBe('auto');
    expect(parseTrainArgs(['--checkpoint-every', '7'])!.checkpointEvery).toBe(7);
    expect(parseTrainArgs(['--checkpoint-every', '0'])!.checkpointEvery).toBe(0);
    expect(() => parseTrainArgs(['--checkpoint-every', 'often'])).toThrow(/--checkpoint-every must be an integer >= 0 or auto; received "often"/);
    for (const every of ['auto', '7']) {
      const cmd = parseTrainArgs(['--checkpoint-every', every])!;
      expect(parseTrainArgs(toArgv(cmd))!.checkpointEvery).toBe(cmd.checkpointEvery);
    }
  });

  it('N: every N batches except an epoch\'s last, and every epoch end, whatever the time', () => {
    let now = 0;
    const schedule = new CheckpointSchedule(3, 500 * MB, () => now);
    expect([1, 2, 3, 4, 5, 6, 7].map((b) => schedule.afterBatch(b, 6))).toEqual([false, false, true, false, false, false, false]);
    now = 1e9;
    expect(schedule.afterBatch(4, 6)).toBe(false);
    expect(schedule.atEpochEnd(false)).toBe(true);
    const never = new CheckpointSchedule(0, MB, () => now);
    expect([never.afterBatch(100, 1000), never.atEpochEnd(false)]).toEqual([false, true]);
  });

  it('auto: at least a minute, 4 s per MB of checkpoint: 7.5 MB (MNIST\'s MLP) after 60 s, 150 MB after 10 min', () => {
    expect(autoIntervalMs(7.5 * MB)).toBe(60_000);
    expect(autoIntervalMs(150 * MB)).toBe(600_000);
    let now = 1000;
    const schedule = new CheckpointSchedule('auto', 150 * MB, () => now);
    now += 599_000;
    expect([schedule.afterBatch(100, 1000), schedule.atEpochEnd(false)]).toEqual([false, false]);
    expect(schedule.atEpochEnd(true)).toBe(true); // the run's last epoch (or early stopping) always writes
    now += 1000;
    expect(schedule.afterBatch(101, 1000)).toBe(true);
    schedule.written(); // the clock restarts when a checkpoint has been written
    now += 300_000;
    expect(schedule.atEpochEnd(false)).toBe(false);
    now += 300_000;
    expect(schedule.atEpochEnd(false)).toBe(true);
  });
});
