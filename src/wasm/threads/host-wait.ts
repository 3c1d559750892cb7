// The one import of the SIMD build besides its memory: the barrier's sleep (assembly/sync/shared/barrier.ts says why
// it is the host's Atomics.wait rather than wasm's own). Threads call it only on a shared memory; a single thread
// never waits.

/** env.wait for an instance on `memory`: Atomics.wait on the i32 at byte `ptr`, for at most `timeoutMs`. */
export function hostWait(memory: WebAssembly.Memory): (ptr: number, expected: number, timeoutMs: number) => number {
  return (ptr, expected, timeoutMs) => {
    Atomics.wait(new Int32Array(memory.buffer, ptr, 1), 0, expected, timeoutMs);
    return 0;
  };
}

/** The same, as source text for the workers (src/wasm/threads/worker-source.ts), which cannot import. */
export const HOST_WAIT_SOURCE =
  '(ptr, expected, timeoutMs) => { Atomics.wait(new Int32Array(memory.buffer, ptr, 1), 0, expected, timeoutMs); return 0; }';
