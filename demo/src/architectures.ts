// The page's two models for 28×28 digits: an MLP of dense hidden layers, and the convolutional VAE of the
// wasm-vae CLI's `train --conv` (two stride-2 convolutions down to 64×7×7, a dense layer back to that shape,
// two stride-2 transposed convolutions up to the image), both as VAE.create configurations; and a model's
// architecture as a short line for the page.
import type { VAEConfig } from 'wasm-vae';

export type Architecture = 'mlp' | 'conv';

type Layers = NonNullable<VAEConfig['encoder']>;

/** Kernel 4, stride 2, padding 1: ⌊(n + 2 − 4)/2⌋ + 1 = n/2 down, (n − 1)·2 − 2 + 4 = 2n up (PyTorch's sizes). */
const conv = (type: 'conv2d' | 'convTranspose2d', filters: number) => ({ type, filters, kernel: 4, stride: 2, padding: 1 }) as const;

export const CONV_LAYERS: { encoder: Layers; decoder: Layers } = {
  encoder: [conv('conv2d', 32), conv('conv2d', 64)],
  decoder: [{ type: 'dense', units: 64 * 7 * 7, reshape: [64, 7, 7] }, conv('convTranspose2d', 32), conv('convTranspose2d', 1)],
};

/** What the controls choose, as VAE.create's configuration. */
export function configFor(architecture: Architecture, hiddenDims: number[], rest: Pick<VAEConfig, 'latentDim' | 'likelihood' | 'conditionDim'>): VAEConfig {
  const common = { inputDim: 784, activation: 'relu', seed: 1, ...rest } as const;
  if (architecture === 'mlp') return { ...common, hiddenDims };
  return { ...common, inputShape: [1, 28, 28], ...CONV_LAYERS };
}

/** "784-400-2" for an MLP; layer lists as "conv c32-c64-z2-d3136-t32-t1" (c: conv2d, t: transposed, d: dense). */
export function describeModel(config: VAEConfig): string {
  if (!config.encoder || !config.decoder) return [config.inputDim, ...(config.hiddenDims ?? []), config.latentDim].join('-');
  const name = (l: Layers[number]) => (l.type === 'dense' ? `d${l.units}` : `${l.type === 'conv2d' ? 'c' : 't'}${l.filters}`);
  const layers = [...config.encoder, ...config.decoder];
  const kind = layers.some((l) => l.type !== 'dense') ? 'conv' : 'dense';
  return `${kind} ${[...config.encoder.map(name), `z${config.latentDim}`, ...config.decoder.map(name)].join('-')}`;
}
