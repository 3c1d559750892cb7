// Randomness: a seeded PRNG whose state lives in linear memory, standard-normal fills, and the
// reparameterisation z = μ + σ·ε with σ = exp(½·logVar) (Kingma & Welling 2014, §2.4).
//
// PRNG: four independent xoshiro128+ generators, one per SIMD lane (Blackman & Vigna, "Scrambled linear
// pseudorandom number generators", 2021; the + scrambler's weak low bits are dropped: floats use the top 24).
// State: 4 × v128 = 64 bytes (s0, s1, s2, s3), seeded by SplitMix64 (Steele, Lea & Flood 2014).
// Normals: Box–Muller (Box & Muller 1958), eight per step: r = √(-2 ln u₁), θ uniform on [-π, π), r·cos θ, r·sin θ.
import { log4, sincos4, exp4 } from './vmath';

export const RNG_STATE_BYTES: usize = 64;

/** Seeds the four lanes from (seed, stream): distinct streams of one seed are independent sequences. */
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

/** Advances all four lanes once and returns their outputs (s0 + s3, lane-wise). */
// @ts-ignore: decorator
@inline export function rng_next4(state: usize): v128 {
  let s0 = v128.load(state), s1 = v128.load(state, 16), s2 = v128.load(state, 32), s3 = v128.load(state, 48);
  const result = i32x4.add(s0, s3);
  const t = i32x4.shl(s1, 9);
  s2 = v128.xor(s2, s0);
  s3 = v128.xor(s3, s1);
  s1 = v128.xor(s1, s2);
  s0 = v128.xor(s0, s3);
  s2 = v128.xor(s2, t);
  s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));
  v128.store(state, s0); v128.store(state, s1, 16); v128.store(state, s2, 32); v128.store(state, s3, 48);
  return result;
}

/** Four uniforms in [0, 1): top 24 bits of each lane times 2^-24. */
// @ts-ignore: decorator
@inline function uniform4(state: usize): v128 {
  return f32x4.mul(f32x4.convert_i32x4_u(i32x4.shr_u(rng_next4(state), 8)), f32x4.splat(5.9604644775390625e-8));
}

/** A uniform integer in [0, bound), by Lemire's multiply-shift on lane 0 (bias < bound / 2^32). */
export function rng_below(state: usize, bound: u32): u32 {
  const r = <u32>i32x4.extract_lane(rng_next4(state), 0);
  return <u32>((<u64>r * <u64>bound) >> 32);
}

/** out = lo + (hi - lo)·U[0,1), n values. Padding rule: writes ⌈n/4⌉ whole vectors. */
export function uniform_fill(out: usize /* (n) */, n: i32, state: usize, lo: f32, hi: f32): void {
  const end = out + (<usize>n << 2);
  const base = f32x4.splat(lo), width = f32x4.splat(hi - lo);
  for (let p = out; p < end; p += 16) v128.store(p, f32x4.add(base, f32x4.mul(width, uniform4(state))));
}

/**
 * out = n standard normals. Each step makes eight (a cos vector, then a sin vector), so the stream consumed
 * depends only on n. Padding rule: writes ⌈n/4⌉ whole vectors.
 */
export function normal_fill(out: usize /* (n) */, n: i32, state: usize): void {
  const end = out + (<usize>n << 2);
  const sinTmp = state + RNG_STATE_BYTES; // 16 bytes of scratch owned by the state record
  for (let p = out; p < end; p += 32) {
    // u₁ in (0, 1] so that ln u₁ is finite; θ = 2π·u₂ - π.
    const u1 = f32x4.mul(f32x4.convert_i32x4_u(i32x4.add(i32x4.shr_u(rng_next4(state), 8), i32x4.splat(1))),
                         f32x4.splat(5.9604644775390625e-8));
    const theta = f32x4.sub(f32x4.mul(uniform4(state), f32x4.splat(6.283185307179586)), f32x4.splat(3.141592653589793));
    const r = f32x4.sqrt(f32x4.mul(f32x4.splat(-2.0), log4(u1)));
    const c = sincos4(theta, sinTmp);
    v128.store(p, f32x4.mul(r, c));
    if (p + 16 < end) v128.store(p, f32x4.mul(r, v128.load(sinTmp)), 16);
  }
}

/** z = μ + exp(½·logVar)·ε, overwriting z. Padding rule. */
export function reparameterize_forward(
  z: usize, mu: usize, logvar: usize, eps: usize, // each (n)
  n: i32
): void {
  const count = (<usize>n + 3) >> 2;
  const half = f32x4.splat(0.5);
  for (let v: usize = 0; v < count; v++) {
    const o = v << 4;
    const sigma = exp4(f32x4.mul(half, v128.load(logvar + o)));
    v128.store(z + o, f32x4.add(v128.load(mu + o), f32x4.mul(sigma, v128.load(eps + o))));
  }
}

/** dμ += dz; dlogVar += dz·ε·½·exp(½·logVar) (accumulate). Padding rule. */
export function reparameterize_backward(
  dmu: usize, dlogvar: usize,          // each (n), accumulated
  dz: usize, logvar: usize, eps: usize, // each (n)
  n: i32
): void {
  const count = (<usize>n + 3) >> 2;
  const half = f32x4.splat(0.5);
  for (let v: usize = 0; v < count; v++) {
    const o = v << 4;
    const g = v128.load(dz + o);
    const halfSigma = f32x4.mul(half, exp4(f32x4.mul(half, v128.load(logvar + o))));
    v128.store(dmu + o, f32x4.add(v128.load(dmu + o), g));
    v128.store(dlogvar + o, f32x4.add(v128.load(dlogvar + o), f32x4.mul(f32x4.mul(g, v128.load(eps + o)), halfSigma)));
  }
}
