// Input validation on the wasm side, so a batch is checked where it already sits, at SIMD speed.
import { LANES, vsplat, vload, vge, vle, iand, iallTrue } from '~lib/lanes';

/** The index of the first of n values that is not in [lo, hi] (NaN is not), or -1. Reads exactly n values. */
export function first_outside(x: usize /* (n) */, n: i32, lo: f32, hi: f32): i32 {
  const l = vsplat(lo), h = vsplat(hi);
  const whole = n - n % LANES;
  let i = 0;
  for (; i < whole; i += LANES) {
    const v = vload(x + (<usize>i << 2));
    if (!iallTrue(iand(vge(v, l), vle(v, h)))) break;
  }
  for (; i < n; i++) {
    const s = load<f32>(x + (<usize>i << 2));
    if (!(s >= lo && s <= hi)) return i;
  }
  return -1;
}
