// Messages between the page (main.ts) and the training Worker (worker.ts).
import type { EpochLog, VAEConfig } from 'wasm-vae';

export interface TrainRequest {
  type: 'train';
  config: Partial<VAEConfig> & { inputDim: number };
  beta: number;
  learningRate: number;
  epochs: number;
  examples: number;
}

export type ToWorker =
  /** `build`: 'auto' (SIMD where the engine has it) or 'scalar' (the page's ?build=scalar, to try the fallback). */
  | { type: 'init'; dataUrl: string; build: 'auto' | 'scalar' }
  | TrainRequest
  | { type: 'stop' }
  | { type: 'reconstruct'; pixels: Float32Array; label: number }
  | { type: 'interpolate'; from: number; to: number; spherical: boolean }
  | { type: 'manifold'; label: number }
  | { type: 'save' }
  | { type: 'load'; bytes: Uint8Array };

/** Pictures as greyscale grids (values in [0, 1]); the page draws them with the library's gridImageData. */
export interface Grid { values: Float32Array; columns: number }

export interface Visuals {
  pairs: Grid;          // test digits above their reconstructions
  samples: Grid;        // fixed z (per class rows when conditional)
  manifold?: Grid;      // 2-D latent: the latent grid
  scatter?: { points: Float32Array; labels: Uint8Array; axes: string };   // larger latents: test means in 2-D
}

export type FromWorker =
  | { type: 'ready'; simd: boolean; train: number; test: number }
  /** Speeds over the epoch's steps so far; absent after its first step (they are timed from its end, past the warm-up). */
  | { type: 'progress'; epoch: number; batch: number; batches: number; loss: number; imagesPerSecond?: number; msPerStep?: number }
  | { type: 'epoch'; log: EpochLog; imagesPerSecond: number; msPerStep: number; visuals: Visuals }
  | { type: 'model'; config: VAEConfig; parameters: number; simd: boolean; threads: number; visuals: Visuals; source: 'trained' | 'loaded' }
  /** Training ended; the pictures of the final model (a stop lands mid-epoch, after the last epoch's pictures). */
  | { type: 'finished'; stopped: boolean; visuals: Visuals }
  | { type: 'reconstruction'; pixels: Float32Array }
  | { type: 'interpolation'; strip: Grid }
  | { type: 'manifold'; grid: Grid }
  | { type: 'saved'; bytes: Uint8Array }
  | { type: 'error'; message: string };
