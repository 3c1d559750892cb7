// Lane operations for the SIMD build: one vector is a v128 of four f32 (VecF) or four i32 (VecI) lanes.
// The kernels are written once against this file's names; assembly/lanes/scalar/lanes.ts gives the same
// names with one lane each, and asconfig.json picks the file per target (`--lib`), so the scalar build is
// compiled from the same kernel sources. Every function is @inline: the SIMD build is the hand-written
// f32x4 code it replaced, instruction for instruction. Masks are lanes of all ones (true) or zeros.

export type VecF = v128;
export type VecI = v128;

/** Lanes per vector and bytes per vector. */
export const LANES: i32 = 4;
export const VBYTES: usize = 16;

// @ts-ignore: decorator
@inline export function vsplat(x: f32): VecF { return f32x4.splat(x); }
// @ts-ignore: decorator
@inline export function vload(p: usize): VecF { return v128.load(p); }
/** One f32 from memory in every lane. */
// @ts-ignore: decorator
@inline export function vloadSplat(p: usize): VecF { return v128.load32_splat(p); }
// @ts-ignore: decorator
@inline export function vstore(p: usize, v: VecF): void { v128.store(p, v); }
/** Stores the first `count` lanes of v: none when count <= 0, all when count >= 4 (an exact-length tail). */
// @ts-ignore: decorator
@inline export function vstoreFirst(p: usize, v: VecF, count: i32): void {
  if (count >= 4) { v128.store(p, v); return; }
  if (count > 0) store<f32>(p, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}
// @ts-ignore: decorator
@inline export function vadd(a: VecF, b: VecF): VecF { return f32x4.add(a, b); }
// @ts-ignore: decorator
@inline export function vsub(a: VecF, b: VecF): VecF { return f32x4.sub(a, b); }
// @ts-ignore: decorator
@inline export function vmul(a: VecF, b: VecF): VecF { return f32x4.mul(a, b); }
// @ts-ignore: decorator
@inline export function vdiv(a: VecF, b: VecF): VecF { return f32x4.div(a, b); }
// @ts-ignore: decorator
@inline export function vmin(a: VecF, b: VecF): VecF { return f32x4.min(a, b); }
// @ts-ignore: decorator
@inline export function vmax(a: VecF, b: VecF): VecF { return f32x4.max(a, b); }
/**
 * Pseudo-minimum and -maximum, wasm's pmin and pmax: b < a ? b : a and a < b ? b : a, lane-wise. One minps or maxps
 * on x64, where min and max (NaN and ±0 rules) cost about eight instructions each in Node 20's V8. For a clamp to
 * non-zero bounds, with x first, they give min's and max's bits for every x, NaN included (it passes through).
 */
// @ts-ignore: decorator
@inline export function vpmin(a: VecF, b: VecF): VecF { return f32x4.pmin(a, b); }
// @ts-ignore: decorator
@inline export function vpmax(a: VecF, b: VecF): VecF { return f32x4.pmax(a, b); }
// @ts-ignore: decorator
@inline export function vneg(a: VecF): VecF { return f32x4.neg(a); }
// @ts-ignore: decorator
@inline export function vabs(a: VecF): VecF { return f32x4.abs(a); }
// @ts-ignore: decorator
@inline export function vsqrt(a: VecF): VecF { return f32x4.sqrt(a); }
/** Round to nearest, ties to even. */
// @ts-ignore: decorator
@inline export function vnearest(a: VecF): VecF { return f32x4.nearest(a); }
// @ts-ignore: decorator
@inline export function vlt(a: VecF, b: VecF): VecI { return f32x4.lt(a, b); }
// @ts-ignore: decorator
@inline export function vgt(a: VecF, b: VecF): VecI { return f32x4.gt(a, b); }
// @ts-ignore: decorator
@inline export function vge(a: VecF, b: VecF): VecI { return f32x4.ge(a, b); }
// @ts-ignore: decorator
@inline export function vle(a: VecF, b: VecF): VecI { return f32x4.le(a, b); }
/** mask ? a : b, lane-wise. */
// @ts-ignore: decorator
@inline export function vselect(a: VecF, b: VecF, mask: VecI): VecF { return v128.bitselect(a, b, mask); }
/** mask ? a : 0, lane-wise. */
// @ts-ignore: decorator
@inline export function vkeep(a: VecF, mask: VecI): VecF { return v128.and(a, mask); }
/** The sum of the lanes, in f64. */
// @ts-ignore: decorator
@inline export function vhsum(v: VecF): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1)
       + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

// @ts-ignore: decorator
@inline export function isplat(x: i32): VecI { return i32x4.splat(x); }
// @ts-ignore: decorator
@inline export function iload(p: usize): VecI { return v128.load(p); }
// @ts-ignore: decorator
@inline export function istore(p: usize, v: VecI): void { v128.store(p, v); }
// @ts-ignore: decorator
@inline export function iadd(a: VecI, b: VecI): VecI { return i32x4.add(a, b); }
// @ts-ignore: decorator
@inline export function isub(a: VecI, b: VecI): VecI { return i32x4.sub(a, b); }
// @ts-ignore: decorator
@inline export function ishl(a: VecI, bits: i32): VecI { return i32x4.shl(a, bits); }
// @ts-ignore: decorator
@inline export function ishrU(a: VecI, bits: i32): VecI { return i32x4.shr_u(a, bits); }
// @ts-ignore: decorator
@inline export function iand(a: VecI, b: VecI): VecI { return v128.and(a, b); }
// @ts-ignore: decorator
@inline export function ior(a: VecI, b: VecI): VecI { return v128.or(a, b); }
// @ts-ignore: decorator
@inline export function ixor(a: VecI, b: VecI): VecI { return v128.xor(a, b); }
// @ts-ignore: decorator
@inline export function ine(a: VecI, b: VecI): VecI { return i32x4.ne(a, b); }
/** Lane 0 as a scalar. */
// @ts-ignore: decorator
@inline export function ifirst(a: VecI): i32 { return i32x4.extract_lane(a, 0); }
/** True when every lane of the mask is true. */
// @ts-ignore: decorator
@inline export function iallTrue(mask: VecI): bool { return i32x4.all_true(mask); }
/** True when any bit of any lane is set. */
// @ts-ignore: decorator
@inline export function ianyTrue(a: VecI): bool { return v128.any_true(a); }
/** Lanes [0, valid) true, the rest false: masks the last partial vector of a reduction. */
// @ts-ignore: decorator
@inline export function laneMask(valid: i32): VecI { return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(valid)); }

/**
 * Transposes the 4×4 block of floats at `src` (rows `srcRowB` bytes apart) into `dst` (rows `dstRowB` apart):
 * four loads, eight shuffles, four stores. The scalar build moves the same 16 floats one by one.
 */
// @ts-ignore: decorator
@inline export function transpose4x4(dst: usize, dstRowB: usize, src: usize, srcRowB: usize): void {
  const r0 = v128.load(src), r1 = v128.load(src + srcRowB), r2 = v128.load(src + 2 * srcRowB), r3 = v128.load(src + 3 * srcRowB);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + dstRowB, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * dstRowB, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstRowB, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/** The bits of a float vector as integers, and back (no conversion). */
// @ts-ignore: decorator
@inline export function bitsOf(a: VecF): VecI { return a; }
// @ts-ignore: decorator
@inline export function fromBits(a: VecI): VecF { return a; }
/** int32 / uint32 → float, rounding to nearest. (No float → int: the kernels build integers from floats with a
 * magic-number add, vmath.ts, because V8 expands wasm's saturating conversion into ~7 x64 instructions.) */
// @ts-ignore: decorator
@inline export function convertS(a: VecI): VecF { return f32x4.convert_i32x4_s(a); }
// @ts-ignore: decorator
@inline export function convertU(a: VecI): VecF { return f32x4.convert_i32x4_u(a); }
