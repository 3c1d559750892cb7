// Element-wise activations, forward in place and backward from the activation's output.
// Padding rule (./padding.ts): they process ⌈n/4⌉ whole groups of four floats.
import { VecF, VBYTES, vsplat, vload, vstore, vadd, vsub, vmul, vmin, vmax, vpmax, vgt, vlt, vselect, vkeep, iand } from '~lib/lanes';
import { vsigmoid, vtanh } from './vmath';
import { paddedBytes } from './padding';

export {
  ACTIVATION_RELU as RELU, ACTIVATION_LEAKY_RELU as LEAKY_RELU, ACTIVATION_TANH as TANH, ACTIVATION_SIGMOID as SIGMOID,
} from '../abi';
import { ACTIVATION_RELU as RELU, ACTIVATION_LEAKY_RELU as LEAKY_RELU, ACTIVATION_TANH as TANH, ACTIVATION_SIGMOID as SIGMOID } from '../abi';

/** PyTorch's default negative slope for LeakyReLU. */
export const LEAKY_SLOPE: f32 = 0.01;

/**
 * max(x, 0) lane-wise with wasm max's bits (relu(-0) = +0, NaN stays NaN), as pmax(x, 0) + 0: pmax keeps −0 and NaN,
 * and adding +0 turns −0 into +0. Two instructions on x64 where f32x4.max costs about eight in Node 20's V8.
 */
// @ts-ignore: decorator
@inline export function vrelu(x: VecF): VecF { const zero = vsplat(0); return vadd(vpmax(x, zero), zero); }
/** x > 0 ? x : 0.01x lane-wise. */
// @ts-ignore: decorator
@inline export function vleakyRelu(x: VecF): VecF { return vselect(x, vmul(x, vsplat(LEAKY_SLOPE)), vgt(x, vsplat(0))); }
/** The same two on one f32 (gemm's scalar tail), with the same IEEE operations. */
// @ts-ignore: decorator
@inline export function relu1(x: f32): f32 { return max(x, <f32>0); }
// @ts-ignore: decorator
@inline export function leakyRelu1(x: f32): f32 { return x > 0 ? x : x * LEAKY_SLOPE; }

/** True for the activations gemm applies to each finished tile (cheap, element-wise, no exp). */
export function fusable(kind: i32): bool { return kind == RELU || kind == LEAKY_RELU; }

/** y = f(y) in place: relu max(0,x); leaky x>0 ? x : 0.01x; tanh; sigmoid 1/(1+e^-x). */
export function activation_forward(kind: i32, y: usize /* (n) */, n: i32): void {
  const end = y + paddedBytes(n);
  if (kind == RELU) {
    for (let p = y; p < end; p += VBYTES) vstore(p, vrelu(vload(p)));
  } else if (kind == LEAKY_RELU) {
    for (let p = y; p < end; p += VBYTES) vstore(p, vleakyRelu(vload(p)));
  } else if (kind == TANH) {
    for (let p = y; p < end; p += VBYTES) vstore(p, vtanh(vload(p)));
  } else {
    for (let p = y; p < end; p += VBYTES) vstore(p, vsigmoid(vload(p)));
  }
}

/**
 * dy = dy·f'(x) in place, with f' written in terms of the output y = f(x) (so no pre-activation is kept):
 * relu [y>0]; leaky y>0 ? 1 : 0.01; tanh 1-y²; sigmoid y(1-y).
 */
export function activation_backward(kind: i32, dy: usize /* (n) */, y: usize /* (n) */, n: i32): void {
  const bytes = paddedBytes(n);
  const zero = vsplat(0), one = vsplat(1), slope = vsplat(LEAKY_SLOPE);
  for (let o: usize = 0; o < bytes; o += VBYTES) {
    const out = vload(y + o), g = vload(dy + o);
    let d: VecF;
    if (kind == RELU) d = vkeep(g, vgt(out, zero));
    else if (kind == LEAKY_RELU) d = vselect(g, vmul(g, slope), vgt(out, zero));
    else if (kind == TANH) d = vmul(g, vsub(one, vmul(out, out)));
    else d = vmul(g, vmul(out, vsub(one, out)));
    vstore(dy + o, d);
  }
}

/** y = min(max(y, lo), hi) in place (PyTorch's hardtanh / torch.clamp). Padding rule. */
export function clamp_forward(y: usize /* (n) */, n: i32, lo: f32, hi: f32): void {
  const bytes = paddedBytes(n), l = vsplat(lo), h = vsplat(hi);
  for (let o: usize = 0; o < bytes; o += VBYTES) vstore(y + o, vmin(vmax(vload(y + o), l), h));
}

/**
 * dy = dy·[lo < y < hi] in place, from the clamped output y: no gradient flows through a value held at a bound
 * (torch.clamp's gradient, except at exactly the bound, where PyTorch passes it and this does not). Padding rule.
 */
export function clamp_backward(dy: usize /* (n) */, y: usize /* (n) */, n: i32, lo: f32, hi: f32): void {
  const bytes = paddedBytes(n), l = vsplat(lo), h = vsplat(hi);
  for (let o: usize = 0; o < bytes; o += VBYTES) {
    const out = vload(y + o);
    vstore(dy + o, vkeep(vload(dy + o), iand(vgt(out, l), vlt(out, h))));
  }
}
