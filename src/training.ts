// fit: epochs of shuffled batches, the run's position (what a resumed fit continues from), the divergence
// guard's bookkeeping, logs and abort. The model itself is reached through a FitHost, which VAE provides.
import { epochStartBytes, toHex, type FitPosition } from './checkpoint.js';
import { describe, VAEError } from './errors.js';
import { yieldToEventLoop } from './platform.js';
import type { BatchLog, EpochLog, LossTerms, StepResult } from './types.js';

/** What fit needs from a model; every call is synchronous and checks that the model is still alive. */
export interface FitHost {
  readonly inputDim: number;
  /** The input buffer for `rows` rows: a view, valid until the next call. */
  input(rows: number): Float32Array;
  step(rows: number, learningRate: number, beta: number): StepResult;
  /** The shuffle stream's generator bytes (a copy), and restoring them. */
  shuffleGenerator(): Uint8Array;
  setShuffleGenerator(bytes: Uint8Array): void;
  /** Fisher–Yates over `order` with draws from the shuffle stream. */
  shuffle(order: Uint32Array): void;
  evaluate(data: Float32Array): LossTerms;
  /** Throws DISPOSED when dispose() ran while fit was waiting. */
  alive(): void;
  position: FitPosition | null;
}

export interface FitSettings {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  learningRate: number;
  beta: number;
  resume: boolean;
  maxConsecutiveSkips: number;
  validationData?: Float32Array;
  signal?: AbortSignal;
  onBatchEnd?: (log: BatchLog) => void;
  onEpochEnd?: (log: EpochLog) => void;
}

const emptyTotals = (): FitPosition['totals'] => ({ examples: 0, loss: 0, reconstruction: 0, kl: 0, skipped: 0 });

/** The position fit starts from: the model's own when resuming the same run, else a new run's. */
function startingPosition(method: string, host: FitHost, n: number, s: FitSettings): FitPosition {
  const p = host.position;
  if (!s.resume || p === null) {
    return { epoch: 0, batch: 0, examples: n, batchSize: s.batchSize, shuffle: s.shuffle,
      epochStart: toHex(host.shuffleGenerator()), totals: emptyTotals(), consecutiveSkips: 0 };
  }
  const mismatch = (what: string, saved: unknown, given: unknown) => new VAEError('INVALID_ARGUMENT',
    `${method}: options.resume continues a run of ${what} ${describe(saved)}; received ${describe(given)}`);
  if (p.examples !== n) throw mismatch('data rows', p.examples, n);
  if (p.batchSize !== s.batchSize) throw mismatch('options.batchSize', p.batchSize, s.batchSize);
  if (p.shuffle !== s.shuffle) throw mismatch('options.shuffle', p.shuffle, s.shuffle);
  return { ...p, totals: { ...p.totals } };
}

export async function runFit(method: string, host: FitHost, data: Float32Array, s: FitSettings): Promise<EpochLog[]> {
  const D = host.inputDim, n = data.length / D;
  const position = startingPosition(method, host, n, s);
  host.position = position;
  const batches = Math.ceil(n / s.batchSize);
  const order = new Uint32Array(n);
  const logs: EpochLog[] = [];
  while (position.epoch < s.epochs && !s.signal?.aborted) {
    const epoch = position.epoch + 1;
    // The permutation of this epoch: drawn fresh at a boundary, or redrawn from the snapshot when resuming inside it.
    if (position.batch === 0) position.epochStart = toHex(host.shuffleGenerator());
    else host.setShuffleGenerator(epochStartBytes(position));
    for (let i = 0; i < n; i++) order[i] = i;
    if (s.shuffle) host.shuffle(order);

    const start = performance.now();
    let aborted = false;
    const totals = position.totals;
    for (let b = position.batch; b < batches; b++) {
      if (s.signal?.aborted) { aborted = true; break; }
      const rows = Math.min(s.batchSize, n - b * s.batchSize);
      const input = host.input(rows);
      for (let r = 0; r < rows; r++) {
        const src = order[b * s.batchSize + r] * D;
        input.set(data.subarray(src, src + D), r * D);
      }
      const step = host.step(rows, s.learningRate, s.beta);
      if (step.skipped) {
        totals.skipped++;
        position.consecutiveSkips++;
      } else {
        totals.examples += rows; totals.loss += step.loss * rows;
        totals.reconstruction += step.reconstruction * rows; totals.kl += step.kl * rows;
        position.consecutiveSkips = 0;
      }
      position.batch = b + 1;
      s.onBatchEnd?.({ epoch, batch: b + 1, batches, ...step });
      if (position.consecutiveSkips >= s.maxConsecutiveSkips) {
        throw new VAEError('DIVERGED', `${method}: expected finite losses and gradients; the last ${position.consecutiveSkips} ` +
          `steps were not (epoch ${epoch}, batch ${b + 1}), so they were skipped and the model kept its last good weights. ` +
          'Lower options.learningRate, or check the data');
      }
      await yieldToEventLoop();
      host.alive();
    }
    if (aborted && totals.examples + totals.skipped === 0) break;
    const log: EpochLog = {
      epoch, loss: totals.loss / totals.examples, reconstruction: totals.reconstruction / totals.examples,
      kl: totals.kl / totals.examples, seconds: (performance.now() - start) / 1000, examples: totals.examples, skipped: totals.skipped,
    };
    if (aborted) {
      log.aborted = true;
    } else {
      // The boundary is reached before onEpochEnd runs, so a checkpoint saved there resumes with the next epoch.
      position.epoch = epoch;
      position.batch = 0;
      position.totals = emptyTotals();
      if (s.validationData) {
        const val = host.evaluate(s.validationData);
        log.valLoss = val.loss; log.valReconstruction = val.reconstruction; log.valKl = val.kl;
      }
    }
    logs.push(log);
    s.onEpochEnd?.(log);
    if (aborted) break;
  }
  return logs;
}
