// Per-row terms of the likelihood blocks (assembly/likelihood-model.ts) that kernels/losses.ts lacks: the Gaussian
// with a learned log-variance, and the categorical (softmax cross-entropy); the means and draws of sample(). Each
// `*_loss` returns the SUM over its elements in nats, constants included, and writes the gradient of scale·sum.
// Blocks start anywhere in a row, so writes stop at exactly n (never the padding rule: the next float may be the
// next block's, or another thread's row). Reads may pass n by up to 3 floats, inside the arena's 16-byte rounding;
// what they read is masked out of every sum.
import { VecF, VBYTES, vsplat, vload, vloadSplat, vstore, vstoreFirst, vadd, vsub, vmul, vmin, vmax, vneg, vgt, vlt, vkeep, vhsum, laneMask, iand } from '~lib/lanes';
import { vexp } from './vmath';
import { paddedBytes } from './padding';

const BLOCK_BYTES: usize = 4096;
const HALF_LOG_2PI: f32 = 0.91893853320467274178; // ½·ln 2π

/** Stores the vector g at byte o of out, or only its lanes before byte `exact` in the last partial vector. */
// @ts-ignore: decorator
@inline function storeExact(out: usize, o: usize, exact: usize, g: VecF): void {
  if (o + VBYTES <= exact) vstore(out + o, g);
  else vstoreFirst(out + o, g, <i32>(exact >> 2) - <i32>(o >> 2));
}

/**
 * Gaussian negative log-likelihood with a log-variance s per element (Nix & Weigend 1994; the σ-VAE of Rybkin,
 * Daniilidis & Levine 2021 when s is one shared value):
 *   ½·ln 2π + ½·s + ½·(x − μ)²·e^(−s),   s = clamp(raw, lo, hi)
 * gradients of scale·sum:  dμ = scale·(μ − x)·e^(−s),   d raw = scale·½·(1 − (x − μ)²·e^(−s))·[lo < raw < hi]
 * (the clamp passes no gradient at or beyond a bound, as kernels/activations.ts clamp_backward). With `shared`, raw
 * is the one float at `s` and `ds` receives one float, the sum of every element's d raw (summed in f64); otherwise
 * raw and ds are n floats each.
 */
export function gaussian_learned_loss(
  dmu: usize, ds: usize, mu: usize, s: usize, x: usize, // dmu, mu, x: (n); s, ds: (n), or (1) when shared
  n: i32, shared: bool, scale: f32, lo: f32, hi: f32
): f64 {
  const zero = vsplat(0), one = vsplat(1), half = vsplat(0.5), c = vsplat(HALF_LOG_2PI), k = vsplat(scale);
  const low = vsplat(lo), high = vsplat(hi);
  const bytes = paddedBytes(n), exact = <usize>n << 2;
  let total: f64 = 0, dsTotal: f64 = 0;
  for (let o0: usize = 0; o0 < bytes; o0 += BLOCK_BYTES) {
    const o1 = min(o0 + BLOCK_BYTES, bytes);
    let acc = zero, dacc = zero;
    for (let o = o0; o < o1; o += VBYTES) {
      const raw = shared ? vloadSplat(s) : vload(s + o);
      const sv = vmin(vmax(raw, low), high), inv = vexp(vneg(sv));
      const d = vsub(vload(mu + o), vload(x + o)), q = vmul(vmul(d, d), inv);
      let term = vadd(c, vmul(half, vadd(sv, q)));
      let g = vkeep(vmul(k, vmul(half, vsub(one, q))), iand(vgt(raw, low), vlt(raw, high)));
      storeExact(dmu, o, exact, vmul(k, vmul(d, inv)));
      if (!shared) storeExact(ds, o, exact, g);
      if (o + VBYTES > exact) {
        const mask = laneMask(<i32>(exact >> 2) - <i32>(o >> 2));
        term = vkeep(term, mask); g = vkeep(g, mask);
      }
      acc = vadd(acc, term); dacc = vadd(dacc, g);
    }
    total += vhsum(acc); dsTotal += vhsum(dacc);
  }
  if (shared) store<f32>(ds, <f32>dsTotal);
  return total;
}

/** The largest of k logits (logsumexp and softmax subtract it, so no exp overflows). Scalar: k is small. */
// @ts-ignore: decorator
@inline function maxOf(l: usize, k: i32): f32 {
  let m = load<f32>(l);
  for (let j = 1; j < k; j++) m = max(m, load<f32>(l + (<usize>j << 2)));
  return m;
}
/** Σⱼ e^(lⱼ − m) in f64. */
function expSum(l: usize, k: i32, m: f32): f64 {
  let sum: f64 = 0;
  for (let j = 0; j < k; j++) sum += <f64>Mathf.exp(load<f32>(l + (<usize>j << 2)) - m);
  return sum;
}

/**
 * Categorical negative log-likelihood of a one-hot (or probability) row x under the softmax of k logits l:
 *   logsumexp(l) − Σⱼ xⱼ·lⱼ,   gradient of scale·that: dlⱼ = scale·(softmax(l)ⱼ − xⱼ).
 * Scalar, with exp and log in f32 and sums in f64: the same bits in the SIMD and the scalar build.
 */
export function categorical_loss(dl: usize, l: usize, x: usize /* each (k) */, k: i32, scale: f32): f64 {
  const m = maxOf(l, k), sum = expSum(l, k, m);
  let dot: f64 = 0;
  for (let j = 0; j < k; j++) {
    const at = <usize>j << 2, lj = load<f32>(l + at), xj = load<f32>(x + at);
    dot += <f64>xj * <f64>lj;
    store<f32>(dl + at, scale * (<f32>(<f64>Mathf.exp(lj - m) / sum) - xj));
  }
  return <f64>m + <f64>Mathf.log(<f32>sum) - dot;
}

/** out = softmax(l) over k logits (the categorical block's mean). */
export function categorical_mean(out: usize, l: usize, k: i32): void {
  const m = maxOf(l, k), sum = expSum(l, k, m);
  for (let j = 0; j < k; j++) {
    const at = <usize>j << 2;
    store<f32>(out + at, <f32>(<f64>Mathf.exp(load<f32>(l + at) - m) / sum));
  }
}

/** out = the one-hot of a draw from softmax(l) by inversion of one uniform u in [0, 1): the first j with u < Σ_{i≤j} pᵢ. */
export function categorical_draw(out: usize, l: usize, k: i32, u: f32): void {
  const m = maxOf(l, k), sum = expSum(l, k, m), target = <f64>u * sum;
  let cumulative: f64 = 0, chosen = k - 1;
  for (let j = 0; j < k; j++) {
    cumulative += <f64>Mathf.exp(load<f32>(l + (<usize>j << 2)) - m);
    if (target < cumulative) { chosen = j; break; }
  }
  for (let j = 0; j < k; j++) store<f32>(out + (<usize>j << 2), j == chosen ? 1 : 0);
}

/** σ(l) = 1/(1 + e^−l), in the form that cannot overflow (kernels/losses.ts). */
// @ts-ignore: decorator
@inline function sigmoid(l: f32): f32 {
  const e = Mathf.exp(-Mathf.abs(l));
  return l >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** out = σ(l) over n logits (the Bernoulli block's mean). Scalar: a block's width need not be whole vectors. */
export function bernoulli_mean(out: usize, l: usize, n: i32): void {
  for (let j = 0; j < n; j++) store<f32>(out + (<usize>j << 2), sigmoid(load<f32>(l + (<usize>j << 2))));
}

/** out = [uⱼ < σ(lⱼ)]: a 0/1 draw per element from n uniforms u in [0, 1). */
export function bernoulli_draw(out: usize, l: usize, u: usize, n: i32): void {
  for (let j = 0; j < n; j++) {
    const at = <usize>j << 2;
    store<f32>(out + at, load<f32>(u + at) < sigmoid(load<f32>(l + at)) ? 1 : 0);
  }
}

/**
 * out = μ + e^(½·s)·ε per element, s = clamp(raw, lo, hi): raw n floats, or the one float at `s` when `shared`
 * (`unit`: s = 0, σ = 1). Scalar: a block's width need not be whole vectors.
 */
export function gaussian_draw(out: usize, mu: usize, s: usize, eps: usize, n: i32, shared: bool, unit: bool, lo: f32, hi: f32): void {
  for (let j = 0; j < n; j++) {
    const at = <usize>j << 2;
    const raw = unit ? <f32>0 : load<f32>(shared ? s : s + at);
    const sigma = Mathf.exp(<f32>0.5 * min(max(raw, lo), hi));
    store<f32>(out + at, load<f32>(mu + at) + sigma * load<f32>(eps + at));
  }
}
