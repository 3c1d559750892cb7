// Vectorised elementary functions, lane-wise and pure: the same bits on every engine and in both builds
// (SIMD and scalar), which is what lets a seed reproduce a model byte for byte in Node and in browsers.
// Polynomials and range reductions are Cephes' single-precision ones (S. L. Moshier, Cephes Math Library,
// expf.c, logf.c, sinf.c); accuracy is a few ulp over the ranges stated.
import {
  VecF, vsplat, vstore, vadd, vsub, vmul, vdiv, vmin, vmax, vneg, vabs, vnearest, vlt, vselect, vkeep,
  isplat, iadd, isub, ishl, ishrU, iand, ior, ixor, ine, bitsOf, fromBits, truncSat, convertS
} from '~lib/lanes';

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/** e^x lane-wise. Inputs are clamped to [-87.3, 88.0], so the result is always finite and > 0. */
// @ts-ignore: decorator
@inline export function vexp(x: VecF): VecF {
  x = vmin(vmax(x, vsplat(-87.3)), vsplat(88.0));
  const n = vnearest(vmul(x, vsplat(LOG2E)));
  let r = vsub(x, vmul(n, vsplat(LN2_HI)));
  r = vsub(r, vmul(n, vsplat(LN2_LO)));
  let p = vsplat(1.9875691500e-4);
  p = vadd(vmul(p, r), vsplat(1.3981999507e-3));
  p = vadd(vmul(p, r), vsplat(8.3334519073e-3));
  p = vadd(vmul(p, r), vsplat(4.1665795894e-2));
  p = vadd(vmul(p, r), vsplat(1.6666665459e-1));
  p = vadd(vmul(p, r), vsplat(5.0000001201e-1));
  const y = vadd(vadd(vmul(vmul(p, r), r), r), vsplat(1.0));
  // 2^n built directly in the exponent field; n is in [-126, 127] after the clamp.
  const scale = ishl(iadd(truncSat(n), isplat(127)), 23);
  return vmul(y, fromBits(scale));
}

/** ln x lane-wise for positive normal x (the callers guarantee x >= 2^-24). */
// @ts-ignore: decorator
@inline export function vlog(x: VecF): VecF {
  // x = m·2^e with m in [√½, √2): ln x = ln m + e·ln 2.
  let e = isub(ishrU(bitsOf(x), 23), isplat(126));
  let m = fromBits(ior(iand(bitsOf(x), isplat(0x007fffff)), isplat(0x3f000000))); // mantissa in [0.5, 1)
  const small = vlt(m, vsplat(0.707106781186547524));
  e = iadd(e, small); // a true lane is -1
  m = vsub(vadd(m, vkeep(m, small)), vsplat(1.0));
  const ef = convertS(e);
  const z = vmul(m, m);
  let y = vsplat(7.0376836292e-2);
  y = vadd(vmul(y, m), vsplat(-1.1514610310e-1));
  y = vadd(vmul(y, m), vsplat(1.1676998740e-1));
  y = vadd(vmul(y, m), vsplat(-1.2420140846e-1));
  y = vadd(vmul(y, m), vsplat(1.4249322787e-1));
  y = vadd(vmul(y, m), vsplat(-1.6668057665e-1));
  y = vadd(vmul(y, m), vsplat(2.0000714765e-1));
  y = vadd(vmul(y, m), vsplat(-2.4999993993e-1));
  y = vadd(vmul(y, m), vsplat(3.3333331174e-1));
  y = vmul(vmul(y, m), z);
  y = vadd(y, vmul(ef, vsplat(LN2_LO)));
  y = vsub(y, vmul(z, vsplat(0.5)));
  return vadd(vadd(m, y), vmul(ef, vsplat(LN2_HI)));
}

const TWO_OVER_PI: f32 = 0.636619772367581343;
// π/2 split in three parts so that x - j·π/2 is exact enough for |x| <= π.
const PIO2_1: f32 = 1.5703125;
const PIO2_2: f32 = 4.837512969970703125e-4;
const PIO2_3: f32 = 7.54978995489188216e-8;

/** sin x and cos x lane-wise for |x| <= π (what Box–Muller needs); sin goes to `sinOut`, cos is returned. */
// @ts-ignore: decorator
@inline export function vsincos(x: VecF, sinOut: usize): VecF {
  const j = vnearest(vmul(x, vsplat(TWO_OVER_PI)));
  let r = vsub(x, vmul(j, vsplat(PIO2_1)));
  r = vsub(r, vmul(j, vsplat(PIO2_2)));
  r = vsub(r, vmul(j, vsplat(PIO2_3)));
  const r2 = vmul(r, r);
  // sin r and cos r on [-π/4, π/4]
  let ps = vsplat(-1.9515295891e-4);
  ps = vadd(vmul(ps, r2), vsplat(8.3321608736e-3));
  ps = vadd(vmul(ps, r2), vsplat(-1.6666654611e-1));
  const s = vadd(r, vmul(vmul(ps, r2), r));
  let pc = vsplat(2.443315711809948e-5);
  pc = vadd(vmul(pc, r2), vsplat(-1.388731625493765e-3));
  pc = vadd(vmul(pc, r2), vsplat(4.166664568298827e-2));
  const c = vadd(vsub(vsplat(1.0), vmul(r2, vsplat(0.5))), vmul(vmul(pc, r2), r2));
  // Quadrant q = j mod 4: odd quadrants swap sin and cos; the sign bits follow q & 2 (sin) and (q + 1) & 2 (cos).
  const q = truncSat(j);
  const swap = ine(iand(q, isplat(1)), isplat(0));
  const sinSign = ishl(iand(q, isplat(2)), 30);
  const cosSign = ishl(iand(iadd(q, isplat(1)), isplat(2)), 30);
  vstore(sinOut, fromBits(ixor(bitsOf(vselect(c, s, swap)), sinSign)));
  return fromBits(ixor(bitsOf(vselect(s, c, swap)), cosSign));
}

/** 1 / (1 + e^-x) lane-wise. */
// @ts-ignore: decorator
@inline export function vsigmoid(x: VecF): VecF {
  return vdiv(vsplat(1.0), vadd(vsplat(1.0), vexp(vneg(x))));
}

/** tanh x lane-wise, as sign(x)·(1 - e^-2|x|) / (1 + e^-2|x|), which cannot overflow. */
// @ts-ignore: decorator
@inline export function vtanh(x: VecF): VecF {
  const e = vexp(vmul(vabs(x), vsplat(-2.0)));
  const t = vdiv(vsub(vsplat(1.0), e), vadd(vsplat(1.0), e));
  return fromBits(ior(bitsOf(t), iand(bitsOf(x), isplat(<i32>0x80000000)))); // copy the sign of x
}
