// What a finished (or stopped) run leaves in --out: the model, its history and loss curve, a grid of samples
// (one row per class for a conditional model) and input-vs-reconstruction pairs. Every file is written atomically.
import { join } from 'node:path';
import type { VAE } from '../index.js';
import type { EpochLog } from '../types.js';
import { writeFileAtomic } from './atomic-write.js';
import { tileShape, type Dataset, type TileShape } from './common.js';
import { classRowSamples, pairRows, tilesOf, writeGrid } from './images.js';
import { lossCurveSvg } from './loss-plot.js';

/** The files a run writes into --out besides the checkpoint. */
export const OUTPUT_FILES = ['model.safetensors', 'history.json', 'loss.svg', 'samples.png', 'reconstructions.png'];

const SAMPLES = 64, PAIRS = 32, COLUMNS = 8;

/** One turn of the event loop between files: a Ctrl-C that came meanwhile is heard (and answered) now. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Writes the outputs and returns their paths; `metadata`: entries for the model file's __metadata__ (a CSV's columns). */
export async function writeOutputs(out: string, vae: VAE, history: EpochLog[], images: Dataset, metadata?: Record<string, string>): Promise<string[]> {
  const modelPath = join(out, 'model.safetensors'), historyPath = join(out, 'history.json'), lossPath = join(out, 'loss.svg');
  await turn();
  writeFileAtomic(modelPath, vae.save(metadata ? { metadata } : undefined));
  await turn();
  writeFileAtomic(historyPath, `${JSON.stringify({ config: vae.config, history }, null, 2)}\n`);
  const written = [modelPath, historyPath];
  if (history.length > 0) {
    await turn();
    writeFileAtomic(lossPath, await lossCurveSvg(history));
    written.push(lossPath);
  }
  const tile = drawable(vae, images);
  if (tile) {
    const inputDim = vae.config.inputDim, C = vae.config.conditionDim;
    const samplesPath = join(out, 'samples.png');
    await turn();
    const samples = C > 0 ? classRowSamples(vae, COLUMNS) : vae.sample(SAMPLES);
    writeGrid(samplesPath, tilesOf(samples, inputDim), tile, COLUMNS);
    await turn();
    const pairs = Math.min(PAIRS, images.count);
    const source = images.data.subarray(0, pairs * inputDim);
    const inputs = tilesOf(source, inputDim);
    const recons = tilesOf(vae.reconstruct(source, { conditions: images.conditions?.subarray(0, pairs * C) }), inputDim);
    const pairsPath = join(out, 'reconstructions.png');
    writeGrid(pairsPath, pairRows(inputs, recons, COLUMNS), tile, COLUMNS);
    written.push(samplesPath, pairsPath);
  }
  return written;
}

/**
 * The tile of the pictures: the model's inputShape, or for a model without one the IDX images' 2-D shape; null
 * (no pictures) for other data, such as IDX files of other ranks, as before inputShape existed, and tables (a CSV's
 * rows have shape [inputDim]).
 */
function drawable(vae: VAE, images: Dataset): TileShape | null {
  if (!vae.config.inputShape && images.shape.length !== 2) return null;
  try {
    return tileShape(vae.config, images);
  } catch {
    return null; // a shape of 2 or 4+ channels: the model and its history are still written
  }
}
