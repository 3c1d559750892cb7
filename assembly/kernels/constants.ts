// Constants that vectorised kernels broadcast inside their loops, kept in a small static table and read with a
// broadcast load (one instruction, often folded into the arithmetic). Node 20's V8 rebuilds a v128 constant
// inside a loop with three or four instructions on every iteration: that was over half of the Bernoulli loss
// loop. Each `constant(x)` reserves one f32 (or the bits of one i32) when the module starts and returns its
// address; Binaryen cannot fold a load from memory back into a constant, so the load stays a load.
import { VecF, VecI, vloadSplat, bitsOf } from '~lib/lanes';

const CAPACITY: i32 = 64;
const TABLE = memory.data(CAPACITY << 2, 16);
let used = 0;

/** The address of a new table entry holding `value` (at module start; the table is never written again). */
export function constant(value: f32): usize {
  if (used == CAPACITY) unreachable(); // a full table traps at instantiation: every test fails, loudly
  const address = TABLE + (<usize>used << 2);
  used++;
  store<f32>(address, value);
  return address;
}

/** The same for the bits of an integer lane constant (masks, exponent biases). */
export function constantBits(bits: i32): usize {
  return constant(reinterpret<f32>(bits));
}

/** The entry at `address` in every lane. */
// @ts-ignore: decorator
@inline export function splatOf(address: usize): VecF { return vloadSplat(address); }

/** The integer entry at `address` in every lane. */
// @ts-ignore: decorator
@inline export function isplatOf(address: usize): VecI { return bitsOf(vloadSplat(address)); }
