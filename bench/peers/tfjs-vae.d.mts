/** The reference recipe in tfjs-core ops; `tf` is the tfjs namespace with its backend set. */
export function createTfjsVae(tf: unknown, seed?: number): { step(x: unknown): number; dispose(): void };
/** Milliseconds of each timed training step on 128-row batches of `images`. */
export function timeTfjsSteps(tf: unknown, images: Float32Array, options?: { steps?: number; warmup?: number; batch?: number }): Promise<number[]>;
