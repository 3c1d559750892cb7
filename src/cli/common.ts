// What the commands beside `train` share: option parsing with node:util, the model file, the images (IDX, MNIST's
// test set by default) with their labels as one-hot conditions for a conditional model, and PNG grids.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { oneHot, VAE } from '../index.js';
import { numberOption } from './args.js';
import { mnistPaths, readIdxImages, readIdxLabels, type IdxImages } from './idx.js';
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

export async function loadModel(path: unknown): Promise<VAE> {
  if (typeof path !== 'string') throw new Error('--model FILE is required (a .safetensors file written by wasm-vae train, or a pytorch/examples state dict)');
  return VAE.load(new Uint8Array(readRegularFile('--model', path)));
}

export interface Dataset extends IdxImages {
  /** One-hot rows for a conditional model, else undefined. */
  conditions?: Float32Array;
}

/** Images (default: MNIST's test set) checked against the model, with conditions from labels when it is conditional. */
export function readDataset(vae: VAE, dataPath: unknown, labelsPath: unknown, limit?: number): Dataset {
  const mnist = dataPath === undefined ? mnistPaths() : null;
  const images = readIdxImages(typeof dataPath === 'string' ? dataPath : mnist!.test, '--data');
  const size = images.shape.reduce((a, b) => a * b, 1);
  if (size !== vae.config.inputDim) throw new Error(`the images have ${size} values each; the model takes ${vae.config.inputDim}`);
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

/** The image shape for PNG grids: the IDX shape when 2-D, else the nearest square. */
export function tileShape(images: { shape: number[] } | null, inputDim: number): [number, number] {
  if (images && images.shape.length === 2) return [images.shape[0], images.shape[1]];
  const side = Math.round(Math.sqrt(inputDim));
  if (side * side !== inputDim) throw new Error(`cannot draw ${inputDim}-value inputs as square images`);
  return [side, side];
}
