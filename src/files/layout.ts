// The model's layers and tensors from its configuration alone, in the wasm's parameter order
// (assembly/model.ts): the encoder's layers, encoder.mean, encoder.logvar, the decoder's layers, decoder.out; per
// layer its weight (PyTorch's layout: nn.Linear [out, in], nn.Conv2d [out, in, kH, kW], nn.ConvTranspose2d
// [in, out, kH, kW]) then its bias [out]. Shapes are followed from the input through every layer here, so a
// configuration that does not fit together is refused (with the layer and both shapes) before any wasm is built,
// and files are checked against these shapes.
import { logvarLengthOf, outputWidthOf } from '../checks/likelihood.js';
import type { ConvLayerSpec, InputShape, LayerSpec, VAEConfig } from '../types.js';

export type LayerKind = LayerSpec['type'];

export interface Layer {
  /** Our name for the layer: encoder.0, encoder.mean, …, decoder.out. */
  name: string;
  kind: LayerKind;
  /** Values per example in (the condition included where it joins) and out. */
  in: number;
  out: number;
  /** [channels, height, width] in and out of a convolution; a dense layer is [in, 1, 1] → [out, 1, 1]. */
  inShape: InputShape;
  outShape: InputShape;
  kernel: readonly [number, number];
  stride: number;
  padding: number;
  /** Whether the model's activation follows (every layer but the heads and decoder.out). */
  activated: boolean;
  /** Where the condition joins, for a conditional VAE: the encoder's first dense layer and decoder.0. */
  joinsCondition: boolean;
}

export interface TensorShape {
  name: string;
  shape: number[];
}

/** Why a configuration's layers do not fit together; resolveConfig reports it as INVALID_CONFIG. */
export class ShapeError extends Error {}

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const shown = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** The MLP of hiddenDims as layer lists: the encoder's dense layers, and the decoder's in reverse then the output. */
function mlpLists(c: VAEConfig): { encoder: readonly LayerSpec[]; decoder: readonly LayerSpec[] } {
  const h = c.hiddenDims ?? [];
  return {
    encoder: h.map((units) => ({ type: 'dense', units })),
    decoder: [...h.slice().reverse(), c.inputDim].map((units) => ({ type: 'dense', units })),
  };
}

/** A convolution's output along one axis: ⌊(n + 2p − k)/s⌋ + 1, or (n − 1)·s − 2p + k transposed (PyTorch's). */
function convOut(kind: LayerKind, n: number, k: number, s: number, p: number): number {
  return kind === 'conv2d' ? Math.floor((n + 2 * p - k) / s) + 1 : (n - 1) * s - 2 * p + k;
}

function kernelOf(spec: ConvLayerSpec): readonly [number, number] {
  return typeof spec.kernel === 'number' ? [spec.kernel, spec.kernel] : [spec.kernel[0], spec.kernel[1]];
}

/**
 * Follows the shapes through one side's list. `shape` is what comes in ([n] when flat: after a dense layer without
 * reshape, or z); `joinAt` is the list index whose input the condition joins (-1: none here).
 */
function followList(side: 'encoder' | 'decoder', specs: readonly LayerSpec[], start: readonly number[], C: number, joinAt: number,
  names: (i: number) => string, layers: Layer[]): readonly number[] {
  let shape = start;
  specs.forEach((spec, i) => {
    const name = names(i), join = i === joinAt ? C : 0, last = side === 'decoder' && i === specs.length - 1;
    if (spec.type === 'dense') {
      const inValues = product(shape) + join;
      layers.push({ name, kind: 'dense', in: inValues, out: spec.units, inShape: [inValues, 1, 1], outShape: [spec.units, 1, 1],
        kernel: [1, 1], stride: 1, padding: 0, activated: !last, joinsCondition: join > 0 });
      shape = spec.reshape ? [...spec.reshape] : [spec.units];
      return;
    }
    if (shape.length !== 3) {
      throw new ShapeError(`${name} (${spec.type}) expected an input of shape [channels, height, width]; received ${shown(shape)} ` +
        `(a flat vector: give the layer before it a reshape${side === 'encoder' ? ', or the model an inputShape' : ''})`);
    }
    const [kh, kw] = kernelOf(spec), s = spec.stride ?? 1, p = spec.padding ?? 0;
    const [c, h, w] = shape;
    const out: InputShape = [spec.filters, convOut(spec.type, h, kh, s, p), convOut(spec.type, w, kw, s, p)];
    if (out[1] < 1 || out[2] < 1) {
      throw new ShapeError(`${name} (${spec.type}, kernel ${kh}×${kw}, stride ${s}, padding ${p}) expected an input large enough ` +
        `for its kernel; received ${shown(shape)}, which would give ${shown(out)}`);
    }
    layers.push({ name, kind: spec.type, in: c * h * w, out: product(out), inShape: [c, h, w], outShape: out,
      kernel: [kh, kw], stride: s, padding: p, activated: !last, joinsCondition: false });
    shape = out;
  });
  return shape;
}

/** Index of the encoder layer the condition joins: its first dense layer, or the heads' (the list's length). */
export function encoderJoinIndex(encoder: readonly LayerSpec[]): number {
  const i = encoder.findIndex((l) => l.type === 'dense');
  return i < 0 ? encoder.length : i;
}

/** Every layer of the model, in the wasm's order; throws ShapeError when the lists do not fit together. */
export function layersOf(c: VAEConfig): Layer[] {
  const { encoder, decoder } = c.encoder && c.decoder ? { encoder: c.encoder, decoder: c.decoder } : mlpLists(c);
  const C = c.conditionDim, L = c.latentDim, layers: Layer[] = [];
  const join = encoderJoinIndex(encoder);
  const encoded = followList('encoder', encoder, c.inputShape ?? [c.inputDim], C, join, (i) => `encoder.${i}`, layers);
  const headIn = product(encoded) + (join === encoder.length ? C : 0);
  for (const name of ['encoder.mean', 'encoder.logvar']) {
    layers.push({ name, kind: 'dense', in: headIn, out: L, inShape: [headIn, 1, 1], outShape: [L, 1, 1], kernel: [1, 1],
      stride: 1, padding: 0, activated: false, joinsCondition: join === encoder.length && C > 0 });
  }
  if (decoder.length === 0 || decoder[0].type !== 'dense') {
    throw new ShapeError(`decoder.0 expected a dense layer (z is a vector of ${L + C} values); received ` +
      `${decoder.length === 0 ? 'an empty decoder' : `a ${decoder[0].type} layer`}`);
  }
  const last = decoder.length - 1;
  const decoded = followList('decoder', decoder, [L], C, 0, (i) => (i === last ? 'decoder.out' : `decoder.${i}`), layers);
  const expected = c.inputShape ?? [c.inputDim];
  const fits = decoded.length === 1 ? decoded[0] === c.inputDim : decoded.every((d, i) => d === expected[i]) && expected.length === 3;
  if (!fits) {
    throw new ShapeError(`decoder.out expected to end at the input's shape ${shown(expected)}; it gives ${shown(decoded)}`);
  }
  widenOutput(c, layers[layers.length - 1]);
  return layers;
}

/**
 * decoder.out gives the likelihood's P ≥ inputDim parameters (checks/likelihood.ts): with 'output' variances, the
 * log-variances after the means. A dense layer gets P units; a convolution doubles its channels (means first), which
 * is P only when every column's variance is 'output'.
 */
function widenOutput(c: VAEConfig, out: Layer): void {
  const P = outputWidthOf(c);
  if (P === c.inputDim) return;
  if (out.kind === 'dense') {
    out.out = P; out.outShape = [P, 1, 1];
    return;
  }
  if (P !== 2 * c.inputDim) {
    throw new ShapeError(`decoder.out (${out.kind}) can give log-variances only for every column (its channels doubled); ` +
      `received variance 'output' for ${P - c.inputDim} of ${c.inputDim} columns (end the decoder with a dense layer instead)`);
  }
  out.out = P; out.outShape = [2 * out.outShape[0], out.outShape[1], out.outShape[2]];
}

/** A layer's weight shape, as PyTorch stores it. */
export function weightShapeOf(l: Layer): number[] {
  if (l.kind === 'dense') return [l.out, l.in];
  const [inC, outC] = [l.inShape[0], l.outShape[0]];
  return l.kind === 'conv2d' ? [outC, inC, ...l.kernel] : [inC, outC, ...l.kernel];
}

/** Tensor t of the wasm ABI is entry t: our names. */
export function tensorShapesOf(c: VAEConfig): TensorShape[] {
  const n = logvarLengthOf(c);
  return layersOf(c).flatMap((l) => [
    { name: `${l.name}.weight`, shape: weightShapeOf(l) },
    { name: `${l.name}.bias`, shape: [l.outShape[0]] },
  ]).concat(n > 0 ? [{ name: 'decoder.logvar', shape: [n] }] : []); // learned log-variances, after the layers
}

/** Weights and biases of every layer, and decoder.logvar's values. */
export function parameterCountOf(c: VAEConfig): number {
  return layersOf(c).reduce((sum, l) => sum + product(weightShapeOf(l)) + l.outShape[0], 0) + logvarLengthOf(c);
}
