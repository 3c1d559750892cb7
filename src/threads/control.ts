// The words of the record at model_sync() (assembly/sync/shared/barrier.ts) as i32 indices. The first three belong
// to the barrier inside jobs; the rest are how the host hands a job to its workers and learns that it finished.
export const COUNT = 0;  // barrier arrivals (wasm)
export const GEN = 1;    // barrier generation (wasm)
export const FAILED = 2; // set when a thread of the pool died or threw: every waiter then gives up
export const SEQ = 3;    // bumped by the host for each job; workers sleep on it
export const DONE = 4;   // threads that finished the current job
export const EXIT = 5;   // set by dispose(): workers leave their loop
export const FAULT = 6;  // tests only: worker FAULT − 1 dies at its next job (see worker-source.ts)
export const WORDS = 8;
