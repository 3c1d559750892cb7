// Vectorised elementary functions, lane-wise and pure: the same bits on every engine and in both builds
// (SIMD and scalar), which is what lets a seed reproduce a model byte for byte in Node and in browsers.
// Polynomials and range reductions are Cephes' single-precision ones (S. L. Moshier, Cephes Math Library,
// expf.c, logf.c, sinf.c); accuracy is a few ulp over the ranges stated.
// Their constants live in ./constants.ts's table (splatOf): one broadcast load each inside a loop, where a
// literal v128 constant costs three or four instructions per iteration in Node 20's V8.
import {
  VecF, vstore, vadd, vsub, vmul, vdiv, vpmin, vpmax, vneg, vabs, vnearest, vlt, vselect, vkeep,
  iadd, isub, ishl, ishrU, iand, ior, ixor, ine, bitsOf, fromBits, convertS
} from '~lib/lanes';
import { constant, constantBits, splatOf, isplatOf } from './constants';

const ONE = constant(1.0), HALF = constant(0.5), MINUS_TWO = constant(-2.0);
const INT_ZERO = constantBits(0), INT_ONE = constantBits(1), INT_TWO = constantBits(2);
const SIGN_BIT = constantBits(<i32>0x80000000);
const LN2_HI = constant(0.693359375), LN2_LO = constant(-2.12194440e-4);

const EXP_MIN = constant(-87.3), EXP_MAX = constant(88.0), LOG2E = constant(1.44269504088896341);
// Integer-valued floats n with |n| < 2^22 turned into integer bits without a float→int conversion (which wasm has
// only in its saturating form, ≈ 7 instructions on x64 in Node 20's V8): n + 1.5·2^23 is exact and its low mantissa
// bits are n in two's complement. With 127 added as well, shifting left by 23 leaves 2^n's exponent field alone.
const ROUND_MAGIC = constant(12582912.0), EXP_MAGIC = constant(12583039.0); // 1.5·2^23, and + 127
const EXP_P0 = constant(1.9875691500e-4), EXP_P1 = constant(1.3981999507e-3), EXP_P2 = constant(8.3334519073e-3);
const EXP_P3 = constant(4.1665795894e-2), EXP_P4 = constant(1.6666665459e-1), EXP_P5 = constant(5.0000001201e-1);

/** e^x lane-wise. Inputs are clamped to [-87.3, 88.0], so the result is always finite and > 0. */
// @ts-ignore: decorator
@inline export function vexp(x: VecF): VecF {
  x = vpmin(vpmax(x, splatOf(EXP_MIN)), splatOf(EXP_MAX)); // the bits of min/max here (see vpmin), NaN passes
  const n = vnearest(vmul(x, splatOf(LOG2E)));
  let r = vsub(x, vmul(n, splatOf(LN2_HI)));
  r = vsub(r, vmul(n, splatOf(LN2_LO)));
  let p = splatOf(EXP_P0);
  p = vadd(vmul(p, r), splatOf(EXP_P1));
  p = vadd(vmul(p, r), splatOf(EXP_P2));
  p = vadd(vmul(p, r), splatOf(EXP_P3));
  p = vadd(vmul(p, r), splatOf(EXP_P4));
  p = vadd(vmul(p, r), splatOf(EXP_P5));
  const y = vadd(vadd(vmul(vmul(p, r), r), r), splatOf(ONE));
  // 2^n built directly in the exponent field; n is in [-126, 127] after the clamp.
  const scale = ishl(bitsOf(vadd(n, splatOf(EXP_MAGIC))), 23);
  return vmul(y, fromBits(scale));
}

const LOG_BIAS = constantBits(126), MANTISSA = constantBits(0x007fffff), HALF_BITS = constantBits(0x3f000000);
const SQRT_HALF = constant(0.707106781186547524);
const LOG_P0 = constant(7.0376836292e-2), LOG_P1 = constant(-1.1514610310e-1), LOG_P2 = constant(1.1676998740e-1);
const LOG_P3 = constant(-1.2420140846e-1), LOG_P4 = constant(1.4249322787e-1), LOG_P5 = constant(-1.6668057665e-1);
const LOG_P6 = constant(2.0000714765e-1), LOG_P7 = constant(-2.4999993993e-1), LOG_P8 = constant(3.3333331174e-1);

/** ln x lane-wise for positive normal x (the callers guarantee x >= 2^-24). */
// @ts-ignore: decorator
@inline export function vlog(x: VecF): VecF {
  // x = m·2^e with m in [√½, √2): ln x = ln m + e·ln 2.
  let e = isub(ishrU(bitsOf(x), 23), isplatOf(LOG_BIAS));
  let m = fromBits(ior(iand(bitsOf(x), isplatOf(MANTISSA)), isplatOf(HALF_BITS))); // mantissa in [0.5, 1)
  const small = vlt(m, splatOf(SQRT_HALF));
  e = iadd(e, small); // a true lane is -1
  m = vsub(vadd(m, vkeep(m, small)), splatOf(ONE));
  const ef = convertS(e);
  const z = vmul(m, m);
  let y = splatOf(LOG_P0);
  y = vadd(vmul(y, m), splatOf(LOG_P1));
  y = vadd(vmul(y, m), splatOf(LOG_P2));
  y = vadd(vmul(y, m), splatOf(LOG_P3));
  y = vadd(vmul(y, m), splatOf(LOG_P4));
  y = vadd(vmul(y, m), splatOf(LOG_P5));
  y = vadd(vmul(y, m), splatOf(LOG_P6));
  y = vadd(vmul(y, m), splatOf(LOG_P7));
  y = vadd(vmul(y, m), splatOf(LOG_P8));
  y = vmul(vmul(y, m), z);
  y = vadd(y, vmul(ef, splatOf(LN2_LO)));
  y = vsub(y, vmul(z, splatOf(HALF)));
  return vadd(vadd(m, y), vmul(ef, splatOf(LN2_HI)));
}

const TWO_OVER_PI = constant(0.636619772367581343);
// π/2 split in three parts so that x - j·π/2 is exact enough for |x| <= π.
const PIO2_1 = constant(1.5703125), PIO2_2 = constant(4.837512969970703125e-4), PIO2_3 = constant(7.54978995489188216e-8);
const SIN_P0 = constant(-1.9515295891e-4), SIN_P1 = constant(8.3321608736e-3), SIN_P2 = constant(-1.6666654611e-1);
const COS_P0 = constant(2.443315711809948e-5), COS_P1 = constant(-1.388731625493765e-3), COS_P2 = constant(4.166664568298827e-2);

/** sin x and cos x lane-wise for |x| <= π (what Box–Muller needs); sin goes to `sinOut`, cos is returned. */
// @ts-ignore: decorator
@inline export function vsincos(x: VecF, sinOut: usize): VecF {
  const j = vnearest(vmul(x, splatOf(TWO_OVER_PI)));
  let r = vsub(x, vmul(j, splatOf(PIO2_1)));
  r = vsub(r, vmul(j, splatOf(PIO2_2)));
  r = vsub(r, vmul(j, splatOf(PIO2_3)));
  const r2 = vmul(r, r);
  // sin r and cos r on [-π/4, π/4]
  let ps = splatOf(SIN_P0);
  ps = vadd(vmul(ps, r2), splatOf(SIN_P1));
  ps = vadd(vmul(ps, r2), splatOf(SIN_P2));
  const s = vadd(r, vmul(vmul(ps, r2), r));
  let pc = splatOf(COS_P0);
  pc = vadd(vmul(pc, r2), splatOf(COS_P1));
  pc = vadd(vmul(pc, r2), splatOf(COS_P2));
  const c = vadd(vsub(splatOf(ONE), vmul(r2, splatOf(HALF))), vmul(vmul(pc, r2), r2));
  // Quadrant q = j mod 4: odd quadrants swap sin and cos; the sign bits follow q & 2 (sin) and (q + 1) & 2 (cos).
  const q = bitsOf(vadd(j, splatOf(ROUND_MAGIC))); // j mod 4 in the low bits (ROUND_MAGIC)
  const swap = ine(iand(q, isplatOf(INT_ONE)), isplatOf(INT_ZERO));
  const sinSign = ishl(iand(q, isplatOf(INT_TWO)), 30);
  const cosSign = ishl(iand(iadd(q, isplatOf(INT_ONE)), isplatOf(INT_TWO)), 30);
  vstore(sinOut, fromBits(ixor(bitsOf(vselect(c, s, swap)), sinSign)));
  return fromBits(ixor(bitsOf(vselect(s, c, swap)), cosSign));
}

/** 1 / (1 + e^-x) lane-wise. */
// @ts-ignore: decorator
@inline export function vsigmoid(x: VecF): VecF {
  return vdiv(splatOf(ONE), vadd(splatOf(ONE), vexp(vneg(x))));
}

/** tanh x lane-wise, as sign(x)·(1 - e^-2|x|) / (1 + e^-2|x|), which cannot overflow. */
// @ts-ignore: decorator
@inline export function vtanh(x: VecF): VecF {
  const e = vexp(vmul(vabs(x), splatOf(MINUS_TWO)));
  const t = vdiv(vsub(splatOf(ONE), e), vadd(splatOf(ONE), e));
  return fromBits(ior(bitsOf(t), iand(bitsOf(x), isplatOf(SIGN_BIT)))); // copy the sign of x
}
