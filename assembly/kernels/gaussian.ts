// Randomness: a seeded PRNG whose state lives in linear memory, standard-normal fills, and the
// reparameterisation z = μ + σ·ε with σ = exp(½·logVar) (Kingma & Welling 2014, §2.4).
//
// PRNG: four independent xoshiro128+ generators, one per lane of a 4-float group (Blackman & Vigna, "Scrambled
// linear pseudorandom number generators", 2021; the + scrambler's weak low bits are dropped: floats use the
// top 24). State: s0, s1, s2, s3 as four 16-byte rows of four u32 = 64 bytes, seeded by SplitMix64 (Steele, Lea
// & Flood 2014). The SIMD build steps all four generators in one vector; the scalar build steps them one lane
// at a time (GROUPS = 4) over the same rows, so both draw the same stream.
// Normals: Box–Muller (Box & Muller 1958), eight per step: r = √(-2 ln u₁), θ uniform on [-π, π), r·cos θ, r·sin θ.
import {
  VecF, VecI, LANES, VBYTES, vsplat, vload, vstore, vadd, vsub, vmul, vsqrt,
  iload, istore, iadd, ishl, ishrU, ior, ixor, ifirst, convertS
} from '~lib/lanes';
import { vlog, vsincos, vexp } from './vmath';
import { constant, constantBits, splatOf, isplatOf } from './constants';
import { paddedBytes } from './padding';

export const RNG_STATE_BYTES: usize = 64;
/** Lane groups per step of the four generators: 1 in the SIMD build, 4 in the scalar build. */
const GROUPS: usize = 4 / LANES;
const TWO_POW_M24: f32 = 5.9604644775390625e-8;
// normal_fill's loop constants as table entries (./constants.ts: one load each instead of a rebuilt v128).
const UNIT = constant(TWO_POW_M24), TWO_PI = constant(6.283185307179586), PI = constant(3.141592653589793);
const MINUS_TWO = constant(-2.0), INT_ONE = constantBits(1);

/** Seeds the four generators from (seed, stream): distinct streams of one seed are independent sequences. */
export function rng_seed(state: usize, seed: u32, stream: u32): void {
  let x: u64 = (<u64>stream << 32) | <u64>seed;
  for (let i: usize = 0; i < 8; i++) {
    // SplitMix64: each output fills two 32-bit words of state.
    x += 0x9e3779b97f4a7c15;
    let z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    z ^= z >> 31;
    store<u64>(state + (i << 3), z);
  }
}

/** Advances the generators of one lane group (`lanes` = state + group·VBYTES) and returns s0 + s3. */
// @ts-ignore: decorator
@inline function rngNext(lanes: usize): VecI {
  let s0 = iload(lanes), s1 = iload(lanes + 16), s2 = iload(lanes + 32), s3 = iload(lanes + 48);
  const result = iadd(s0, s3);
  const t = ishl(s1, 9);
  s2 = ixor(s2, s0);
  s3 = ixor(s3, s1);
  s1 = ixor(s1, s2);
  s0 = ixor(s0, s3);
  s2 = ixor(s2, t);
  s3 = ior(ishl(s3, 11), ishrU(s3, 21));
  istore(lanes, s0); istore(lanes + 16, s1); istore(lanes + 32, s2); istore(lanes + 48, s3);
  return result;
}

/**
 * Uniforms in [0, 1) from one lane group: top 24 bits times 2^-24. The 24-bit integers (and u₁'s, at most 2^24)
 * are below 2^31, so the signed conversion is exact and equal to the unsigned one, which x64 lacks (V8 emits a
 * long sequence for f32x4.convert_i32x4_u).
 */
// @ts-ignore: decorator
@inline function uniform(lanes: usize): VecF {
  return vmul(convertS(ishrU(rngNext(lanes), 8)), splatOf(UNIT));
}

/** A uniform integer in [0, bound), by Lemire's multiply-shift on lane 0 (bias < bound / 2^32). */
export function rng_below(state: usize, bound: u32): u32 {
  const r = <u32>ifirst(rngNext(state));
  for (let g: usize = 1; g < GROUPS; g++) rngNext(state + g * VBYTES); // every generator steps, as in SIMD
  return <u32>((<u64>r * <u64>bound) >> 32);
}

/** out = lo + (hi - lo)·U[0,1), n values. Padding rule (./padding.ts). */
export function uniform_fill(out: usize /* (n) */, n: i32, state: usize, lo: f32, hi: f32): void {
  const end = out + paddedBytes(n);
  const base = vsplat(lo), width = vsplat(hi - lo);
  for (let p = out; p < end; p += 16) {
    for (let g: usize = 0; g < GROUPS; g++) {
      const o = g * VBYTES;
      vstore(p + o, vadd(base, vmul(width, uniform(state + o))));
    }
  }
}

/**
 * out = n standard normals. Each step makes eight (four cosines, then four sines), so the stream consumed
 * depends only on n. Padding rule (./padding.ts).
 */
export function normal_fill(out: usize /* (n) */, n: i32, state: usize): void {
  const end = out + paddedBytes(n);
  const sinTmp = state + RNG_STATE_BYTES; // 16 bytes of scratch owned by the state record
  for (let p = out; p < end; p += 32) {
    for (let g: usize = 0; g < GROUPS; g++) {
      const o = g * VBYTES;
      // u₁ in (0, 1] so that ln u₁ is finite; θ = 2π·u₂ - π.
      const u1 = vmul(convertS(iadd(ishrU(rngNext(state + o), 8), isplatOf(INT_ONE))), splatOf(UNIT));
      const theta = vsub(vmul(uniform(state + o), splatOf(TWO_PI)), splatOf(PI));
      const r = vsqrt(vmul(splatOf(MINUS_TWO), vlog(u1)));
      const c = vsincos(theta, sinTmp);
      vstore(p + o, vmul(r, c));
      if (p + 16 < end) vstore(p + 16 + o, vmul(r, vload(sinTmp)));
    }
  }
}

/** z = μ + exp(½·logVar)·ε, overwriting z. Padding rule. */
export function reparameterize_forward(
  z: usize, mu: usize, logvar: usize, eps: usize, // each (n)
  n: i32
): void {
  const bytes = paddedBytes(n);
  const half = vsplat(0.5);
  for (let o: usize = 0; o < bytes; o += VBYTES) {
    const sigma = vexp(vmul(half, vload(logvar + o)));
    vstore(z + o, vadd(vload(mu + o), vmul(sigma, vload(eps + o))));
  }
}

/** dμ += dz; dlogVar += dz·ε·½·exp(½·logVar) (accumulate). Padding rule. */
export function reparameterize_backward(
  dmu: usize, dlogvar: usize,          // each (n), accumulated
  dz: usize, logvar: usize, eps: usize, // each (n)
  n: i32
): void {
  const bytes = paddedBytes(n);
  const half = vsplat(0.5);
  for (let o: usize = 0; o < bytes; o += VBYTES) {
    const g = vload(dz + o);
    const halfSigma = vmul(half, vexp(vmul(half, vload(logvar + o))));
    vstore(dmu + o, vadd(vload(dmu + o), g));
    vstore(dlogvar + o, vadd(vload(dlogvar + o), vmul(vmul(g, vload(eps + o)), halfSigma)));
  }
}
