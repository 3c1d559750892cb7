// Checking the arguments of VAE's methods: each check throws VAEError INVALID_ARGUMENT saying what was called, what
// was expected and what came. Defaults live here too, beside the checks that apply them.
import type { RunSettings } from '../train/state.js';
import { describe, VAEError } from '../errors.js';
import { RESERVED_METADATA } from '../files/model-file.js';
import type { FitSettings } from '../train/fit.js';
import type { EngineOptions, FitOptions, LoadOptions, TrainStepOptions } from '../types.js';

export const DEFAULT_BATCH = 128, DEFAULT_LEARNING_RATE = 1e-3, DEFAULT_MAX_CONSECUTIVE_SKIPS = 20;
const MAX_SAMPLES = 100_000; // importance samples per example

export function argumentError(method: string, name: string, expected: string, value: unknown): VAEError {
  return new VAEError('INVALID_ARGUMENT', `${method}: ${name} must be ${expected}; received ${describe(value)}`);
}

export function valueError(method: string, name: string, expected: string, index: number, value: number): VAEError {
  return new VAEError('INVALID_ARGUMENT', `${method}: ${name} must hold ${expected}; received ${value} at index ${index}`);
}

// Each method's options, as its type in ./types.ts declares them: anything else is a typo, refused as create refuses one.
const STEP = ['learningRate', 'beta', 'freeBits', 'conditions'];
export const OPTION_KEYS = {
  engine: ['wasm', 'threads'],
  load: ['wasm', 'threads', 'config', 'names'],
  trainStep: STEP,
  fit: [...STEP, 'epochs', 'batchSize', 'shuffle', 'validationData', 'validationConditions', 'klWarmup', 'earlyStopping',
    'resume', 'maxConsecutiveSkips', 'signal', 'onBatchEnd', 'onEpochEnd'],
  earlyStopping: ['patience', 'minDelta', 'restoreBest'],
  evaluate: ['conditions', 'batchSize', 'samples'],
  scores: ['conditions', 'samples', 'batchSize'],
  encode: ['conditions', 'sample'],
  conditions: ['conditions'],
  reconstructionError: ['conditions', 'perFeature'],
  interpolate: ['conditions', 'spherical', 'space'],
  latentGrid: ['conditions', 'lo'],
  save: ['names', 'includeOptimizer', 'metadata'],
} as const;

/** `options` as an object of known keys only (a key whose value is undefined counts as absent, as in create). */
export function checkOptions<T>(method: string, options: T, known: readonly string[], name = 'options'): T {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw argumentError(method, name, 'an object', options);
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && !known.includes(key)) {
      throw new VAEError('INVALID_ARGUMENT', `${method}: ${name}.${key} is not an option of ${method}; expected one of ${known.join(', ')}`);
    }
  }
  return options;
}

/** fit's signal: absent, or an AbortSignal (of this realm, or one that looks like it: aborted and addEventListener). */
export function checkSignal(method: string, signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  const isSignal = (typeof AbortSignal === 'function' && signal instanceof AbortSignal) || (typeof signal === 'object' && signal !== null &&
    typeof (signal as AbortSignal).aborted === 'boolean' && typeof (signal as AbortSignal).addEventListener === 'function');
  if (!isSignal) throw argumentError(method, 'options.signal', 'an AbortSignal', signal);
  return signal as AbortSignal;
}

export function checkUserMetadata(method: string, metadata: unknown): Record<string, string> {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw argumentError(method, 'options.metadata', 'an object of strings', metadata);
  for (const [key, value] of Object.entries(metadata)) {
    if (RESERVED_METADATA.includes(key)) throw argumentError(method, `options.metadata key "${key}"`, `none of ${RESERVED_METADATA.join(', ')}`, key);
    if (typeof value !== 'string') throw argumentError(method, `options.metadata.${key}`, 'a string', value);
  }
  return { ...metadata as Record<string, string> };
}

export function checkEngineOptions(method: string, options: EngineOptions): EngineOptions {
  if (typeof options !== 'object' || options === null) throw argumentError(method, 'the engine options', 'an object', options);
  return checkOptions(method, options, OPTION_KEYS.engine);
}

/** VAE.load's options: the engine's and config, names (checked by VAE.load once the configuration is known). */
export function checkLoadOptions(method: string, options: LoadOptions): LoadOptions {
  if (typeof options !== 'object' || options === null) throw argumentError(method, 'options', 'an object', options);
  return checkOptions(method, options, OPTION_KEYS.load);
}

export function checkStepOptions(method: string, options: TrainStepOptions): { learningRate: number; beta: number; freeBits: number } {
  if (typeof options !== 'object' || options === null) throw argumentError(method, 'options', 'an object', options);
  const learningRate = options.learningRate ?? DEFAULT_LEARNING_RATE, beta = options.beta ?? 1, freeBits = options.freeBits ?? 0;
  if (!(typeof freeBits === 'number' && freeBits >= 0 && Number.isFinite(freeBits))) {
    throw argumentError(method, 'options.freeBits', 'a finite number >= 0 (nats per latent dimension)', freeBits);
  }
  if (!(typeof learningRate === 'number' && learningRate > 0 && Number.isFinite(learningRate))) {
    throw argumentError(method, 'options.learningRate', 'a finite number > 0', learningRate);
  }
  if (!(typeof beta === 'number' && beta >= 0 && Number.isFinite(beta))) {
    throw argumentError(method, 'options.beta', 'a finite number >= 0', beta);
  }
  return { learningRate, beta, freeBits };
}

export function checkBatchSize(method: string, batchSize: unknown = DEFAULT_BATCH): number {
  if (!Number.isInteger(batchSize) || (batchSize as number) < 1) throw argumentError(method, 'options.batchSize', 'a positive integer', batchSize);
  return batchSize as number;
}

export function checkSamples(method: string, samples: unknown): number {
  if (!Number.isInteger(samples) || (samples as number) < 1 || (samples as number) > MAX_SAMPLES) {
    throw argumentError(method, 'options.samples', `an integer in [1, ${MAX_SAMPLES}]`, samples);
  }
  return samples as number;
}

export function checkEarlyStopping(method: string, value: unknown, validating: boolean): RunSettings['earlyStopping'] {
  if (value === undefined) return null;
  const name = 'options.earlyStopping';
  if (typeof value !== 'object' || value === null) throw argumentError(method, name, 'an object { patience, minDelta, restoreBest }', value);
  checkOptions(method, value, OPTION_KEYS.earlyStopping, name);
  if (!validating) throw argumentError(method, name, 'given with options.validationData (it watches the validation loss)', value);
  const { patience, minDelta = 0, restoreBest = false } = value as Record<string, unknown>;
  if (!Number.isInteger(patience) || (patience as number) < 1) throw argumentError(method, `${name}.patience`, 'a positive integer (epochs)', patience);
  if (!(typeof minDelta === 'number' && minDelta >= 0 && Number.isFinite(minDelta))) throw argumentError(method, `${name}.minDelta`, 'a finite number >= 0', minDelta);
  if (typeof restoreBest !== 'boolean') throw argumentError(method, `${name}.restoreBest`, 'a boolean', restoreBest);
  return { patience: patience as number, minDelta, restoreBest };
}

/** fit's options, checked, with their defaults: everything runFit takes but the data's conditions and validation. */
export function checkFitOptions(method: string, options: FitOptions):
  Omit<FitSettings, 'conditions' | 'validationData' | 'validationConditions'> {
  const { learningRate, beta, freeBits } = checkStepOptions(method, checkOptions(method, options, OPTION_KEYS.fit));
  const signal = checkSignal(method, options.signal);
  const epochs = options.epochs ?? 1, batchSize = options.batchSize ?? DEFAULT_BATCH, shuffle = options.shuffle ?? true;
  const klWarmup = options.klWarmup ?? 0;
  if (!Number.isInteger(klWarmup) || klWarmup < 0) throw argumentError(method, 'options.klWarmup', 'a non-negative integer (steps)', klWarmup);
  const earlyStopping = checkEarlyStopping(method, options.earlyStopping, options.validationData !== undefined);
  const resume = options.resume ?? false, maxConsecutiveSkips = options.maxConsecutiveSkips ?? DEFAULT_MAX_CONSECUTIVE_SKIPS;
  if (!Number.isInteger(epochs) || epochs < 0) throw argumentError(method, 'options.epochs', 'a non-negative integer', epochs);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw argumentError(method, 'options.batchSize', 'a positive integer', batchSize);
  if (typeof shuffle !== 'boolean') throw argumentError(method, 'options.shuffle', 'a boolean', shuffle);
  if (typeof resume !== 'boolean') throw argumentError(method, 'options.resume', 'a boolean', resume);
  if (!Number.isInteger(maxConsecutiveSkips) || maxConsecutiveSkips < 1) {
    throw argumentError(method, 'options.maxConsecutiveSkips', 'a positive integer', maxConsecutiveSkips);
  }
  for (const name of ['onBatchEnd', 'onEpochEnd'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw argumentError(method, `options.${name}`, 'a function', options[name]);
  }
  return {
    epochs, batchSize, shuffle, learningRate, beta, freeBits, klWarmup, earlyStopping, resume, maxConsecutiveSkips,
    signal, onBatchEnd: options.onBatchEnd, onEpochEnd: options.onEpochEnd,
  };
}

/** `row` (one row of `width` values) repeated `count` times. */
export function repeatRows(row: Float32Array, width: number, count: number): Float32Array {
  const out = new Float32Array(width * count);
  for (let i = 0; i < count; i++) out.set(row, i * width);
  return out;
}
