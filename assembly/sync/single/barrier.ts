// ~lib/barrier for builds without the threads feature (the scalar build): a job always runs on one thread, so
// a barrier has nobody to wait for. The same job code (assembly/jobs/) then runs its shares one after another.

/** Words of the barrier record (see the shared build's barrier.ts). */
// The record's size is abi.ts's SYNC_BYTES (a ~lib file cannot import abi.ts; model.ts checks it at compile time).
export const BARRIER_BYTES: usize = 64;

// @ts-ignore: decorator
@inline export function barrier(sync: usize, threads: i32, spin: bool): void {}

/** 1 in builds that can run a job on several threads. */
export const THREADS_BUILD: i32 = 0;
/** Threads a job may have in this build. */
export const MAX_POOL: i32 = 1;

/** The counter's value, then counter + 1 (the next chunk of a phase; one thread, so no atomics). */
// @ts-ignore: decorator
@inline export function grab(counter: usize): i32 {
  const c = load<i32>(counter);
  store<i32>(counter, c + 1);
  return c;
}
