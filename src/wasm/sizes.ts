// Sizes checked in JavaScript numbers (exact to 2^53) before they reach wasm, whose pointers and sizes are 32-bit:
// a request that would wrap around there is refused here with VAEError OUT_OF_MEMORY, and the model never sees it.
import type { Engine } from './instance.js';
import { VAEError } from '../errors.js';
import { layersOf } from '../files/layout.js';
import { hasTable, logvarLengthOf, outputWidthOf } from '../checks/likelihood.js';
import type { VAEConfig } from '../types.js';

/** The largest output array a call returns: 4 GiB. Beyond it a request is refused before any work (see allocate). */
export const MAX_OUTPUT_BYTES = 2 ** 32;

// Mirrors of assembly/model.ts (CHUNK_COLUMNS) and assembly/sync/*/barrier.ts (MAX_POOL); tests/model/memory.test.ts
// checks activationBytes against what model_reserve really lays out.
const CHUNK_COLUMNS = 64;
const MAX_POOL_THREADED = 64;

const padded = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** assembly/kernels/skip-zeros.ts skip_list_bytes. */
function skipListBytes(m: number, n: number, k: number, lanes: number): number {
  return Math.max(Math.floor(m / 4), Math.floor(n / (2 * lanes))) * (k + 1) * 4;
}

/**
 * Bytes model_reserve(rows) lays out above the parameters: every activation, gradient and scratch buffer of a
 * batch of `rows`, each rounded up to 16 bytes, in the order the wasm carves them.
 */
export function activationBytes(config: VAEConfig, rows: number, lanes: number, threadsBuild: boolean): number {
  const { inputDim: D, latentDim: L, conditionDim: C } = config;
  const layers = layersOf(config), pool = threadsBuild ? MAX_POOL_THREADED : 1;
  const widest = Math.max(...layers.filter((l) => l.kind === 'dense').map((l) => l.in));
  const P = outputWidthOf(config); // the decoder's output and its gradient: P ≥ D per row
  let bytes = padded(rows * D * 4) + 2 * padded(rows * P * 4) + 7 * padded(rows * L * 4);
  // A likelihood table's rows of decoder.logvar gradients, and sample()'s uniforms.
  if (hasTable(config)) bytes += padded(rows * logvarLengthOf(config) * 4) + padded(rows * D * 4);
  bytes += padded(Math.max(skipListBytes(rows, 0, widest, lanes), pool * skipListBytes(0, CHUNK_COLUMNS, rows, lanes)));
  bytes += 6 * padded(rows * 8);
  if (C > 0) {
    // The condition, [input, c] of the encoder's joined layer (and its gradient past the input), [z, c] and its gradient.
    const joined = layers.findIndex((l) => l.joinsCondition);
    bytes += padded(rows * C * 4) + padded(rows * layers[joined].in * 4) + 2 * padded(rows * (L + C) * 4);
    if (joined > 0) bytes += padded(rows * layers[joined].in * 4);
  }
  // Hidden layers (every activated one) keep their output and its gradient.
  for (const layer of layers) if (layer.activated) bytes += 2 * padded(rows * layer.out * 4);
  return bytes;
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/**
 * Throws OUT_OF_MEMORY when `base` bytes (the parameters and state) plus a batch of `rows` cannot fit in `maxBytes`
 * of wasm memory. Below that bound no 32-bit size in model_reserve can wrap around.
 */
export function checkActivationsFit(method: string, needed: number, base: number, maxBytes: number, rows: number): void {
  if (base + needed <= maxBytes) return;
  throw new VAEError('OUT_OF_MEMORY', `${method}: a batch of ${rows} rows needs ${needed} bytes (${gib(needed)}) of ` +
    `WebAssembly memory for its activations, on top of the model's ${base} bytes; at most ${maxBytes} bytes ` +
    `(${gib(maxBytes)}) are available; use smaller batches`);
}

/** What a model's activations are sized against: its engine, configuration, and the bytes below its activations. */
export interface ActivationSpace {
  engine: Engine;
  config: VAEConfig;
  /** The arena's mark after the parameters (assembly/model.ts activationsMark): where activations begin. */
  base: number;
}

function bytesFor(space: ActivationSpace, rows: number): number {
  const w = space.engine.wasm;
  return activationBytes(space.config, rows, w.build_lanes(), w.build_threads() === 1);
}

/** Lays out activations for `rows` (model_reserve) once the 64-bit check has passed; OUT_OF_MEMORY otherwise. */
export function reserveRows(method: string, space: ActivationSpace, rows: number): void {
  const w = space.engine.wasm;
  if (rows <= w.model_capacity()) return;
  checkActivationsFit(method, bytesFor(space, rows), space.base, space.engine.maxBytes, rows);
  if (!w.model_reserve(rows)) {
    throw new VAEError('OUT_OF_MEMORY', `${method}: WebAssembly memory could not grow to hold a batch of ${rows} rows ` +
      `(${bytesFor(space, rows)} bytes of activations)`);
  }
}

/**
 * Rows per chunk for a call that may split its rows (encode, decode, sample): `wanted`, halved until it fits the
 * memory's bound, but never below the capacity already laid out (which fits by construction).
 */
export function fittingChunk(space: ActivationSpace, wanted: number): number {
  const capacity = space.engine.wasm.model_capacity();
  let rows = wanted;
  while (rows > capacity && space.base + bytesFor(space, rows) > space.engine.maxBytes) rows = Math.max(capacity, Math.floor(rows / 2));
  return Math.max(rows, 1);
}

/**
 * A zeroed Float32Array or Float64Array of rows × width values for a call's result, or OUT_OF_MEMORY naming the call
 * and the bytes when it exceeds MAX_OUTPUT_BYTES or the engine cannot allocate it.
 */
export function allocate<T extends Float32Array | Float64Array>(method: string, what: string, rows: number, width: number,
  type: { new (length: number): T; BYTES_PER_ELEMENT: number }): T {
  const length = rows * width, bytes = length * type.BYTES_PER_ELEMENT;
  checkOutputSize(method, what, rows, width, type.BYTES_PER_ELEMENT);
  try {
    return new type(length);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new VAEError('OUT_OF_MEMORY', `${method}: ${what} (${rows} × ${width} values, ${bytes} bytes) could not be allocated: ${error.message}`);
  }
}

/** Throws OUT_OF_MEMORY when rows × width values of `bytesPer` bytes exceed MAX_OUTPUT_BYTES. */
export function checkOutputSize(method: string, what: string, rows: number, width: number, bytesPer = 4): void {
  const bytes = rows * width * bytesPer;
  if (bytes <= MAX_OUTPUT_BYTES) return;
  throw new VAEError('OUT_OF_MEMORY', `${method}: ${what} would be ${rows} × ${width} values, ${bytes} bytes ` +
    `(${gib(bytes)}); at most ${MAX_OUTPUT_BYTES} bytes (${gib(MAX_OUTPUT_BYTES)}) are returned by one call`);
}
