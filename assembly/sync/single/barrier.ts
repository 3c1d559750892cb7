// ~lib/barrier for builds without the threads feature (the scalar build): a job always runs on one thread, so
// a barrier has nobody to wait for. The same job code (assembly/jobs.ts) then runs its shares one after another.

/** Words of the barrier record (see the shared build's barrier.ts). */
export const BARRIER_BYTES: usize = 32; // 8 words: the barrier's 3, then the host's (src/threads/control.ts)

// @ts-ignore: decorator
@inline export function barrier(sync: usize, threads: i32): void {}

/** 1 in builds that can run a job on several threads. */
export const THREADS_BUILD: i32 = 0;
