// Adam (Kingma & Ba 2015, Algorithm 1) over one flat parameter block, in PyTorch's arrangement of the
// bias corrections so that training curves compare:  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
//   p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)
// Padding rule: n is a multiple of 4 (the model's blocks are), so there is no tail.
import { VBYTES, vsplat, vload, vstore, vadd, vsub, vmul, vdiv, vsqrt, vmin, vmax } from '~lib/lanes';

const FLOAT_MAX: f32 = 3.4028234663852886e38;

/** base^t for t >= 0 by binary exponentiation: f64 products only, so every engine gives the same bits (and the
 *  module carries no general pow). */
function powInt(base: f64, t: i32): f64 {
  let result: f64 = 1;
  while (t > 0) {
    if (t & 1) result *= base;
    base *= base;
    t >>= 1;
  }
  return result;
}

/** One Adam step at step count t (1-based): the bias corrections, then adam_update. */
export function adam_step(
  p: usize, g: usize, m: usize, v: usize, // each (n)
  n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, t: i32
): void {
  const bc1 = 1.0 - powInt(<f64>beta1, t);
  const bc2 = 1.0 - powInt(<f64>beta2, t);
  adam_update(p, g, m, v, n, <f32>(<f64>lr / bc1), <f32>(1.0 / Math.sqrt(bc2)), beta1, beta2, eps);
}

/**
 * The update with the bias corrections folded in: stepSize = lr/(1−β₁ᵗ), invSqrtBc2 = 1/√(1−β₂ᵗ). A function of
 * its own so that they arrive as parameters: Node 20's V8 otherwise schedules their f64 sqrt and divisions
 * inside the loop, once per vector, which doubles the step's cost (bench "Adam").
 * The new parameters are clamped to ±FLOAT_MAX so that even an absurd step size leaves them finite (the
 * divergence guard's promise); for any finite result the clamp changes no bit.
 */
export function adam_update(
  p: usize, g: usize, m: usize, v: usize, // each (n)
  n: i32, stepSize: f32, invSqrtBc2: f32, beta1: f32, beta2: f32, eps: f32
): void {
  const step = vsplat(stepSize), correction = vsplat(invSqrtBc2);
  const b1 = vsplat(beta1), b2 = vsplat(beta2);
  const c1 = vsplat(1 - beta1), c2 = vsplat(1 - beta2), e = vsplat(eps);
  const hi = vsplat(FLOAT_MAX), lo = vsplat(-FLOAT_MAX);
  const bytes = <usize>n << 2;
  for (let o: usize = 0; o < bytes; o += VBYTES) {
    const grad = vload(g + o);
    const mt = vadd(vmul(b1, vload(m + o)), vmul(c1, grad));
    const vt = vadd(vmul(b2, vload(v + o)), vmul(c2, vmul(grad, grad)));
    const denom = vadd(vmul(vsqrt(vt), correction), e);
    vstore(m + o, mt);
    vstore(v + o, vt);
    vstore(p + o, vmin(vmax(vsub(vload(p + o), vdiv(vmul(step, mt), denom)), lo), hi));
  }
}
