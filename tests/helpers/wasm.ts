// Drives the raw wasm ABI from tests: a fresh instance, arrays in and out of its arena.
import { Engine } from '../../src/wasm/instance.js';
import { ACTIVATION_CODES, likelihoodCode, resolveConfig } from '../../src/checks/config.js';
import { layerTableOf, recordsOf } from '../../src/wasm/layer-table.js';
import type { WasmSource } from '../../src/types.js';
import { mulberry32 } from './random.js';

/**
 * False in the chromium-scalar project, whose engine pretends to lack SIMD (tests/helpers/force-scalar.ts): tests
 * that need the SIMD build (comparing it with the scalar one, or threads) run only where it can.
 */
export const SIMD_ENGINE = (globalThis as { FORCED_SCALAR?: boolean }).FORCED_SCALAR !== true;
/** The builds this engine can run. */
export const BUILDS = SIMD_ENGINE ? (['simd', 'scalar'] as const) : (['scalar'] as const);

export interface Kernels {
  engine: Engine;
  w: Engine['wasm'];
  /** Copies values into a fresh arena region (padded to 16 bytes, as the kernels expect). */
  put(values: ArrayLike<number>): number;
  /** A zeroed region for n floats. */
  zeros(n: number): number;
  get(ptr: number, n: number): Float32Array;
  /** A seeded RNG state record (80 bytes). */
  rng(seed: number, stream?: number): number;
}

/** A fresh instance of `source` (the default build; with `conv`, one with the convolution layers). */
export async function kernels(source?: WasmSource, conv = false): Promise<Kernels> {
  const engine = await Engine.create('tests', source, false, conv);
  const w = engine.wasm;
  const zeros = (n: number) => engine.alloc(Math.max(16, 4 * n));
  return {
    engine, w, zeros,
    put(values) { const p = zeros(values.length); engine.write(p, values); return p; },
    get: (ptr, n) => engine.read(ptr, n),
    rng(seed, stream = 0) { const p = engine.alloc(80); w.rng_seed(p, seed, stream); return p; },
  };
}

/** Deterministic pseudo-random floats in [lo, hi) for test inputs (mulberry32). */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const uniform = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * uniform());
}

/**
 * model_init for a configuration (VAE.create's options, defaults filled in), through the layer table the facade
 * makes (src/wasm/layer-table.ts); `poolSize` threads get convolution scratch. Returns model_init's result.
 */
export function initModel(k: Kernels, options: object, poolSize = 1): number {
  const config = resolveConfig(options, 'tests', 'INVALID_CONFIG');
  const table = layerTableOf(config), all = recordsOf(table);
  const records = k.zeros(all.length);
  new Uint32Array(k.w.memory.buffer, records, all.length).set(all);
  return k.w.model_init(records, table.count, table.encoderLayers, table.joinAt, config.inputDim, config.latentDim,
    ACTIVATION_CODES[config.activation], likelihoodCode(config), config.seed, config.conditionDim, poolSize);
}
