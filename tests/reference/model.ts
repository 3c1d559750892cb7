// The whole VAE in float64, layer by layer as assembly/model.ts orders it, for the loss that finite
// differences differentiate. Tensors come in the wasm order: per layer weight (out, in), then bias (out).
import { activationRef, bernoulliRef, denseForwardRef, gaussianRef, klRef, reparameterizeRef, type ActivationKind } from './kernels.js';

export interface RefConfig {
  inputDim: number;
  hiddenDims: number[];
  latentDim: number;
  activation: ActivationKind;
  likelihood: 'bernoulli' | 'gaussian';
}

/** [in, out, activated] per layer, in file order. */
export function refLayers(c: RefConfig): Array<[number, number, boolean]> {
  const H = c.hiddenDims.length, h = c.hiddenDims;
  const layers: Array<[number, number, boolean]> = [];
  for (let i = 0; i < H; i++) layers.push([i === 0 ? c.inputDim : h[i - 1], h[i], true]);
  const encOut = H > 0 ? h[H - 1] : c.inputDim;
  layers.push([encOut, c.latentDim, false], [encOut, c.latentDim, false]);
  for (let i = 0; i < H; i++) layers.push([i === 0 ? c.latentDim : h[H - i], h[H - 1 - i], true]);
  layers.push([H > 0 ? h[0] : c.latentDim, c.inputDim, false]);
  return layers;
}

/** (1/B)·Σ(reconstruction + β·KL) and its parts, per example. */
export function refLoss(c: RefConfig, tensors: Float64Array[], x: ArrayLike<number>, eps: ArrayLike<number>,
  batch: number, beta: number) {
  const layers = refLayers(c), H = c.hiddenDims.length;
  const apply = (l: number, input: ArrayLike<number>): Float64Array => {
    const [inDim, outDim, act] = layers[l];
    const y = denseForwardRef(input, tensors[2 * l], tensors[2 * l + 1], batch, inDim, outDim);
    return act ? y.map((v) => activationRef(c.activation, v)) : y;
  };
  let h: ArrayLike<number> = x;
  for (let l = 0; l < H; l++) h = apply(l, h);
  const mu = apply(H, h), logvar = apply(H + 1, h);
  let d: ArrayLike<number> = reparameterizeRef(mu, logvar, eps);
  for (let l = H + 2; l < layers.length; l++) d = apply(l, d);
  const rec = c.likelihood === 'bernoulli' ? bernoulliRef(d, x) : gaussianRef(d, x);
  const kl = klRef(mu, logvar);
  return { loss: (rec + beta * kl) / batch, reconstruction: rec / batch, kl: kl / batch };
}
