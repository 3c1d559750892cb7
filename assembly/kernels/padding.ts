// The padding rule of the element-wise kernels: they process ⌈n/4⌉ whole groups of four floats, so they may
// read and write up to 3 floats past n. Every buffer they are given is an arena region, whose size the arena
// rounds up to 16 bytes. The rule is the same in the SIMD and the scalar build, so both touch the same floats.

/** Bytes covered by ⌈n/4⌉ groups of four f32. */
// @ts-ignore: decorator
@inline export function paddedBytes(n: i32): usize {
  return ((<usize>n + 3) & ~3) << 2;
}
