// The whole VAE in float64, layer by layer as assembly/model.ts orders it, for the loss that finite
// differences differentiate. Tensors come in the wasm order: per layer weight (out, in), then bias (out).
import { activationRef, bernoulliRef, denseForwardRef, gaussianRef, klRef, reparameterizeRef, type ActivationKind } from './kernels.js';

export interface RefConfig {
  inputDim: number;
  hiddenDims: number[];
  latentDim: number;
  activation: ActivationKind;
  likelihood: 'bernoulli' | 'gaussian';
  /** A conditional VAE's condition width; 0 or absent: none. */
  conditionDim?: number;
  /** The decoder's output width P when it is not inputDim (a likelihood with 'output' variances). */
  outputDim?: number;
}

/** [in, out, activated] per layer, in file order. */
export function refLayers(c: RefConfig): Array<[number, number, boolean]> {
  const H = c.hiddenDims.length, h = c.hiddenDims, C = c.conditionDim ?? 0;
  const layers: Array<[number, number, boolean]> = [];
  for (let i = 0; i < H; i++) layers.push([i === 0 ? c.inputDim + C : h[i - 1], h[i], true]);
  const encOut = H > 0 ? h[H - 1] : c.inputDim + C;
  layers.push([encOut, c.latentDim, false], [encOut, c.latentDim, false]);
  for (let i = 0; i < H; i++) layers.push([i === 0 ? c.latentDim + C : h[H - i], h[H - 1 - i], true]);
  layers.push([H > 0 ? h[0] : c.latentDim + C, c.outputDim ?? c.inputDim, false]);
  return layers;
}

/** Rows of [a (aCols) | b (bCols)]. */
function joinRows(a: ArrayLike<number>, aCols: number, b: ArrayLike<number>, bCols: number, rows: number): Float64Array {
  const out = new Float64Array(rows * (aCols + bCols));
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < aCols; j++) out[r * (aCols + bCols) + j] = a[r * aCols + j];
    for (let j = 0; j < bCols; j++) out[r * (aCols + bCols) + aCols + j] = b[r * bCols + j];
  }
  return out;
}

/**
 * (1/B)·Σ(reconstruction + β·KL) and its parts, per example. `conditions` (B × C) are joined to the encoder's and
 * the decoder's input; with free bits λ > 0 the objective's KL term is Σⱼ max(λ, KLⱼ), KLⱼ the batch mean of
 * dimension j (Kingma et al. 2016), reported as `klObjective`.
 */
export function refLoss(c: RefConfig, tensors: Float64Array[], x: ArrayLike<number>, eps: ArrayLike<number>,
  batch: number, beta: number, conditions: ArrayLike<number> = [], freeBits = 0,
  reconstruction?: (d: ArrayLike<number>) => number) {
  const layers = refLayers(c), H = c.hiddenDims.length, C = c.conditionDim ?? 0, L = c.latentDim;
  const apply = (l: number, input: ArrayLike<number>): Float64Array => {
    const [inDim, outDim, act] = layers[l];
    const y = denseForwardRef(input, tensors[2 * l], tensors[2 * l + 1], batch, inDim, outDim);
    return act ? y.map((v) => activationRef(c.activation, v)) : y;
  };
  let h: ArrayLike<number> = C > 0 ? joinRows(x, c.inputDim, conditions, C, batch) : x;
  for (let l = 0; l < H; l++) h = apply(l, h);
  const mu = apply(H, h), logvar = apply(H + 1, h);
  const z = reparameterizeRef(mu, logvar, eps);
  let d: ArrayLike<number> = C > 0 ? joinRows(z, L, conditions, C, batch) : z;
  for (let l = H + 2; l < layers.length; l++) d = apply(l, d);
  const rec = reconstruction ? reconstruction(d) : c.likelihood === 'bernoulli' ? bernoulliRef(d, x) : gaussianRef(d, x);
  const kl = klRef(mu, logvar);
  let klObjective = kl / batch;
  if (freeBits > 0) {
    klObjective = 0;
    for (let j = 0; j < L; j++) {
      let s = 0;
      for (let r = 0; r < batch; r++) s += klRef([mu[r * L + j]], [logvar[r * L + j]]);
      klObjective += Math.max(freeBits, s / batch);
    }
  }
  return { loss: (rec + beta * kl) / batch, reconstruction: rec / batch, kl: kl / batch, objective: rec / batch + beta * klObjective, klObjective };
}
