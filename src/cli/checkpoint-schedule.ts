// When train rewrites its checkpoint (besides Ctrl-C, which always writes one). An explicit --checkpoint-every N
// writes every N batches and at every epoch end. The default, auto, goes by the training time since the last
// checkpoint, in proportion to the checkpoint's size (weights and Adam's two moments: 12 bytes a parameter): at
// least a minute, and 4 s per MB. Writing then costs at most 0.25 MB/s of disk on average (under 1 GB an hour), and a
// crash loses at most that interval: a minute for MNIST's 7.5 MB MLP, ten for the 150 MB of a 12.6 M-parameter MLP
// on 64×64 RGB images, where a checkpoint every 100 batches, or at every epoch end of a small data set, would
// write many GB an hour. The run's last epoch (and early stopping's) always ends with a checkpoint, so that it can
// be continued with more epochs.

export type CheckpointEvery = number | 'auto';

const MIN_MS = 60_000, MS_PER_MB = 4_000;

/** auto's interval for a checkpoint of `bytes`. */
export function autoIntervalMs(bytes: number): number {
  return Math.max(MIN_MS, Math.round((MS_PER_MB * bytes) / (1024 * 1024)));
}

export class CheckpointSchedule {
  readonly #every: CheckpointEvery;
  readonly #interval: number;
  readonly #now: () => number;
  #last: number;

  /** `bytes`: the checkpoint's size (auto's interval grows with it); `now`: a clock in ms. */
  constructor(every: CheckpointEvery, bytes: number, now: () => number = () => performance.now()) {
    this.#every = every;
    this.#interval = autoIntervalMs(bytes);
    this.#now = now;
    this.#last = now();
  }

  /** After batch `batch` of `batches` (the epoch's last is left to atEpochEnd). */
  afterBatch(batch: number, batches: number): boolean {
    if (batch >= batches) return false;
    return this.#every === 'auto' ? this.#due() : this.#every > 0 && batch % this.#every === 0;
  }

  /** At an epoch's end; `final`: the run's last epoch, or the one after which early stopping ends it. */
  atEpochEnd(final: boolean): boolean {
    return this.#every !== 'auto' || final || this.#due();
  }

  /** A checkpoint was written: auto's clock starts again. */
  written(): void {
    this.#last = this.#now();
  }

  #due(): boolean {
    return this.#now() - this.#last >= this.#interval;
  }
}
