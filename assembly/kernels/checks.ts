// Input validation on the wasm side, so a batch is checked where it already sits, at SIMD speed.

/** The index of the first of n values that is not in [lo, hi] (NaN is not), or -1. Reads exactly n values. */
export function first_outside(x: usize /* (n) */, n: i32, lo: f32, hi: f32): i32 {
  const l = f32x4.splat(lo), h = f32x4.splat(hi);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    if (!i32x4.all_true(v128.and(f32x4.ge(v, l), f32x4.le(v, h)))) break;
  }
  for (; i < n; i++) {
    const s = load<f32>(x + (<usize>i << 2));
    if (!(s >= lo && s <= hi)) return i;
  }
  return -1;
}
