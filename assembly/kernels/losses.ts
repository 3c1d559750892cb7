// Per-example terms of the negative ELBO and their gradients. Each `*_loss` returns the SUM over its n
// elements (the caller divides by the batch) and writes the gradient of `scale`·sum.
// Reductions are exact in length: the last partial vector is masked, never padded; sums run in f32x4 over
// blocks of 256 vectors, then in f64, so a (128, 784) batch sums without visible rounding.
// Gradient writes follow the padding rule of the element-wise kernels (⌈n/4⌉ whole vectors).
import { exp4, log4, sigmoid4, laneMask, hsum } from './vmath';

const BLOCK: usize = 256;
const HALF_LOG_2PI: f32 = 0.91893853320467274178; // ½·ln 2π

/**
 * Bernoulli negative log-likelihood on logits l with targets x in [0, 1] (grey pixels allowed):
 *   −[x·ln σ(l) + (1−x)·ln(1−σ(l))] = max(l, 0) − l·x + ln(1 + e^−|l|)     (stable for any l)
 * gradient: dl = scale·(σ(l) − x), overwriting dlogits.
 */
export function bernoulli_logits_loss(
  dlogits: usize, logits: usize, x: usize, // each (n)
  n: i32, scale: f32
): f64 {
  const zero = f32x4.splat(0), one = f32x4.splat(1), s = f32x4.splat(scale);
  const count = (<usize>n + 3) >> 2;
  let total: f64 = 0;
  for (let v0: usize = 0; v0 < count; v0 += BLOCK) {
    const v1 = min(v0 + BLOCK, count);
    let acc = zero;
    for (let v = v0; v < v1; v++) {
      const o = v << 4;
      const l = v128.load(logits + o), t = v128.load(x + o);
      const softplus = log4(f32x4.add(one, exp4(f32x4.neg(f32x4.abs(l)))));
      let term = f32x4.add(f32x4.sub(f32x4.max(l, zero), f32x4.mul(l, t)), softplus);
      v128.store(dlogits + o, f32x4.mul(s, f32x4.sub(sigmoid4(l), t)));
      if (v == count - 1) term = v128.and(term, laneMask(n - (<i32>v << 2)));
      acc = f32x4.add(acc, term);
    }
    total += hsum(acc);
  }
  return total;
}

/**
 * Unit-variance Gaussian negative log-likelihood of x under mean μ (identity covariance, the MSE form),
 * with the constant, so the number is a true NLL:  ½(x − μ)² + ½·ln 2π per element.
 * gradient: dμ = scale·(μ − x), overwriting dmu.
 */
export function gaussian_unit_loss(
  dmu: usize, mu: usize, x: usize, // each (n)
  n: i32, scale: f32
): f64 {
  const zero = f32x4.splat(0), half = f32x4.splat(0.5), c = f32x4.splat(HALF_LOG_2PI), s = f32x4.splat(scale);
  const count = (<usize>n + 3) >> 2;
  let total: f64 = 0;
  for (let v0: usize = 0; v0 < count; v0 += BLOCK) {
    const v1 = min(v0 + BLOCK, count);
    let acc = zero;
    for (let v = v0; v < v1; v++) {
      const o = v << 4;
      const d = f32x4.sub(v128.load(mu + o), v128.load(x + o));
      let term = f32x4.add(f32x4.mul(half, f32x4.mul(d, d)), c);
      v128.store(dmu + o, f32x4.mul(s, d));
      if (v == count - 1) term = v128.and(term, laneMask(n - (<i32>v << 2)));
      acc = f32x4.add(acc, term);
    }
    total += hsum(acc);
  }
  return total;
}

/**
 * KL(N(μ, diag e^logVar) ‖ N(0, I)) in closed form, summed over n elements
 * (Kingma & Welling 2014, Appendix B):  −½ Σ (1 + logVar − μ² − e^logVar).
 */
export function kl_forward(mu: usize, logvar: usize, n: i32): f64 {
  const zero = f32x4.splat(0), one = f32x4.splat(1), mhalf = f32x4.splat(-0.5);
  const count = (<usize>n + 3) >> 2;
  let total: f64 = 0;
  for (let v0: usize = 0; v0 < count; v0 += BLOCK) {
    const v1 = min(v0 + BLOCK, count);
    let acc = zero;
    for (let v = v0; v < v1; v++) {
      const o = v << 4;
      const m = v128.load(mu + o), lv = v128.load(logvar + o);
      let term = f32x4.mul(mhalf, f32x4.sub(f32x4.sub(f32x4.add(one, lv), f32x4.mul(m, m)), exp4(lv)));
      if (v == count - 1) term = v128.and(term, laneMask(n - (<i32>v << 2)));
      acc = f32x4.add(acc, term);
    }
    total += hsum(acc);
  }
  return total;
}

/** Gradient of scale·KL: dμ = scale·μ, dlogVar = scale·½(e^logVar − 1), overwriting both. Padding rule. */
export function kl_backward(dmu: usize, dlogvar: usize, mu: usize, logvar: usize, n: i32, scale: f32): void {
  const count = (<usize>n + 3) >> 2;
  const s = f32x4.splat(scale), hs = f32x4.splat(0.5 * scale), one = f32x4.splat(1);
  for (let v: usize = 0; v < count; v++) {
    const o = v << 4;
    v128.store(dmu + o, f32x4.mul(s, v128.load(mu + o)));
    v128.store(dlogvar + o, f32x4.mul(hs, f32x4.sub(exp4(v128.load(logvar + o)), one)));
  }
}
