// Lane operations for the scalar build: the same names as assembly/lanes/simd/lanes.ts with one lane per
// "vector" (VecF = f32, VecI = i32), for engines without WebAssembly SIMD. Each operation is the lane-wise
// IEEE operation of its SIMD twin, so both builds compute the same bits except where a reduction's order
// differs (vhsum). Masks are -1 (true) or 0 (false), as SIMD lanes are.

export type VecF = f32;
export type VecI = i32;

/** Lanes per vector and bytes per vector. */
export const LANES: i32 = 1;
export const VBYTES: usize = 4;

// @ts-ignore: decorator
@inline export function vsplat(x: f32): VecF { return x; }
// @ts-ignore: decorator
@inline export function vload(p: usize): VecF { return load<f32>(p); }
/** One f32 from memory in every lane. */
// @ts-ignore: decorator
@inline export function vloadSplat(p: usize): VecF { return load<f32>(p); }
// @ts-ignore: decorator
@inline export function vstore(p: usize, v: VecF): void { store<f32>(p, v); }
/** Stores v when count > 0 (the SIMD build's exact-length tail store, one lane wide). */
// @ts-ignore: decorator
@inline export function vstoreFirst(p: usize, v: VecF, count: i32): void { if (count > 0) store<f32>(p, v); }
// @ts-ignore: decorator
@inline export function vadd(a: VecF, b: VecF): VecF { return a + b; }
// @ts-ignore: decorator
@inline export function vsub(a: VecF, b: VecF): VecF { return a - b; }
// @ts-ignore: decorator
@inline export function vmul(a: VecF, b: VecF): VecF { return a * b; }
// @ts-ignore: decorator
@inline export function vdiv(a: VecF, b: VecF): VecF { return a / b; }
// @ts-ignore: decorator
@inline export function vmin(a: VecF, b: VecF): VecF { return min<f32>(a, b); }
// @ts-ignore: decorator
@inline export function vmax(a: VecF, b: VecF): VecF { return max<f32>(a, b); }
/** Pseudo-minimum and -maximum (wasm's pmin, pmax): b < a ? b : a and a < b ? b : a. */
// @ts-ignore: decorator
@inline export function vpmin(a: VecF, b: VecF): VecF { return b < a ? b : a; }
// @ts-ignore: decorator
@inline export function vpmax(a: VecF, b: VecF): VecF { return a < b ? b : a; }
// @ts-ignore: decorator
@inline export function vneg(a: VecF): VecF { return -a; }
// @ts-ignore: decorator
@inline export function vabs(a: VecF): VecF { return abs<f32>(a); }
// @ts-ignore: decorator
@inline export function vsqrt(a: VecF): VecF { return sqrt<f32>(a); }
/** Round to nearest, ties to even. */
// @ts-ignore: decorator
@inline export function vnearest(a: VecF): VecF { return nearest<f32>(a); }
// @ts-ignore: decorator
@inline export function vlt(a: VecF, b: VecF): VecI { return -(<i32>(a < b)); }
// @ts-ignore: decorator
@inline export function vgt(a: VecF, b: VecF): VecI { return -(<i32>(a > b)); }
// @ts-ignore: decorator
@inline export function vge(a: VecF, b: VecF): VecI { return -(<i32>(a >= b)); }
// @ts-ignore: decorator
@inline export function vle(a: VecF, b: VecF): VecI { return -(<i32>(a <= b)); }
/** mask ? a : b, lane-wise. */
// @ts-ignore: decorator
@inline export function vselect(a: VecF, b: VecF, mask: VecI): VecF { return select<f32>(a, b, mask != 0); }
/** mask ? a : 0, lane-wise. */
// @ts-ignore: decorator
@inline export function vkeep(a: VecF, mask: VecI): VecF { return reinterpret<f32>(reinterpret<i32>(a) & mask); }
/** The sum of the lanes, in f64. */
// @ts-ignore: decorator
@inline export function vhsum(v: VecF): f64 { return <f64>v; }
// @ts-ignore: decorator
@inline export function isplat(x: i32): VecI { return x; }
// @ts-ignore: decorator
@inline export function iload(p: usize): VecI { return load<i32>(p); }
// @ts-ignore: decorator
@inline export function istore(p: usize, v: VecI): void { store<i32>(p, v); }
// @ts-ignore: decorator
@inline export function iadd(a: VecI, b: VecI): VecI { return a + b; }
// @ts-ignore: decorator
@inline export function isub(a: VecI, b: VecI): VecI { return a - b; }
// @ts-ignore: decorator
@inline export function ishl(a: VecI, bits: i32): VecI { return a << bits; }
// @ts-ignore: decorator
@inline export function ishrU(a: VecI, bits: i32): VecI { return <i32>(<u32>a >>> bits); }
// @ts-ignore: decorator
@inline export function iand(a: VecI, b: VecI): VecI { return a & b; }
// @ts-ignore: decorator
@inline export function ior(a: VecI, b: VecI): VecI { return a | b; }
// @ts-ignore: decorator
@inline export function ixor(a: VecI, b: VecI): VecI { return a ^ b; }
// @ts-ignore: decorator
@inline export function ine(a: VecI, b: VecI): VecI { return -(<i32>(a != b)); }
/** Lane 0 as a scalar. */
// @ts-ignore: decorator
@inline export function ifirst(a: VecI): i32 { return a; }
/** True when every lane of the mask is true. */
// @ts-ignore: decorator
@inline export function iallTrue(mask: VecI): bool { return mask != 0; }
/** Transposes the 4×4 block of floats at `src` (rows `srcRowB` bytes apart) into `dst` (rows `dstRowB` apart). */
// @ts-ignore: decorator
@inline export function transpose4x4(dst: usize, dstRowB: usize, src: usize, srcRowB: usize): void {
  for (let i: usize = 0; i < 4; i++) {
    for (let j: usize = 0; j < 4; j++) store<f32>(dst + j * dstRowB + (i << 2), load<f32>(src + i * srcRowB + (j << 2)));
  }
}

/** True when any bit of any lane is set. */
// @ts-ignore: decorator
@inline export function ianyTrue(a: VecI): bool { return a != 0; }
/** Lanes [0, valid) true, the rest false: masks the last partial vector of a reduction. */
// @ts-ignore: decorator
@inline export function laneMask(valid: i32): VecI { return -(<i32>(valid > 0)); }
/** The bits of a float vector as integers, and back (no conversion). */
// @ts-ignore: decorator
@inline export function bitsOf(a: VecF): VecI { return reinterpret<i32>(a); }
// @ts-ignore: decorator
@inline export function fromBits(a: VecI): VecF { return reinterpret<f32>(a); }
/** int32 / uint32 → float, rounding to nearest. (No float → int: the kernels build integers from floats with a
 * magic-number add, vmath.ts, because V8 expands wasm's saturating conversion into ~7 x64 instructions.) */
// @ts-ignore: decorator
@inline export function convertS(a: VecI): VecF { return <f32>a; }
// @ts-ignore: decorator
@inline export function convertU(a: VecI): VecF { return <f32><u32>a; }
