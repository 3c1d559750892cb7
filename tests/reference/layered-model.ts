// The whole VAE of a layer-list configuration in float64 (dense, Conv2d and ConvTranspose2d layers), for the loss
// that finite differences differentiate. Shapes come from src/files/layout.ts (what the model is); the arithmetic
// is the plain-loop oracles of ./kernels.ts and ./conv.ts. Tensors in the wasm order: per layer weight, then bias.
import { layersOf, type Layer } from '../../src/files/layout.js';
import type { VAEConfig } from '../../src/types.js';
import { conv2dRef, convTranspose2dRef, type ConvDims } from './conv.js';
import { activationRef, bernoulliRef, denseForwardRef, gaussianRef, klRef, reparameterizeRef, type Vec } from './kernels.js';

function joinRows(a: Vec, aCols: number, b: Vec, bCols: number, rows: number): Float64Array {
  const out = new Float64Array(rows * (aCols + bCols));
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < aCols; j++) out[r * (aCols + bCols) + j] = a[r * aCols + j];
    for (let j = 0; j < bCols; j++) out[r * (aCols + bCols) + aCols + j] = b[r * bCols + j];
  }
  return out;
}

function layerRef(l: Layer, input: Vec, w: Vec, b: Vec, batch: number): Float64Array {
  if (l.kind === 'dense') return denseForwardRef(input, w, b, batch, l.in, l.out);
  const d: ConvDims = { batch, inC: l.inShape[0], h: l.inShape[1], w: l.inShape[2], outC: l.outShape[0],
    kh: l.kernel[0], kw: l.kernel[1], stride: l.stride, pad: l.padding };
  return l.kind === 'conv2d' ? conv2dRef(input, w, b, d) : convTranspose2dRef(input, w, b, d);
}

/** (1/B)·Σ(reconstruction + β·KL) per example; `conditions` (B × C) join where layout.ts says they do. */
export function layeredLoss(c: VAEConfig, tensors: Float64Array[], x: Vec, eps: Vec, batch: number, beta: number, conditions: Vec = []) {
  const layers = layersOf(c), C = c.conditionDim;
  const apply = (i: number, input: Vec): Float64Array => {
    const l = layers[i];
    const joined = l.joinsCondition ? joinRows(input, l.in - C, conditions, C, batch) : input;
    const y = layerRef(l, joined, tensors[2 * i], tensors[2 * i + 1], batch);
    return l.activated ? y.map((v) => activationRef(c.activation, v)) : y;
  };
  const mean = layers.findIndex((l) => l.name === 'encoder.mean');
  let h: Vec = x;
  for (let i = 0; i < mean; i++) h = apply(i, h);
  const mu = apply(mean, h), logvar = apply(mean + 1, h);
  let d: Vec = reparameterizeRef(mu, logvar, eps);
  for (let i = mean + 2; i < layers.length; i++) d = apply(i, d);
  const rec = c.likelihood === 'bernoulli' ? bernoulliRef(d, x) : gaussianRef(d, x);
  const kl = klRef(mu, logvar);
  return { loss: (rec + beta * kl) / batch, reconstruction: rec / batch, kl: kl / batch };
}
