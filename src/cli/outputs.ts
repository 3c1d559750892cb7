// What a finished (or stopped) run leaves in --out: the model, its history and loss curve, a grid of samples
// (one row per class for a conditional model) and input-vs-reconstruction pairs. Every file is written atomically.
import { join } from 'node:path';
import type { VAE } from '../index.js';
import type { EpochLog } from '../types.js';
import { writeFileAtomic } from './atomic-write.js';
import type { Dataset } from './common.js';
import { classRowSamples, pairRows, tilesOf, writeGrid } from './images.js';
import { lossCurveSvg } from './loss-plot.js';

/** The files a run writes into --out besides the checkpoint. */
export const OUTPUT_FILES = ['model.safetensors', 'history.json', 'loss.svg', 'samples.png', 'reconstructions.png'];

const SAMPLES = 64, PAIRS = 32, COLUMNS = 8;

/** One turn of the event loop between files: a Ctrl-C that came meanwhile is heard (and answered) now. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Writes the outputs and returns their paths. */
export async function writeOutputs(out: string, vae: VAE, history: EpochLog[], images: Dataset): Promise<string[]> {
  const modelPath = join(out, 'model.safetensors'), historyPath = join(out, 'history.json'), lossPath = join(out, 'loss.svg');
  await turn();
  writeFileAtomic(modelPath, vae.save());
  await turn();
  writeFileAtomic(historyPath, `${JSON.stringify({ config: vae.config, history }, null, 2)}\n`);
  const written = [modelPath, historyPath];
  if (history.length > 0) {
    await turn();
    writeFileAtomic(lossPath, await lossCurveSvg(history));
    written.push(lossPath);
  }
  if (images.shape.length === 2) {
    const [height, width] = images.shape, inputDim = height * width, C = vae.config.conditionDim;
    const samplesPath = join(out, 'samples.png');
    await turn();
    const samples = C > 0 ? classRowSamples(vae, COLUMNS) : vae.sample(SAMPLES);
    writeGrid(samplesPath, tilesOf(samples, inputDim), height, width, COLUMNS);
    await turn();
    const pairs = Math.min(PAIRS, images.count);
    const source = images.data.subarray(0, pairs * inputDim);
    const inputs = tilesOf(source, inputDim);
    const recons = tilesOf(vae.reconstruct(source, { conditions: images.conditions?.subarray(0, pairs * C) }), inputDim);
    const pairsPath = join(out, 'reconstructions.png');
    writeGrid(pairsPath, pairRows(inputs, recons, COLUMNS), height, width, COLUMNS);
    written.push(samplesPath, pairsPath);
  }
  return written;
}
