// What a finished (or stopped) run leaves in --out: the model, its history, a grid of samples and
// input-vs-reconstruction pairs. Every file is written atomically.
import { join } from 'node:path';
import type { VAE } from '../index.js';
import type { EpochLog } from '../types.js';
import { writeFileAtomic } from './atomic-write.js';
import type { IdxImages } from './idx.js';
import { tilesOf, writeGrid } from './images.js';

const SAMPLES = 64, PAIRS = 32, COLUMNS = 8;

/** Writes the outputs and returns their paths. */
export function writeOutputs(out: string, vae: VAE, history: EpochLog[], images: IdxImages): string[] {
  const modelPath = join(out, 'model.safetensors'), historyPath = join(out, 'history.json');
  writeFileAtomic(modelPath, vae.save());
  writeFileAtomic(historyPath, `${JSON.stringify({ config: vae.config, history }, null, 2)}\n`);
  const written = [modelPath, historyPath];
  if (images.shape.length === 2) {
    const [height, width] = images.shape, inputDim = height * width;
    const samplesPath = join(out, 'samples.png');
    writeGrid(samplesPath, tilesOf(vae.sample(SAMPLES), inputDim), height, width, COLUMNS);
    // Rows alternate: COLUMNS inputs, then their reconstructions.
    const source = images.data.subarray(0, Math.min(PAIRS, images.count) * inputDim);
    const inputs = tilesOf(source, inputDim), recons = tilesOf(vae.reconstruct(source), inputDim);
    const tiles: Float32Array[] = [];
    for (let r = 0; r < inputs.length; r += COLUMNS) tiles.push(...inputs.slice(r, r + COLUMNS), ...recons.slice(r, r + COLUMNS));
    const pairsPath = join(out, 'reconstructions.png');
    writeGrid(pairsPath, tiles, height, width, COLUMNS);
    written.push(samplesPath, pairsPath);
  }
  return written;
}
