import type Benchmark from 'benchmark';
import type { VAE } from '../../src/index.js';

/** One measured line of a suite; `extra` fields are present where they apply. */
export interface Row {
  suite: string; name: string; medianMs: number; samples: number; throughput: number; unit: string;
  fractionOfPeak?: number; stepsRun?: number; epochSeconds?: number; epochScaledFromSteps?: number; threads?: number;
  epochs?: number[]; toOneThread?: number; toOneThreadRounds?: number[];
  [key: string]: unknown;
}

/** Raw exports of a wasm module (no loader): numbers in, numbers out. */
type Exports = Record<string, any>;

export function median(values: number[]): number;
export function timeCall(benchmark: typeof Benchmark, fn: () => void, maxTime: number): Promise<{ medianMs: number; samples: number }>;
export function measurePeak(probe: Exports, rounds?: number): Row;
export function measureKernels(benchmark: typeof Benchmark, wasm: Exports, probe: Exports, images: Float32Array, maxTime: number): Promise<Row[]>;
export function measureTrainStep(benchmark: typeof Benchmark, vae: typeof VAE, images: Float32Array, wasm: 'simd' | 'scalar', maxTime: number): Promise<Row>;
export function measureEpochs(vae: typeof VAE, images: Float32Array, rounds: number, threadCounts: number[]): Promise<Row[]>;
export function measureTfjs(tf: unknown, timeTfjsSteps: unknown, images: Float32Array, label: string, steps: number): Promise<Row>;
