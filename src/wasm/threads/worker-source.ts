// The code each pool worker runs, as source text: a worker is started from a string (Node: `eval: true`; browsers:
// a Blob URL), so the library needs no separate file that bundlers and CDNs would have to find.
import { DONE, EXIT, FAILED, FAULT, GEN, SEQ, WORDS } from './control.js';
import { HOST_WAIT_SOURCE } from './host-wait.js';

/** Iterations of a worker's spin on SEQ before it sleeps (≈ 0.3 ms: the gap between two steps of a fit). */
const SPINS = 100_000;
/**
 * An idle worker sleeps in slices: a thread blocked in one endless Atomics.wait is not stopped when Node exits
 * (a forgotten, undisposed model would hang the process), while one that wakes now and then is.
 */
const IDLE_SLICE_MS = 200;

// The loop each worker runs, in plain JavaScript. Written as text, not a stringified function: transpilers
// (esbuild's keepNames, coverage tools) rewrite functions with helpers that would not exist inside the worker.
// receive(handler), send(message), onExit(handler) and die() are bound per platform below.
const WORKER_MAIN = `(receive, send, onExit, die) => {
  const GEN = ${GEN}, FAILED = ${FAILED}, SEQ = ${SEQ}, DONE = ${DONE}, EXIT = ${EXIT}, FAULT = ${FAULT}, WORDS = ${WORDS};
  receive((init) => {
    const { module, memory, layout, sync, thread, threads } = init;
    const ctrl = new Int32Array(memory.buffer, sync, WORDS);
    const fail = () => {
      Atomics.store(ctrl, FAILED, 1); Atomics.notify(ctrl, GEN);
      Atomics.add(ctrl, DONE, 1); Atomics.notify(ctrl, DONE);
    };
    let running = false;
    // A worker that ends inside a job (process.exit, a fatal error) still tells the others, which would wait forever.
    onExit(() => { if (running) fail(); });
    WebAssembly.instantiate(module, { env: { memory, wait: ${HOST_WAIT_SOURCE} } }).then((instance) => {
      const w = instance.exports;
      w.model_attach(layout);
      let seen = Atomics.load(ctrl, SEQ);
      send({ ready: true });
      for (;;) {
        // Jobs of a fit come back to back: spin briefly before sleeping (workers only; the caller never spins).
        for (let i = 0; i < ${SPINS} && Atomics.load(ctrl, SEQ) === seen; i++);
        while (Atomics.load(ctrl, SEQ) === seen) Atomics.wait(ctrl, SEQ, seen, ${IDLE_SLICE_MS});
        seen = Atomics.load(ctrl, SEQ);
        if (Atomics.load(ctrl, EXIT) !== 0) break;
        running = true;
        try {
          if (Atomics.load(ctrl, FAULT) === thread + 1) die(); // fault injection (tests): the thread ends here
          w.model_run(thread, threads);
        } catch (error) {
          running = false;
          fail();
          send({ error: String(error) });
          return;
        }
        running = false;
        Atomics.add(ctrl, DONE, 1);
        Atomics.notify(ctrl, DONE);
      }
    }, (error) => send({ error: String(error) }));
  });
}`;

/** What a worker is sent once: the module and memory to instantiate, and its place in the pool. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  layout: number;
  sync: number;
  thread: number;
  threads: number;
}

/** Source for worker_threads (`new Worker(source, { eval: true })`). */
export function nodeWorkerSource(): string {
  return `const { parentPort } = process.getBuiltinModule('node:worker_threads');
(${WORKER_MAIN})(
  (h) => parentPort.once('message', h),
  (m) => parentPort.postMessage(m),
  (h) => process.on('exit', h),
  () => process.exit(1));`;
}

/** Source for a browser Worker (from a Blob URL). */
export function browserWorkerSource(): string {
  return `(${WORKER_MAIN})(
  (h) => self.addEventListener('message', (e) => h(e.data), { once: true }),
  (m) => self.postMessage(m),
  (h) => self.addEventListener('error', h),
  () => { self.close(); throw new Error('worker closed (fault injection)'); });`;
}
