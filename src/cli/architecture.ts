// The model a new `wasm-vae train` run builds: the MLP of --hidden, the convolutional VAE of --conv (fitted to
// the images' channels and size), or any encoder and decoder layer lists from --arch FILE.json (src/types.ts
// LayerSpec); and an architecture as one readable line, for the run's summary and for --help.
// A resumed run builds nothing here: its architecture is the checkpoint's config.
import { layersOf } from '../files/layout.js';
import type { InputShape, LayerSpec, VAEConfig, VAEOptions } from '../types.js';
import type { TrainCommand } from './args.js';
import { readRegularFile } from './read-file.js';

/**
 * The --conv layers for [c, h, w] images: two conv2d layers (kernel 4, stride 2, padding 1) each halve the height
 * and width, ⌊(n + 2 − 4)/2⌋ + 1 = n/2 for even n, with 32 then 64 filters; the decoder's dense layer gives the
 * encoder's output shape [64, h/4, w/4] back, and two transposed convolutions double it, (n − 1)·2 − 2 + 4 = 2n,
 * to [32, h/2, w/2] and then the images' [c, h, w]. For MNIST this is the reference model of issue 19.
 */
export function convLayers([c, h, w]: InputShape): { encoder: LayerSpec[]; decoder: LayerSpec[] } {
  if (h % 4 !== 0 || w % 4 !== 0) {
    throw new Error(`--conv halves the images twice (two stride-2 convolutions), so their height and width must divide by 4; ` +
      `the data's images are ${h}×${w}`);
  }
  const conv = (type: 'conv2d' | 'convTranspose2d', filters: number): LayerSpec => ({ type, filters, kernel: 4, stride: 2, padding: 1 });
  return {
    encoder: [conv('conv2d', 32), conv('conv2d', 64)],
    decoder: [{ type: 'dense', units: 64 * (h / 4) * (w / 4), reshape: [64, h / 4, w / 4] }, conv('convTranspose2d', 32), conv('convTranspose2d', c)],
  };
}

/** The data's rows as [channels, height, width]: a folder's shape, or an IDX file's 2-D images as one channel. */
export function imageShapeOf(shape: readonly number[], inputShape: InputShape | undefined): InputShape | undefined {
  if (inputShape) return inputShape;
  if (shape.length === 2) return [1, shape[0], shape[1]];
  return shape.length === 3 ? [shape[0], shape[1], shape[2]] : undefined;
}

const ARCH_KEYS = ['encoder', 'decoder', 'latentDim', 'activation', 'likelihood', 'inputShape'];
/** The options an --arch file may also set, with their flags and TrainCommand fields. */
const SHARED = [['latentDim', '--latent', 'latentDim'], ['activation', '--activation', 'activation'], ['likelihood', '--likelihood', 'likelihood']] as const;

/** An --arch file's object: its keys are checked here, its values by VAE.create (whose errors name the file). */
export function readArchFile(path: string): Record<string, unknown> {
  const text = readRegularFile('--arch', path).toString('utf8').replace(/^\uFEFF/, ''); // a byte-order mark is not JSON's
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`--arch ${path}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const what = 'a JSON object with "encoder" and "decoder" layer lists';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`--arch ${path}: expected ${what}; found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!ARCH_KEYS.includes(key)) throw new Error(`--arch ${path}: unknown key ${JSON.stringify(key)} (expected ${ARCH_KEYS.join(', ')})`);
  }
  for (const key of ['encoder', 'decoder']) if (o[key] === undefined) throw new Error(`--arch ${path}: no "${key}" (expected ${what})`);
  return o;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const shown = (s: readonly number[]) => `[${s.join(', ')}]`;

/**
 * VAE.create's options for a new run. `cmd` gets the latent size, activation and likelihood an --arch file sets
 * (so that the checkpoint's command line records them); a flag given with another value is refused.
 */
export function modelOptions(cmd: TrainCommand, data: { inputDim: number; shape: readonly number[]; inputShape?: InputShape }, conditionDim: number): VAEOptions {
  const common = { inputDim: data.inputDim, seed: cmd.seed, conditionDim };
  const shape = imageShapeOf(data.shape, data.inputShape);
  if (cmd.conv) {
    if (!shape) throw new Error(`--conv needs images: the data's rows have shape ${shown(data.shape)}, not [height, width] or [channels, height, width]`);
    return { ...common, inputShape: shape, ...convLayers(shape), latentDim: cmd.latentDim, activation: cmd.activation as VAEConfig['activation'], likelihood: cmd.likelihood as VAEConfig['likelihood'] };
  }
  if (cmd.arch === undefined) {
    return { ...common, inputShape: data.inputShape, hiddenDims: cmd.hiddenDims, latentDim: cmd.latentDim, activation: cmd.activation as VAEConfig['activation'], likelihood: cmd.likelihood as VAEConfig['likelihood'] };
  }
  const file = readArchFile(cmd.arch);
  for (const [key, flag, field] of SHARED) {
    if (file[key] === undefined) continue;
    if (cmd.given.includes(flag.slice(2)) && file[key] !== cmd[field]) {
      throw new Error(`--arch ${cmd.arch} sets ${key} ${JSON.stringify(file[key])}, but ${flag} is ${cmd[field]}: give one of them`);
    }
    (cmd as unknown as Record<string, unknown>)[field] = file[key];
  }
  let inputShape = shape;
  if (file.inputShape !== undefined) {
    const given = file.inputShape as number[];
    // A file's inputShape must be the data's; flat rows (no shape) only need as many values.
    const fits = Array.isArray(given) && (shape ? sameShape(given, shape)
      : given.length === 3 && given.every(Number.isInteger) && given.reduce((a, b) => a * b, 1) === data.inputDim);
    if (!fits) {
      throw new Error(`--arch ${cmd.arch}: its inputShape ${Array.isArray(given) ? shown(given) : JSON.stringify(given)} is not the data's ` +
        `${shape ? shown(shape) : `${data.inputDim} values per row`}`);
    }
    inputShape = given as unknown as InputShape;
  }
  return { ...common, inputShape, encoder: file.encoder as LayerSpec[], decoder: file.decoder as LayerSpec[],
    latentDim: cmd.latentDim, activation: cmd.activation as VAEConfig['activation'], likelihood: cmd.likelihood as VAEConfig['likelihood'] };
}

const size = (s: readonly number[]) => s.join('x');

/**
 * A model's architecture in one line. An MLP: its widths, "784-400-20". Layer lists: the input, then each layer
 * (c: conv2d, t: convTranspose2d, with filters and output height×width; d: dense, with units and any reshape),
 * z, and the decoder: "conv 1x28x28 -> c32 14x14 -> c64 7x7 -> z20 -> d3136 (64x7x7) -> t32 14x14 -> t1 28x28".
 */
export function describeArchitecture(config: VAEConfig): string {
  if (!config.encoder || !config.decoder) return [config.inputDim, ...(config.hiddenDims ?? []), config.latentDim].join('-');
  const specs = [...config.encoder, null, null, ...config.decoder]; // the two heads sit between the lists
  const parts = layersOf(config).map((layer, i) => {
    const spec = specs[i];
    if (spec === null) return null;
    if (spec.type === 'dense') return `d${spec.units}${spec.reshape ? ` (${size(spec.reshape)})` : ''}`;
    return `${spec.type === 'conv2d' ? 'c' : 't'}${spec.filters} ${size(layer.outShape.slice(1))}`;
  });
  const convolutional = specs.some((s) => s !== null && s.type !== 'dense');
  const input = config.inputShape ? size(config.inputShape) : String(config.inputDim);
  const encoder = parts.slice(0, config.encoder.length), decoder = parts.slice(config.encoder.length + 2);
  return [`${convolutional ? 'conv' : 'dense'} ${input}`, ...encoder, `z${config.latentDim}`, ...decoder].join(' -> ');
}
