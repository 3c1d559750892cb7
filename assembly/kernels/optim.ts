// Adam (Kingma & Ba 2015, Algorithm 1) over one flat parameter block, in PyTorch's arrangement of the
// bias corrections so that training curves compare:  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
//   p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)
// Padding rule: n is a multiple of 4 (the model's blocks are), so there is no tail.
import { VBYTES, vsplat, vload, vstore, vadd, vsub, vmul, vdiv, vsqrt, vmin, vmax } from '~lib/lanes';
import { constant, splatOf } from './constants';

// The clamp's bounds, as table entries (./constants.ts). Below UNSAFE_STEP per step, a parameter could only
// overflow after ~10⁸ applied steps all of the largest size in one direction, each with a finite loss.
const UNSAFE_STEP: f64 = 1e30;
const FLOAT_MAX = constant(3.4028234663852886e38), MINUS_FLOAT_MAX = constant(-3.4028234663852886e38);

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
 * With an absurd step size the new parameters are clamped to ±FLOAT_MAX, so that they stay finite (the
 * divergence guard's promise); the clamp changes no bit of a finite result.
 */
export function adam_update(
  p: usize, g: usize, m: usize, v: usize, // each (n)
  n: i32, stepSize: f32, invSqrtBc2: f32, beta1: f32, beta2: f32, eps: f32
): void {
  const step = vsplat(stepSize), correction = vsplat(invSqrtBc2);
  const b1 = vsplat(beta1), b2 = vsplat(beta2);
  const c1 = vsplat(1 - beta1), c2 = vsplat(1 - beta2), e = vsplat(eps);
  const bytes = <usize>n << 2;
  for (let o: usize = 0; o < bytes; o += VBYTES) {
    const grad = vload(g + o);
    const mt = vadd(vmul(b1, vload(m + o)), vmul(c1, grad));
    const vt = vadd(vmul(b2, vload(v + o)), vmul(c2, vmul(grad, grad)));
    const denom = vadd(vmul(vsqrt(vt), correction), e);
    vstore(m + o, mt);
    vstore(v + o, vt);
    vstore(p + o, vsub(vload(p + o), vdiv(vmul(step, mt), denom)));
  }
  // The clamp is a pass of its own (in the loop above, two more vectors make V8 spill: +6% on the whole step),
  // and it runs only when a step could move a parameter by more than UNSAFE_STEP (+2% when it runs).
  if (<f64>stepSize * updateBound(beta1, beta2) <= UNSAFE_STEP) return;
  const hi = splatOf(FLOAT_MAX), lo = splatOf(MINUS_FLOAT_MAX);
  for (let o: usize = 0; o < bytes; o += VBYTES) vstore(p + o, vmin(vmax(vload(p + o), lo), hi));
}

/**
 * A bound on |m / √v| (hence |Δp| ≤ stepSize · bound, as √(1−β₂ᵗ) ≤ 1): by Cauchy–Schwarz on the moments' sums,
 * |m| ≤ (1−β₁)/√(1−β₂) · (1 − β₁²/β₂)^(−½) · √v when β₁² < β₂ (7.3 for PyTorch's defaults); +∞ otherwise.
 */
function updateBound(beta1: f32, beta2: f32): f64 {
  const r = <f64>beta1 * <f64>beta1 / <f64>beta2;
  if (!(r < 1) || !(beta2 < 1)) return Infinity;
  return (1 - <f64>beta1) / Math.sqrt(1 - <f64>beta2) / Math.sqrt(1 - r);
}
