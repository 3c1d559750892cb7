// ~lib/barrier for the SIMD build, compiled with the threads feature: a generation barrier on shared linear
// memory with wasm's atomic wait and notify (the threads proposal). Every thread of a job calls barrier() the same
// number of times; the last to arrive opens the next generation and wakes the sleepers.
//
// Record at `sync` (i32 words): COUNT arrivals this generation, GEN the generation, FAILED set by the host when a
// thread of the job died: the waiters then trap (unreachable), which the host turns into a VAEError.
// Workers spin a little first (a wake from a wait costs tens of µs; a step has 4 barriers); the caller's thread
// (thread 0) never spins. Then they sleep in slices, so that they notice FAILED even when nobody notifies them.
//
// The sleep is the host's Atomics.wait, imported, not wasm's memory.atomic.wait32: Binaryen inlines this function
// into every job, and Node 20's V8 (11.3) then loses live float registers across an inlined atomic wait in its
// baseline compiler (Liftoff). Measured: a worker that slept in its first job came back with the step's scale
// 1/batch turned into 0 in about one run in five. A call to an import spills every register, as any call does.

// The record's words are abi.ts's SYNC_*: a ~lib file cannot import abi.ts, so model.ts checks BARRIER_BYTES
// against SYNC_BYTES at compile time, and COUNT, GEN and FAILED here are abi.ts's SYNC_COUNT, SYNC_GEN, SYNC_FAILED.
export const BARRIER_BYTES: usize = 64;
const COUNT: usize = 0, GEN: usize = 4, FAILED: usize = 8;
const SPINS = 200000;
const SLICE_MS: f64 = 20;

export const THREADS_BUILD: i32 = 1;

/** Atomics.wait(i32 at ptr, expected, timeout ms) on this memory (src/wasm/threads/host-wait.ts); its result is unused. */
@external("env", "wait")
declare function hostWait(ptr: usize, expected: i32, timeoutMs: f64): i32;
/** Threads a job may have (src/wasm/threads/support.ts MAX_THREADS). */
export const MAX_POOL: i32 = 64;

/** The counter's value, then counter + 1, atomically: each thread takes the next chunk of a phase. */
// @ts-ignore: decorator
@inline export function grab(counter: usize): i32 {
  return atomic.add<i32>(counter, 1);
}

/** Waits until all `threads` threads have called it. `spin`: spin a while before sleeping (never on the caller's thread). */
export function barrier(sync: usize, threads: i32, spin: bool): void {
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
    if (spin && spins < SPINS) { spins++; continue; }
    hostWait(sync + GEN, gen, SLICE_MS);
  }
}
