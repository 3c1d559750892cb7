import type Benchmark from 'benchmark';
import type { VAE } from '../../src/index.js';

/** Seconds per VAE.trainStep (784-400-20, batch 128), one entry per benchmark.js sample. */
export function measureTrainStep(vae: typeof VAE, benchmark: typeof Benchmark, maxTime: number): Promise<number[]>;

/** Seconds per batch of a VAE.fit epoch (20 batches of 128, yielding between batches), per sample. */
export function measureFitEpoch(vae: typeof VAE, benchmark: typeof Benchmark, maxTime: number): Promise<number[]>;
