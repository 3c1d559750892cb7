// The model's layers and tensors from its configuration alone, in the wasm's parameter order
// (assembly/model.ts): encoder.i, encoder.mean, encoder.logvar, decoder.i, decoder.out; per layer its
// weight [out, in] (PyTorch's nn.Linear layout) then its bias [out]. Files are checked against this before any
// wasm is built.
import type { VAEConfig } from '../types.js';

export interface Layer {
  /** Our name for the layer: encoder.0, encoder.mean, …, decoder.out. */
  name: string;
  in: number;
  out: number;
}

export interface TensorShape {
  name: string;
  shape: number[];
}

export function layersOf(c: VAEConfig): Layer[] {
  const h = c.hiddenDims, H = h.length;
  const encoderIn = c.inputDim + c.conditionDim, decoderIn = c.latentDim + c.conditionDim; // [x, c] and [z, c]
  const layers: Layer[] = [];
  for (let i = 0; i < H; i++) layers.push({ name: `encoder.${i}`, in: i === 0 ? encoderIn : h[i - 1], out: h[i] });
  const encoderOut = H > 0 ? h[H - 1] : encoderIn;
  layers.push({ name: 'encoder.mean', in: encoderOut, out: c.latentDim });
  layers.push({ name: 'encoder.logvar', in: encoderOut, out: c.latentDim });
  for (let i = 0; i < H; i++) layers.push({ name: `decoder.${i}`, in: i === 0 ? decoderIn : h[H - i], out: h[H - 1 - i] });
  layers.push({ name: 'decoder.out', in: H > 0 ? h[0] : decoderIn, out: c.inputDim });
  return layers;
}

/** Tensor t of the wasm ABI is entry t: our names. */
export function tensorShapesOf(c: VAEConfig): TensorShape[] {
  return layersOf(c).flatMap((l) => [
    { name: `${l.name}.weight`, shape: [l.out, l.in] },
    { name: `${l.name}.bias`, shape: [l.out] },
  ]);
}

/** Weights and biases of every layer. */
export function parameterCountOf(c: VAEConfig): number {
  return layersOf(c).reduce((sum, l) => sum + (l.in + 1) * l.out, 0);
}
