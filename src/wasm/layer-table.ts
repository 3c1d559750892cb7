// The layer table model_init reads (assembly/abi.ts LAYER_SPEC_FIELDS u32 per layer, in model order), made from
// the layers files/layout.ts follows through the configuration.
import * as abi from '../../build/abi.js';
import { encoderJoinIndex, layersOf, type LayerKind } from '../files/layout.js';
import { likelihoodTableOf } from '../checks/likelihood.js';
import type { VAEConfig } from '../types.js';

const KIND_CODES: Readonly<Record<LayerKind, number>> = {
  dense: abi.LAYER_DENSE, conv2d: abi.LAYER_CONV2D, convTranspose2d: abi.LAYER_CONV_TRANSPOSE2D,
};

export interface LayerTable {
  records: Uint32Array;
  count: number;
  encoderLayers: number;
  /** The layer whose input the condition joins (assembly/model.ts Layout.joinAt). */
  joinAt: number;
  /**
   * Whether the model needs the full build (build_conv: the convolution layers and the likelihood blocks): a layer is
   * a convolution, or the model has a likelihood table.
   */
  full: boolean;
  /** The likelihood table model_init reads right after the layer records (checks/likelihood.ts), or null. */
  likelihood: Uint32Array | null;
}

/** The layer records, then the likelihood table when the model has one: model_init's `records`. */
export function recordsOf(table: LayerTable): Uint32Array {
  if (!table.likelihood) return table.records;
  const all = new Uint32Array(table.records.length + table.likelihood.length);
  all.set(table.records);
  all.set(table.likelihood, table.records.length);
  return all;
}

export function layerTableOf(config: VAEConfig): LayerTable {
  const layers = layersOf(config), F = abi.LAYER_SPEC_FIELDS;
  const records = new Uint32Array(layers.length * F);
  layers.forEach((l, i) => {
    const r = records.subarray(i * F, (i + 1) * F);
    r[abi.SPEC_KIND] = KIND_CODES[l.kind];
    [r[abi.SPEC_IN_C], r[abi.SPEC_IN_H], r[abi.SPEC_IN_W]] = l.inShape;
    [r[abi.SPEC_OUT_C], r[abi.SPEC_OUT_H], r[abi.SPEC_OUT_W]] = l.outShape; // a dense layer's is [out, 1, 1], reshape or not
    [r[abi.SPEC_KERNEL_H], r[abi.SPEC_KERNEL_W]] = l.kernel;
    r[abi.SPEC_STRIDE] = l.stride;
    r[abi.SPEC_PADDING] = l.padding;
    r[abi.SPEC_ACTIVATED] = l.activated ? 1 : 0;
  });
  const likelihood = likelihoodTableOf(config);
  return {
    records, count: layers.length, likelihood, encoderLayers: layers.findIndex((l) => l.name === 'encoder.mean'),
    joinAt: encoderJoinIndex(config.encoder ?? []), // an MLP's: 0 (its encoder is all dense)
    full: layers.some((l) => l.kind !== 'dense') || likelihood !== null,
  };
}
