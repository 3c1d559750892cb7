// A pool of workers that run each job of one model together with shared WebAssembly memory. The host prepares the
// job in memory (model_prepare), bumps SEQ, and every thread runs its part (model_run(t, T)), meeting the others at
// the barriers inside the job (assembly/jobs/); DONE counts the workers that finished.
// Where the caller may block (Node, a Worker) it is thread 0 itself, and T − 1 workers join it: one wake-up fewer
// per job, which measured ≈ 8% of a 2-thread step. On a browser's main thread, which may not block, T workers run
// the job and the caller awaits Atomics.waitAsync. Waits are Atomics.wait/waitAsync, never polling.
import { VAEError } from '../../errors.js';
import type { Engine } from '../instance.js';
import { DONE, EXIT, FAILED, FAULT, GEN, SEQ, WORDS } from './control.js';
import { browserWorkerSource, nodeWorkerSource, type WorkerInit } from './worker-source.js';

/** The part of a Worker (worker_threads or DOM) the pool uses. */
interface PoolWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
  /** worker_threads only: stop keeping the event loop alive. */
  unref?(): void;
}

type WorkerFactory = (onMessage: (message: { ready?: boolean; error?: string }) => void, onError: (error: unknown) => void) => PoolWorker;

/** Node's process, where there is one. */
type NodeProcess = { getBuiltinModule?(id: string): unknown; once(event: string, listener: () => void): unknown };
const nodeProcess = (globalThis as { process?: NodeProcess }).process;

/**
 * Pools still running in this Node process. A worker busy in its loop keeps Node from exiting even when unref'd
 * (measured: Node 20 hangs at exit), so when the event loop runs dry ('beforeExit') the pools are disposed, and on
 * process.exit() ('exit') their workers are terminated: a model nobody disposed never hangs the process.
 */
const livePools = new Set<ThreadPool>();
let exitHooks = false;

function installExitHooks(): void {
  if (exitHooks || !nodeProcess?.once) return;
  exitHooks = true;
  nodeProcess.once('beforeExit', () => { for (const pool of livePools) pool.dispose(); exitHooks = false; });
  nodeProcess.once('exit', () => { for (const pool of livePools) pool.dispose(); });
}

function nodeWorkers(): WorkerFactory | null {
  const threads = nodeProcess?.getBuiltinModule?.('node:worker_threads') as typeof import('node:worker_threads') | undefined;
  if (!threads) return null;
  const source = nodeWorkerSource();
  return (onMessage, onError) => {
    const worker = new threads.Worker(source, { eval: true });
    worker.on('message', onMessage);
    worker.on('error', onError);
    return worker;
  };
}

/** The workers' script as a Blob URL: made once per page (each pool would otherwise leak one). */
let workerUrl: string | undefined;

function browserWorkers(): WorkerFactory | null {
  if (typeof Worker !== 'function' || typeof Blob !== 'function') return null;
  const url = workerUrl ??= URL.createObjectURL(new Blob([browserWorkerSource()], { type: 'text/javascript' }));
  return (onMessage, onError) => {
    const worker = new Worker(url);
    worker.onmessage = (e: MessageEvent) => onMessage(e.data);
    worker.onerror = (e) => { e.preventDefault(); onError(e.message); };
    return worker;
  };
}

const WAIT_SLICE_MS = 1000;

/** Atomics.waitAsync (ES2024; Chrome 87+, Node 16+), typed here because the library targets an older lib. */
type WaitAsync = (array: Int32Array, index: number, value: number, timeout: number) =>
  { async: false; value: string } | { async: true; value: Promise<string> };

/** Whether a thread that may not block can still await a pool (Atomics.waitAsync exists). */
export function canAwaitPool(): boolean {
  return typeof (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync === 'function';
}

export class ThreadPool {
  readonly #ctrl: Int32Array;
  readonly #engine: Engine;
  /** Threads per job, the caller included when it joins. */
  readonly size: number;
  /** True when the caller runs as thread 0 (it may block). */
  readonly #callerJoins: boolean;
  #workers: PoolWorker[];
  #failure: string | null = null;

  private constructor(ctrl: Int32Array, engine: Engine, size: number, callerJoins: boolean, workers: PoolWorker[]) {
    this.#ctrl = ctrl;
    this.#engine = engine;
    this.size = size;
    this.#callerJoins = callerJoins;
    this.#workers = workers;
  }

  /**
   * A pool for jobs on `threads` threads over the engine's shared memory: the caller and threads − 1 workers when
   * `callerJoins`, else `threads` workers. Resolves once every worker has attached to the model.
   */
  static async start(method: string, engine: Engine, threads: number, callerJoins: boolean): Promise<ThreadPool> {
    const spawn = nodeWorkers() ?? browserWorkers();
    if (!spawn) throw new VAEError('UNSUPPORTED_ENGINE', `${method}: options.threads: expected worker_threads (Node) or Worker (browsers); this engine has neither`);
    const memory = engine.wasm.memory, sync = engine.wasm.model_sync();
    const ctrl = new Int32Array(memory.buffer, sync, WORDS);
    const workers: PoolWorker[] = [];
    const ready: Array<Promise<void>> = [];
    let failed: (reason: string) => void = () => {};
    for (let thread = callerJoins ? 1 : 0; thread < threads; thread++) {
      ready.push(new Promise((resolve, reject) => {
        const worker = spawn((message) => {
          if (message.ready) resolve();
          if (message.error) { failed(message.error); reject(new Error(message.error)); }
        }, (error) => { failed(String(error)); reject(error instanceof Error ? error : new Error(String(error))); });
        workers.push(worker);
        const init: WorkerInit = { module: engine.module, memory, layout: engine.wasm.model_layout(), sync, thread, threads };
        worker.postMessage(init);
      }));
    }
    const pool = new ThreadPool(ctrl, engine, threads, callerJoins, workers);
    livePools.add(pool);
    installExitHooks();
    failed = (reason) => pool.#fail(reason);
    try {
      await Promise.all(ready);
      // Once started, a forgotten (undisposed) model must not keep Node alive: the loop then empties, and
      // 'beforeExit' disposes the pool (installExitHooks).
      for (const worker of workers) worker.unref?.();
    } catch (error) {
      pool.dispose();
      throw new VAEError('UNSUPPORTED_ENGINE', `${method}: options.threads: expected ${threads} workers to start; one failed: ${(error as Error).message}`);
    }
    return pool;
  }

  get alive(): boolean {
    return this.#workers.length > 0 && this.#failure === null;
  }

  /** True when run() may be called here: the caller is thread 0 and may block (Atomics.wait). */
  get blocking(): boolean {
    return this.#callerJoins;
  }

  /** Runs the prepared job: this thread as thread 0 with the workers, then waits for them (Atomics.wait). */
  run(method: string): void {
    this.#start(method);
    const ctrl = this.#ctrl, n = this.#workers.length;
    try {
      this.#engine.wasm.model_run(0, this.size);
    } catch (error) {
      // A trap: the barrier gave up because a worker failed (FAILED), or thread 0's own part failed.
      if (Atomics.load(ctrl, FAILED) === 0) this.#fail(`thread 0 failed: ${(error as Error).message}`);
    }
    for (let done = Atomics.load(ctrl, DONE); done < n; done = Atomics.load(ctrl, DONE)) {
      Atomics.wait(ctrl, DONE, done, WAIT_SLICE_MS);
    }
    this.#finish(method);
  }

  /** The same without blocking, on T workers: awaits Atomics.waitAsync (a browser's main thread may not block). */
  async runAsync(method: string): Promise<void> {
    this.#start(method);
    const ctrl = this.#ctrl, n = this.#workers.length;
    for (let done = Atomics.load(ctrl, DONE); done < n; done = Atomics.load(ctrl, DONE)) {
      const result = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(ctrl, DONE, done, WAIT_SLICE_MS);
      if (result.async) await result.value;
      if (this.#failure !== null) break; // a worker's error event (delivered while we awaited)
    }
    this.#finish(method);
  }

  /** Tests only: the worker of thread `thread` (not 0 when the caller joins) ends at its next job, as a crashed thread would. */
  injectFault(thread: number): void {
    Atomics.store(this.#ctrl, FAULT, thread + 1);
  }

  /** Ends the workers. Idempotent. */
  dispose(): void {
    livePools.delete(this);
    if (this.#workers.length === 0) return;
    Atomics.store(this.#ctrl, EXIT, 1);
    Atomics.add(this.#ctrl, SEQ, 1);
    Atomics.notify(this.#ctrl, SEQ);
    for (const worker of this.#workers) worker.terminate();
    this.#workers = [];
  }

  #start(method: string): void {
    if (!this.alive) throw this.#error(method);
    const ctrl = this.#ctrl;
    Atomics.store(ctrl, DONE, 0);
    Atomics.add(ctrl, SEQ, 1);
    Atomics.notify(ctrl, SEQ);
  }

  #finish(method: string): void {
    if (Atomics.load(this.#ctrl, FAILED) !== 0 || this.#failure !== null) {
      this.#failure ??= 'a worker died during the job';
      this.dispose();
      throw this.#error(method);
    }
  }

  #fail(reason: string): void {
    this.#failure ??= reason;
    Atomics.store(this.#ctrl, FAILED, 1);
    Atomics.notify(this.#ctrl, GEN);
    Atomics.notify(this.#ctrl, DONE);
  }

  #error(method: string): VAEError {
    return new VAEError('WORKER_FAILED', `${method}: expected the thread pool's workers to finish the job; ` +
      `${this.#failure ?? 'the pool was shut down'}. The model keeps its last completed step and runs on one thread from now on`);
  }
}
