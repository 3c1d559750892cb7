// Checking one encoder or decoder layer list of a configuration (src/types.ts LayerSpec): each layer's type and
// fields, with defaults filled in (stride 1, padding 0). Whether the layers fit together is files/layout.ts's
// check of their shapes.
import type { InputShape, LayerSpec } from '../types.js';

const MAX_LAYERS = 16;
const MAX_UNITS = 1 << 16;
const MAX_KERNEL = 32;
const MAX_STRIDE = 16;
const TYPES = ['dense', 'conv2d', 'convTranspose2d'];

type Fail = (what: string, expected: string, value: unknown) => never;

const isInt = (v: unknown, lo: number, hi: number): v is number => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/** A checked, frozen copy of `value` as a layer list; `side` names it in errors ("encoder", "decoder"). */
export function resolveLayerList(value: unknown, side: string, fail: Fail): readonly LayerSpec[] {
  if (!Array.isArray(value) || value.length > MAX_LAYERS) fail(side, `an array of at most ${MAX_LAYERS} layers`, value);
  return Object.freeze((value as unknown[]).map((layer, i) => resolveLayer(layer, `${side}[${i}]`, fail)));
}

function resolveLayer(value: unknown, at: string, fail: Fail): LayerSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(at, 'a layer object such as { type: "dense", units: 64 }', value);
  const o = value as Record<string, unknown>;
  if (!TYPES.includes(o.type as string)) fail(`${at}.type`, `one of ${TYPES.join(', ')}`, o.type);
  const keys = o.type === 'dense' ? ['type', 'units', 'reshape'] : ['type', 'filters', 'kernel', 'stride', 'padding'];
  for (const key of Object.keys(o)) if (!keys.includes(key) && o[key] !== undefined) fail(`${at}: key "${key}"`, `one of ${keys.join(', ')}`, key);
  if (o.type === 'dense') {
    if (!isInt(o.units, 1, MAX_UNITS)) fail(`${at}.units`, `an integer in [1, ${MAX_UNITS}]`, o.units);
    if (o.reshape === undefined) return Object.freeze({ type: 'dense', units: o.units as number });
    const r = o.reshape;
    const ok = Array.isArray(r) && r.length === 3 && r.every((d) => isInt(d, 1, MAX_UNITS)) && r[0] * r[1] * r[2] === o.units;
    if (!ok) fail(`${at}.reshape`, `[channels, height, width] of ${o.units as number} values (its units)`, r);
    return Object.freeze({ type: 'dense', units: o.units as number, reshape: Object.freeze([...(r as number[])]) as unknown as InputShape });
  }
  if (!isInt(o.filters, 1, MAX_UNITS)) fail(`${at}.filters`, `an integer in [1, ${MAX_UNITS}]`, o.filters);
  const k = o.kernel;
  const square = isInt(k, 1, MAX_KERNEL);
  if (!square && !(Array.isArray(k) && k.length === 2 && k.every((d) => isInt(d, 1, MAX_KERNEL)))) {
    fail(`${at}.kernel`, `an integer in [1, ${MAX_KERNEL}] or [height, width] of two`, k);
  }
  const stride = o.stride ?? 1, padding = o.padding ?? 0, smallest = square ? (k as number) : Math.min(...(k as number[]));
  if (!isInt(stride, 1, MAX_STRIDE)) fail(`${at}.stride`, `an integer in [1, ${MAX_STRIDE}]`, stride);
  if (!isInt(padding, 0, smallest - 1)) fail(`${at}.padding`, `an integer in [0, ${smallest - 1}] (below the kernel size)`, padding);
  const kernel = square ? (k as number) : Object.freeze([...(k as number[])]) as unknown as readonly [number, number];
  return Object.freeze({ type: o.type as 'conv2d' | 'convTranspose2d', filters: o.filters as number, kernel, stride: stride as number, padding: padding as number });
}
