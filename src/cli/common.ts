// What the commands beside `train` share: option parsing with node:util, the model file, the data (IDX or a
// folder of PNGs and JPEGs, MNIST's test set by default, or a .csv or .npy) with their labels as one-hot conditions for a
// conditional model, and the shape of the PNG grids' tiles.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { oneHot, VAE, type VAEConfig } from '../index.js';
import { numberOption } from './args.js';
import { mnistPaths, readIdxLabels } from './idx.js';
import type { Column } from '../data/types.js';
import { modelColumns, readDataFile } from './data-file.js';
import { describeShape, type Images } from './image-folder.js';
import { readRegularFile } from './read-file.js';

export interface Command {
  usage: string;
  run(argv: string[]): Promise<void>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed options, or null when --help was asked for (the caller prints the usage). */
export function parseOptions(argv: string[], options: Options): Record<string, string | boolean | undefined> | null {
  const { values, positionals } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  if (values.help) return null;
  if (positionals.length > 0) throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}; see --help`);
  return values as Record<string, string | boolean | undefined>;
}

export function integerOption(name: string, text: unknown, fallback: number, min: number, max = Infinity): number {
  return numberOption(name, text, fallback, true, min, max);
}

/** The CSV columns of each loaded model that has them (./data-file.ts modelColumns), for readDataset. */
const COLUMNS = new WeakMap<VAE, Column[]>();

export async function loadModel(path: unknown): Promise<VAE> {
  if (typeof path !== 'string') throw new Error('--model FILE is required (a .safetensors file written by wasm-vae train, or a pytorch/examples state dict)');
  const bytes = new Uint8Array(readRegularFile('--model', path));
  const vae = await VAE.load(bytes);
  const columns = modelColumns(bytes, path);
  if (columns) COLUMNS.set(vae, columns);
  return vae;
}

export interface Dataset extends Images {
  /** One-hot rows for a conditional model, else undefined. */
  conditions?: Float32Array;
}

/** Images (default: MNIST's test set) checked against the model, with conditions from labels when it is conditional. */
export function readDataset(vae: VAE, dataPath: unknown, labelsPath: unknown, limit?: number, flag = '--data'): Dataset {
  const mnist = dataPath === undefined ? mnistPaths() : null;
  // A .csv or .npy by extension; a CSV with the model's columns (and its other columns skipped).
  const images: Images = readDataFile(typeof dataPath === 'string' ? dataPath : mnist!.test, flag, undefined, { columns: COLUMNS.get(vae) });
  const size = images.shape.reduce((a, b) => a * b, 1), model = vae.config.inputShape;
  if (size !== vae.config.inputDim) throw new Error(`the images have ${size} values each; the model takes ${vae.config.inputDim}`);
  if (images.inputShape && model && describeShape(images) !== describeShape({ shape: model, inputShape: model })) {
    throw new Error(`the images are ${describeShape(images)}; the model takes ${describeShape({ shape: model, inputShape: model })}`);
  }
  const count = Math.min(images.count, limit ?? images.count);
  const data = images.data.subarray(0, count * size);
  const C = vae.config.conditionDim;
  if (C === 0) return { ...images, count, data };
  const path = typeof labelsPath === 'string' ? labelsPath : mnist?.testLabels;
  if (path === undefined) throw new Error('this model is conditional: give --labels FILE (IDX labels of the images)');
  const labels = readIdxLabels(path, '--labels');
  if (labels.length < count) throw new Error(`${path} has ${labels.length} labels for ${count} images`);
  return { ...images, count, data, conditions: oneHot(labels.subarray(0, count), C) };
}

/** A PNG grid's tile: channels (1 grey, 3 RGB) × height × width. */
export interface TileShape { channels: 1 | 3; height: number; width: number }

/**
 * How to draw the model's rows: its inputShape; else (a model without one) the IDX images' 2-D shape, else the
 * nearest square, in grey. Throws with the reason when the rows cannot be drawn.
 */
export function tileShape(config: VAEConfig, images: { shape: number[] } | null): TileShape {
  const shape = config.inputShape;
  if (shape) {
    const [channels, height, width] = shape;
    if (channels !== 1 && channels !== 3) throw new Error(`cannot draw inputs of shape ${shape.join('×')}: pictures need 1 (grey) or 3 (RGB) channels`);
    return { channels, height, width };
  }
  if (images && images.shape.length === 2) return { channels: 1, height: images.shape[0], width: images.shape[1] };
  const side = Math.round(Math.sqrt(config.inputDim));
  if (side * side !== config.inputDim) throw new Error(`cannot draw ${config.inputDim}-value inputs as square images`);
  return { channels: 1, height: side, width: side };
}
