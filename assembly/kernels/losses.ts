// Per-example terms of the negative ELBO and their gradients. Each `*_loss` returns the SUM over its n
// elements (the caller divides by the batch) and writes the gradient of `scale`·sum.
// Reductions are exact in length: the last partial vector is masked, never padded; sums run in vectors over
// blocks of 1024 floats, then in f64, so a (128, 784) batch sums without visible rounding.
// Gradient writes stop at exactly n (unlike the padding rule of ./padding.ts): the losses run row by row, and a
// row's padded write would reach the next row, which may be another thread's share (assembly/jobs/).
import { VecF, VBYTES, vsplat, vload, vstore, vstoreFirst, vadd, vsub, vmul, vdiv, vneg, vabs, vge, vselect, vkeep, vhsum, laneMask } from '~lib/lanes';
import { vexp, vlog } from './vmath';
import { vrelu } from './activations';
import { paddedBytes } from './padding';

const BLOCK_BYTES: usize = 4096;

/** Stores the vector g at byte o of out, or only its lanes before byte `exact` in the last partial vector. */
// @ts-ignore: decorator
@inline function storeExact(out: usize, o: usize, exact: usize, g: VecF): void {
  if (o + VBYTES <= exact) vstore(out + o, g);
  else vstoreFirst(out + o, g, <i32>(exact >> 2) - <i32>(o >> 2));
}
const HALF_LOG_2PI: f32 = 0.91893853320467274178; // ½·ln 2π

/**
 * Bernoulli negative log-likelihood on logits l with targets x in [0, 1] (grey pixels allowed):
 *   −[x·ln σ(l) + (1−x)·ln(1−σ(l))] = max(l, 0) − l·x + ln(1 + e^−|l|)     (stable for any l)
 * gradient: dl = scale·(σ(l) − x), overwriting dlogits. One exponential serves both: with e = e^−|l|,
 * σ(l) = 1/(1 + e) for l ≥ 0 and e/(1 + e) for l < 0 (the form that cannot overflow).
 */
export function bernoulli_logits_loss(
  dlogits: usize, logits: usize, x: usize, // each (n)
  n: i32, scale: f32
): f64 {
  const zero = vsplat(0), one = vsplat(1), s = vsplat(scale);
  const bytes = paddedBytes(n), exact = <usize>n << 2;
  let total: f64 = 0;
  for (let o0: usize = 0; o0 < bytes; o0 += BLOCK_BYTES) {
    const o1 = min(o0 + BLOCK_BYTES, bytes);
    let acc = zero;
    for (let o = o0; o < o1; o += VBYTES) {
      const l = vload(logits + o), t = vload(x + o);
      const e = vexp(vneg(vabs(l))), onePlusE = vadd(one, e);
      let term = vadd(vsub(vrelu(l), vmul(l, t)), vlog(onePlusE));
      const sigma = vdiv(vselect(one, e, vge(l, zero)), onePlusE);
      const g = vmul(s, vsub(sigma, t));
      storeExact(dlogits, o, exact, g);
      if (o + VBYTES > exact) term = vkeep(term, laneMask(<i32>(exact >> 2) - <i32>(o >> 2)));
      acc = vadd(acc, term);
    }
    total += vhsum(acc);
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
  const zero = vsplat(0), half = vsplat(0.5), c = vsplat(HALF_LOG_2PI), s = vsplat(scale);
  const bytes = paddedBytes(n), exact = <usize>n << 2;
  let total: f64 = 0;
  for (let o0: usize = 0; o0 < bytes; o0 += BLOCK_BYTES) {
    const o1 = min(o0 + BLOCK_BYTES, bytes);
    let acc = zero;
    for (let o = o0; o < o1; o += VBYTES) {
      const d = vsub(vload(mu + o), vload(x + o));
      let term = vadd(vmul(half, vmul(d, d)), c);
      const g = vmul(s, d);
      storeExact(dmu, o, exact, g);
      if (o + VBYTES > exact) term = vkeep(term, laneMask(<i32>(exact >> 2) - <i32>(o >> 2)));
      acc = vadd(acc, term);
    }
    total += vhsum(acc);
  }
  return total;
}

/**
 * KL(N(μ, diag e^logVar) ‖ N(0, I)) in closed form, summed over n elements
 * (Kingma & Welling 2014, Appendix B):  −½ Σ (1 + logVar − μ² − e^logVar).
 */
export function kl_forward(mu: usize, logvar: usize, n: i32): f64 {
  const zero = vsplat(0), one = vsplat(1), mhalf = vsplat(-0.5);
  const bytes = paddedBytes(n), exact = <usize>n << 2;
  let total: f64 = 0;
  for (let o0: usize = 0; o0 < bytes; o0 += BLOCK_BYTES) {
    const o1 = min(o0 + BLOCK_BYTES, bytes);
    let acc = zero;
    for (let o = o0; o < o1; o += VBYTES) {
      const m = vload(mu + o), lv = vload(logvar + o);
      let term = vmul(mhalf, vsub(vsub(vadd(one, lv), vmul(m, m)), vexp(lv)));
      if (o + VBYTES > exact) term = vkeep(term, laneMask(<i32>(exact >> 2) - <i32>(o >> 2)));
      acc = vadd(acc, term);
    }
    total += vhsum(acc);
  }
  return total;
}

/** Gradient of scale·KL: dμ = scale·μ, dlogVar = scale·½(e^logVar − 1), overwriting both. Padding rule. */
export function kl_backward(dmu: usize, dlogvar: usize, mu: usize, logvar: usize, n: i32, scale: f32): void {
  const bytes = paddedBytes(n);
  const s = vsplat(scale), hs = vsplat(0.5 * scale), one = vsplat(1);
  for (let o: usize = 0; o < bytes; o += VBYTES) {
    vstore(dmu + o, vmul(s, vload(mu + o)));
    vstore(dlogvar + o, vmul(hs, vsub(vexp(vload(logvar + o)), one)));
  }
}
