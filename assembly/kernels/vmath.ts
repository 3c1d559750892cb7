// Vectorised elementary functions on f32x4, pure and deterministic: the same bits on every engine,
// which is what lets a seed reproduce a model byte for byte in Node and in browsers.
// Polynomials and range reductions are Cephes' single-precision ones (S. L. Moshier, Cephes Math Library,
// expf.c, logf.c, sinf.c); accuracy is a few ulp over the ranges stated.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/** e^x lane-wise. Inputs are clamped to [-87.3, 88.0], so the result is always finite and > 0. */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.3)), f32x4.splat(88.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
  // 2^n built directly in the exponent field; n is in [-126, 127] after the clamp.
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(y, scale);
}

/** ln x lane-wise for positive normal x (the callers guarantee x >= 2^-24). */
// @ts-ignore: decorator
@inline export function log4(x: v128): v128 {
  // x = m·2^e with m in [√½, √2): ln x = ln m + e·ln 2.
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126));
  let m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // mantissa in [0.5, 1)
  const small = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  e = i32x4.add(e, small); // a true lane is -1
  m = f32x4.sub(f32x4.add(m, v128.and(m, small)), f32x4.splat(1.0));
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  let y = f32x4.splat(7.0376836292e-2);
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.1514610310e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(1.1676998740e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.2420140846e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(1.4249322787e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.6668057665e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(2.0000714765e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-2.4999993993e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, m), z);
  y = f32x4.add(y, f32x4.mul(ef, f32x4.splat(LN2_LO)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  return f32x4.add(f32x4.add(m, y), f32x4.mul(ef, f32x4.splat(LN2_HI)));
}

const TWO_OVER_PI: f32 = 0.636619772367581343;
// π/2 split in three parts so that x - j·π/2 is exact enough for |x| <= π.
const PIO2_1: f32 = 1.5703125;
const PIO2_2: f32 = 4.837512969970703125e-4;
const PIO2_3: f32 = 7.54978995489188216e-8;

/** sin x and cos x lane-wise for |x| <= π (what Box–Muller needs); sin goes to `sinOut`, cos is returned. */
// @ts-ignore: decorator
@inline export function sincos4(x: v128, sinOut: usize): v128 {
  const j = f32x4.nearest(f32x4.mul(x, f32x4.splat(TWO_OVER_PI)));
  let r = f32x4.sub(x, f32x4.mul(j, f32x4.splat(PIO2_1)));
  r = f32x4.sub(r, f32x4.mul(j, f32x4.splat(PIO2_2)));
  r = f32x4.sub(r, f32x4.mul(j, f32x4.splat(PIO2_3)));
  const r2 = f32x4.mul(r, r);
  // sin r and cos r on [-π/4, π/4]
  let ps = f32x4.splat(-1.9515295891e-4);
  ps = f32x4.add(f32x4.mul(ps, r2), f32x4.splat(8.3321608736e-3));
  ps = f32x4.add(f32x4.mul(ps, r2), f32x4.splat(-1.6666654611e-1));
  const s = f32x4.add(r, f32x4.mul(f32x4.mul(ps, r2), r));
  let pc = f32x4.splat(2.443315711809948e-5);
  pc = f32x4.add(f32x4.mul(pc, r2), f32x4.splat(-1.388731625493765e-3));
  pc = f32x4.add(f32x4.mul(pc, r2), f32x4.splat(4.166664568298827e-2));
  const c = f32x4.add(f32x4.sub(f32x4.splat(1.0), f32x4.mul(r2, f32x4.splat(0.5))), f32x4.mul(f32x4.mul(pc, r2), r2));
  // Quadrant q = j mod 4: odd quadrants swap sin and cos; the sign bits follow q & 2 (sin) and (q + 1) & 2 (cos).
  const q = i32x4.trunc_sat_f32x4_s(j);
  const swap = i32x4.ne(v128.and(q, i32x4.splat(1)), i32x4.splat(0));
  const sinSign = i32x4.shl(v128.and(q, i32x4.splat(2)), 30);
  const cosSign = i32x4.shl(v128.and(i32x4.add(q, i32x4.splat(1)), i32x4.splat(2)), 30);
  v128.store(sinOut, v128.xor(v128.bitselect(c, s, swap), sinSign));
  return v128.xor(v128.bitselect(s, c, swap), cosSign);
}

/** 1 / (1 + e^-x) lane-wise. */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), exp4(f32x4.neg(x))));
}

/** tanh x lane-wise, as sign(x)·(1 - e^-2|x|) / (1 + e^-2|x|), which cannot overflow. */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const e = exp4(f32x4.mul(f32x4.abs(x), f32x4.splat(-2.0)));
  const t = f32x4.div(f32x4.sub(f32x4.splat(1.0), e), f32x4.add(f32x4.splat(1.0), e));
  return v128.or(t, v128.and(x, i32x4.splat(0x80000000))); // copy the sign of x
}

/** Lanes [0, valid) are all ones, the rest zero: masks the last partial vector of a reduction. */
// @ts-ignore: decorator
@inline export function laneMask(valid: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(valid));
}

/** The sum of the four lanes, in f64. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1)
       + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}
