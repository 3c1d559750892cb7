// What a resumable training state is, beyond the weights: Adam's two moments (tensors of their own), the wasm
// state record (step count, seed and every RNG stream: assembly/model.ts) and, under fit, the position in the
// run. Saved by save({ includeOptimizer: true }) in __metadata__.training; checked field by field on load,
// because a checkpoint is a file like any other.
import { GENERATOR_BYTES, STATE_BYTES, STATE_HEADER_BYTES, STREAMS, STREAM_RECORD_BYTES } from '../../build/abi.js';
import { VAEError } from '../errors.js';

/** Bytes of the wasm state record: step, seed, 8 spare, then each stream's generator and scratch (assembly/abi.ts). */
export const STATE_RECORD_BYTES = STATE_BYTES;

/** The options that shape a run's steps: a resume must be given the same. */
export interface RunSettings {
  beta: number;
  klWarmup: number;
  freeBits: number;
  earlyStopping: { patience: number; minDelta: number; restoreBest: boolean } | null;
}

/** Early stopping's record: the best validation loss so far, its epoch, epochs since, and whether it ended the run. */
export interface EarlyStoppingState {
  best: number | null;
  bestEpoch: number;
  sinceBest: number;
  stopped: boolean;
}

/** Where fit stands, so that a resumed fit draws the same shuffle and lands on the same batch. */
export interface FitPosition {
  /** Epochs completed. */
  epoch: number;
  /** Batches completed in the current epoch (0 at an epoch boundary). */
  batch: number;
  /** The run's examples, batch size and shuffle flag: a resume must use the same. */
  examples: number;
  batchSize: number;
  shuffle: boolean;
  /** The shuffle stream's 64 generator bytes (hex) before the current epoch's permutation was drawn. */
  epochStart: string;
  /** The current epoch's running sums, so its log comes out as if never interrupted. */
  totals: { examples: number; loss: number; reconstruction: number; kl: number; skipped: number };
  /** Steps skipped in a row by the divergence guard. */
  consecutiveSkips: number;
  /** Steps of the run so far (KL warm-up's s). */
  step: number;
  settings: RunSettings;
  early: EarlyStoppingState;
}

export interface TrainingState {
  /** The wasm state record, STATE_RECORD_BYTES. */
  state: Uint8Array;
  /** Adam's moments per tensor, in the wasm tensor order. */
  m: Float32Array[];
  v: Float32Array[];
  fit: FitPosition | null;
  /** With earlyStopping.restoreBest: the best epoch's weights, in the wasm tensor order. */
  best: Float32Array[] | null;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(text: unknown, bytes: number): Uint8Array | null {
  if (typeof text !== 'string' || text.length !== 2 * bytes || !/^[0-9a-f]*$/.test(text)) return null;
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The __metadata__.training string of a state (the moments travel as tensors). */
export function encodeTrainingMetadata(state: Uint8Array, fit: FitPosition | null): string {
  // Keys in one fixed order, so equal states give equal bytes however the position object was built.
  const position = fit && {
    epoch: fit.epoch, batch: fit.batch, examples: fit.examples, batchSize: fit.batchSize, shuffle: fit.shuffle,
    epochStart: fit.epochStart, consecutiveSkips: fit.consecutiveSkips, step: fit.step,
    totals: { examples: fit.totals.examples, loss: fit.totals.loss, reconstruction: fit.totals.reconstruction, kl: fit.totals.kl, skipped: fit.totals.skipped },
    settings: {
      beta: fit.settings.beta, klWarmup: fit.settings.klWarmup, freeBits: fit.settings.freeBits,
      earlyStopping: fit.settings.earlyStopping && {
        patience: fit.settings.earlyStopping.patience, minDelta: fit.settings.earlyStopping.minDelta, restoreBest: fit.settings.earlyStopping.restoreBest,
      },
    },
    early: { best: fit.early.best, bestEpoch: fit.early.bestEpoch, sinceBest: fit.early.sinceBest, stopped: fit.early.stopped },
  };
  return JSON.stringify({ state: toHex(state), fit: position });
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Parses and checks __metadata__.training against the model's seed; throws INVALID_MODEL_FILE. */
export function decodeTrainingMetadata(text: string, seed: number, method: string): { state: Uint8Array; fit: FitPosition | null } {
  const fail = (detail: string): never => {
    throw new VAEError('INVALID_MODEL_FILE', `${method}: expected a valid training state in __metadata__.training; ${detail}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('it is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) return fail('it is not an object');
  const { state: hex, fit } = parsed as Record<string, unknown>;
  const state = fromHex(hex, STATE_RECORD_BYTES) ?? fail(`"state" is not ${STATE_RECORD_BYTES} bytes of lowercase hex`);
  const view = new DataView(state.buffer);
  if (view.getInt32(0, true) < 0) fail(`the step count ${view.getInt32(0, true)} is negative`);
  if (view.getUint32(4, true) !== seed) fail(`the state's seed ${view.getUint32(4, true)} is not the config's seed ${seed}`);
  for (let s = 0; s < STREAMS; s++) {
    // Lane g's generator is the words s0..s3 at +4g of four 16-byte rows; xoshiro128+ never reaches all zeros,
    // and from there it would draw zeros forever.
    const base = STATE_HEADER_BYTES + s * STREAM_RECORD_BYTES;
    for (let g = 0; g < 4; g++) {
      if ([0, 16, 32, 48].every((row) => view.getUint32(base + row + 4 * g, true) === 0)) fail(`RNG stream ${s}, lane ${g}, is all zeros`);
    }
  }
  return { state, fit: fit === null || fit === undefined ? null : checkFitPosition(fit, fail) };
}

function checkFitPosition(value: unknown, fail: (detail: string) => never): FitPosition {
  if (typeof value !== 'object' || value === null) return fail('"fit" is not an object');
  const p = value as Record<string, unknown>;
  for (const key of ['epoch', 'batch', 'examples', 'batchSize', 'consecutiveSkips', 'step'] as const) {
    if (!isCount(p[key])) fail(`fit.${key} is not a non-negative integer`);
  }
  if ((p.examples as number) < 1 || (p.batchSize as number) < 1) fail('fit.examples and fit.batchSize must be positive');
  if ((p.batch as number) >= Math.ceil((p.examples as number) / (p.batchSize as number))) fail('fit.batch is past the end of the epoch');
  if (typeof p.shuffle !== 'boolean') fail('fit.shuffle is not a boolean');
  if (fromHex(p.epochStart, GENERATOR_BYTES) === null) fail(`fit.epochStart is not ${GENERATOR_BYTES} bytes of lowercase hex`);
  const t = p.totals as Record<string, unknown> | null;
  if (typeof t !== 'object' || t === null || !isCount(t.examples) || !isCount(t.skipped)
      || !isFiniteNumber(t.loss) || !isFiniteNumber(t.reconstruction) || !isFiniteNumber(t.kl)) {
    fail('fit.totals is not { examples, loss, reconstruction, kl, skipped } of finite numbers');
  }
  const totals = t as FitPosition['totals'];
  const s = p.settings as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null || !isFiniteNumber(s.beta) || s.beta < 0 || !isCount(s.klWarmup)
      || !isFiniteNumber(s.freeBits) || s.freeBits < 0) {
    fail('fit.settings is not { beta, klWarmup, freeBits, earlyStopping } in range');
  }
  const es = s!.earlyStopping as Record<string, unknown> | null;
  if (es !== null && (typeof es !== 'object' || !isCount(es.patience) || es.patience < 1 || !isFiniteNumber(es.minDelta)
      || es.minDelta < 0 || typeof es.restoreBest !== 'boolean')) {
    fail('fit.settings.earlyStopping is not null or { patience >= 1, minDelta >= 0, restoreBest }');
  }
  const e = p.early as Record<string, unknown> | null;
  if (typeof e !== 'object' || e === null || !(e.best === null || isFiniteNumber(e.best)) || !isCount(e.bestEpoch)
      || !isCount(e.sinceBest) || typeof e.stopped !== 'boolean') {
    fail('fit.early is not { best, bestEpoch, sinceBest, stopped }');
  }
  return {
    epoch: p.epoch as number, batch: p.batch as number, examples: p.examples as number, batchSize: p.batchSize as number,
    shuffle: p.shuffle as boolean, epochStart: p.epochStart as string, consecutiveSkips: p.consecutiveSkips as number,
    step: p.step as number,
    totals: { examples: totals.examples, loss: totals.loss, reconstruction: totals.reconstruction, kl: totals.kl, skipped: totals.skipped },
    settings: {
      beta: s!.beta as number, klWarmup: s!.klWarmup as number, freeBits: s!.freeBits as number,
      earlyStopping: es && { patience: es.patience as number, minDelta: es.minDelta as number, restoreBest: es.restoreBest as boolean },
    },
    early: { best: e!.best as number | null, bestEpoch: e!.bestEpoch as number, sinceBest: e!.sinceBest as number, stopped: e!.stopped as boolean },
  };
}

/** A copy that shares nothing mutable with `p` (fit mutates its running sums and early-stopping record). */
export function copyPosition(p: FitPosition): FitPosition {
  return { ...p, totals: { ...p.totals }, early: { ...p.early } };
}

/** Whether a position holds a best-weights snapshot (restoreBest, after a first validation). */
export function hasBestWeights(fit: FitPosition | null): boolean {
  return fit !== null && fit.settings.earlyStopping?.restoreBest === true && fit.early.best !== null;
}

/** The 64 generator bytes of an epoch-start snapshot. */
export function epochStartBytes(position: FitPosition): Uint8Array {
  return fromHex(position.epochStart, GENERATOR_BYTES)!;
}
