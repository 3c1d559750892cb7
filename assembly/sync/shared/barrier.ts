// ~lib/barrier for the SIMD build, compiled with the threads feature: a generation barrier on shared linear
// memory with wasm's atomic wait and notify (the threads proposal). Every thread of a job calls barrier() the same
// number of times; the last to arrive opens the next generation and wakes the sleepers.
//
// Record at `sync` (i32 words): COUNT arrivals this generation, GEN the generation, FAILED set by the host when a
// thread of the job died: the waiters then trap (unreachable), which the host turns into a VAEError.
// Waiters spin a little first (a wake from atomic.wait costs tens of µs; a step has 3 barriers), then sleep in
// slices so that they notice FAILED even when nobody notifies them.

export const BARRIER_BYTES: usize = 32; // 8 words: the barrier's 3, then the host's (src/threads/control.ts)
const COUNT: usize = 0, GEN: usize = 4, FAILED: usize = 8;
const SPINS = 200000;
const SLICE_NS: i64 = 20_000_000; // 20 ms

export const THREADS_BUILD: i32 = 1;

export function barrier(sync: usize, threads: i32): void {
  if (threads <= 1) return;
  const gen = atomic.load<i32>(sync + GEN);
  if (atomic.add<i32>(sync + COUNT, 1) == threads - 1) {
    atomic.store<i32>(sync + COUNT, 0);
    atomic.store<i32>(sync + GEN, gen + 1);
    atomic.notify(sync + GEN, threads);
    return;
  }
  let spins = 0;
  while (atomic.load<i32>(sync + GEN) == gen) {
    if (atomic.load<i32>(sync + FAILED) != 0) unreachable();
    if (spins < SPINS) { spins++; continue; }
    atomic.wait<i32>(sync + GEN, gen, SLICE_NS);
  }
}
