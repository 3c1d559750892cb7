// What a model is made of, as its configuration names it: the activation, the likelihood (with the Gaussian's
// variance and likelihood blocks), the scaling kept with the model, and the layers of an encoder or decoder list.
// Re-exported by ./types.ts with the rest of the public types.

export type Activation = 'relu' | 'leakyRelu' | 'tanh' | 'sigmoid';

/**
 * p(x|z): Bernoulli on logits (targets in [0, 1]), a Gaussian (unit variance unless `variance` says otherwise), or a
 * list of blocks that split the columns in order, each with its own likelihood (mixed, tabular data).
 */
export type Likelihood = 'bernoulli' | 'gaussian' | readonly LikelihoodBlock[];

/**
 * The Gaussian's variance: 'unit' (σ = 1, the MSE form), 'shared' (one learned log σ², the σ-VAE), 'feature' (one
 * learned log σ² per column), 'output' (the decoder predicts log σ² per example and column, as a second head). Learned
 * log-variances are clamped to [−30, 20], as the encoder's are.
 */
export type GaussianVariance = 'unit' | 'shared' | 'feature' | 'output';

/**
 * One block of a likelihood list: `gaussian: w` real columns (with their own `variance`, default 'unit'),
 * `categorical: k` columns holding a one-hot row of k ≥ 2 classes (softmax cross-entropy), or `bernoulli: w` columns
 * in [0, 1]. Block 0 takes x[0 .. w₀), the next block the columns after, and the widths sum to inputDim.
 */
export type LikelihoodBlock =
  | { readonly gaussian: number; readonly variance?: GaussianVariance }
  | { readonly categorical: number }
  | { readonly bernoulli: number };

/** How a model scales its data (VAEConfig.normalize). */
export type Normalize = 'standardize' | 'minmax' | 'none';

/**
 * A model's per-column statistics (`vae.normalization`): the model sees x = (raw − shift) / scale, and returns
 * raw = x·scale + shift. Columns that are not scaled have shift 0 and scale 1. Float32 values, inputDim each.
 */
export interface Normalization {
  readonly shift: Float32Array;
  readonly scale: Float32Array;
}

/**
 * A fully connected layer of `units` outputs. Its input is flattened; `reshape` gives its output a shape
 * [channels, height, width] (as `.view(-1, C, H, W)`) for a convolution that follows.
 */
export interface DenseLayerSpec {
  readonly type: 'dense';
  readonly units: number;
  readonly reshape?: InputShape;
}

/**
 * PyTorch's nn.Conv2d or nn.ConvTranspose2d (dilation 1, groups 1, output_padding 0) with `filters` output
 * channels: a square `kernel` or [height, width], one `stride` (default 1) and zero `padding` (default 0) for both
 * axes. Weights are stored as PyTorch does: [out, in, kH, kW] for conv2d, [in, out, kH, kW] for convTranspose2d.
 */
export interface ConvLayerSpec {
  readonly type: 'conv2d' | 'convTranspose2d';
  readonly filters: number;
  readonly kernel: number | readonly [height: number, width: number];
  readonly stride?: number;
  readonly padding?: number;
}

/** One layer of an encoder or decoder list. The model's activation follows each one but the decoder's last. */
export type LayerSpec = DenseLayerSpec | ConvLayerSpec;

/** An image's [channels, height, width]. */
export type InputShape = readonly [channels: number, height: number, width: number];
