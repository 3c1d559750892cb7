// Element-wise activations, forward in place and backward from the activation's output.
// Padding rule (all element-wise kernels): they process ⌈n/4⌉ whole vectors, so they may read and write up to
// 3 floats past n; every buffer they are given is an arena region, whose size the arena rounds up to 16 bytes.
import { sigmoid4, tanh4 } from './vmath';

export const RELU: i32 = 0;
export const LEAKY_RELU: i32 = 1;
export const TANH: i32 = 2;
export const SIGMOID: i32 = 3;

/** PyTorch's default negative slope for LeakyReLU. */
export const LEAKY_SLOPE: f32 = 0.01;

/** y = f(y) in place: relu max(0,x); leaky x>0 ? x : 0.01x; tanh; sigmoid 1/(1+e^-x). */
export function activation_forward(kind: i32, y: usize /* (n) */, n: i32): void {
  const end = y + (<usize>n << 2);
  const zero = f32x4.splat(0), slope = f32x4.splat(LEAKY_SLOPE);
  if (kind == RELU) {
    for (let p = y; p < end; p += 16) v128.store(p, f32x4.max(v128.load(p), zero));
  } else if (kind == LEAKY_RELU) {
    for (let p = y; p < end; p += 16) {
      const x = v128.load(p);
      v128.store(p, v128.bitselect(x, f32x4.mul(x, slope), f32x4.gt(x, zero)));
    }
  } else if (kind == TANH) {
    for (let p = y; p < end; p += 16) v128.store(p, tanh4(v128.load(p)));
  } else {
    for (let p = y; p < end; p += 16) v128.store(p, sigmoid4(v128.load(p)));
  }
}

/**
 * dy = dy·f'(x) in place, with f' written in terms of the output y = f(x) (so no pre-activation is kept):
 * relu [y>0]; leaky y>0 ? 1 : 0.01; tanh 1-y²; sigmoid y(1-y).
 */
export function activation_backward(kind: i32, dy: usize /* (n) */, y: usize /* (n) */, n: i32): void {
  const count = (<usize>n + 3) >> 2;
  const zero = f32x4.splat(0), one = f32x4.splat(1), slope = f32x4.splat(LEAKY_SLOPE);
  for (let v: usize = 0; v < count; v++) {
    const off = v << 4;
    const out = v128.load(y + off), g = v128.load(dy + off);
    let d: v128;
    if (kind == RELU) d = v128.and(g, f32x4.gt(out, zero));
    else if (kind == LEAKY_RELU) d = v128.bitselect(g, f32x4.mul(g, slope), f32x4.gt(out, zero));
    else if (kind == TANH) d = f32x4.mul(g, f32x4.sub(one, f32x4.mul(out, out)));
    else d = f32x4.mul(g, f32x4.mul(out, f32x4.sub(one, out)));
    v128.store(dy + off, d);
  }
}
