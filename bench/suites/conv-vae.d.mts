import type { ShapedVAEOptions, VAE } from '../../src/index.js';

export interface ConvRound { seconds: number; batches: number; epochSeconds: number; threads: number }
export const CONV_VAE: ShapedVAEOptions;
export const EPOCH_BATCHES: number;
export function convModels(vae: typeof VAE, images: Float32Array, threadCounts: number[], warmup?: number): Promise<VAE[]>;
export function convRound(vae: VAE, images: Float32Array, batches: number, round: number): Promise<ConvRound>;
export function parameterShapes(vae: VAE): number[][];
