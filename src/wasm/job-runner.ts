// How a model's jobs (assembly/jobs/: a training step, evaluate, encode, decode, sample, the IWAE bound) run: on
// the caller's thread alone, or on a thread pool (src/wasm/threads/). Both give the same bits, so the facade does not
// care which; this file decides, and keeps the model at its last completed step when a worker dies.
import type { Engine } from './instance.js';
import { STATE_RECORD_BYTES } from '../train/state.js';
import { VAEError } from '../errors.js';
import { canAwaitPool, ThreadPool } from './threads/pool.js';
import { canBlock } from './threads/support.js';

// Adam's moment decays and ε, as PyTorch's defaults (Kingma & Ba 2015 recommend the same).
const ADAM_BETA1 = 0.9, ADAM_BETA2 = 0.999, ADAM_EPSILON = 1e-8;

/** A job's arguments beyond its kind and rows (model_prepare); unused ones are ignored. */
export interface JobArguments {
  samples?: number;
  beta?: number;
  learningRate?: number;
  freeBits?: number;
}

/**
 * A model nobody references and nobody disposed would keep its pool's workers (an OS thread and ≈ 11 MB each) for
 * the life of the process: once the model is collected, its runner is disposed here. The runner holds no reference
 * to the model, so this registration is what lets it go. dispose() unregisters.
 */
const forgotten = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<JobRunner>((runner) => runner.dispose()) : null;

/** Each model's runner, for injectFault (tests); not reachable from the package's exports. */
const runners = new WeakMap<object, JobRunner>();

/** Tests only: the worker of `thread` in `model`'s pool dies at the next job (src/wasm/threads/pool.ts). */
export function injectFault(model: object, thread: number): void {
  runners.get(model)?.injectFault(thread);
}

export class JobRunner {
  readonly #engine: Engine;
  #pool: ThreadPool | null;
  /** True while a job runs on the pool without blocking (a browser's main thread awaiting it). */
  #inFlight = false;

  private constructor(engine: Engine, pool: ThreadPool | null) {
    this.#engine = engine;
    this.#pool = pool;
  }

  /** A runner on `threads` threads: a pool when threads > 1 (the engine's memory is then shared). */
  static async start(method: string, engine: Engine, threads: number): Promise<JobRunner> {
    return new JobRunner(engine, threads > 1 ? await ThreadPool.start(method, engine, threads, canBlock()) : null);
  }

  /**
   * Ties the runner to `owner`, the object users hold (the VAE): the pool's workers end when the owner is disposed
   * or, forgotten, garbage-collected; injectFault(owner) reaches this runner.
   */
  ownedBy(owner: object): void {
    if (this.#pool) forgotten?.register(owner, this, this);
    runners.set(owner, this);
  }

  /** Threads the jobs run on: 1, or the pool's size (1 again once a worker failed or after dispose). */
  get threads(): number {
    return this.#pool?.alive ? this.#pool.size : 1;
  }

  /** Throws when a job is running on the pool that this thread is awaiting (nothing else may touch the model). */
  checkIdle(method: string): void {
    if (this.#inFlight) {
      throw new VAEError('INVALID_ARGUMENT', `${method}: expected no step running on the thread pool; fit() is awaiting one ` +
        '(call between steps, from onBatchEnd or onEpochEnd)');
    }
  }

  /** True when fit should await its steps (runAsync): a pool this thread may not block on, and waitAsync to await it. */
  get awaitsSteps(): boolean {
    return this.#pool !== null && this.#pool.alive && !this.#pool.blocking && canAwaitPool();
  }

  /**
   * Runs a job on the pool, or on this thread alone: without a pool, or where this thread may not block for a
   * synchronous call (a browser's main thread). Returns model_run's flag (for a training step: 1 applied, 0 skipped
   * by the divergence guard).
   */
  run(method: string, job: number, batch: number, args: JobArguments = {}): number {
    const w = this.#prepare(job, batch, args);
    const pool = this.#pool;
    if (!pool?.alive || !pool.blocking) return w.model_run(0, 1);
    const state = this.#engine.bytes(w.model_state(), STATE_RECORD_BYTES);
    try {
      pool.run(method);
    } catch (error) {
      this.#poolFailed(state);
      throw error;
    }
    return w.model_applied();
  }

  /** run() for fit where this thread may not block: awaits the pool (Atomics.waitAsync). */
  async runAsync(method: string, job: number, batch: number, args: JobArguments = {}): Promise<number> {
    const pool = this.#pool;
    if (!pool?.alive || pool.blocking) return this.run(method, job, batch, args);
    const w = this.#prepare(job, batch, args);
    const state = this.#engine.bytes(w.model_state(), STATE_RECORD_BYTES);
    this.#inFlight = true;
    try {
      await pool.runAsync(method);
    } catch (error) {
      this.#poolFailed(state);
      throw error;
    } finally {
      this.#inFlight = false;
    }
    return w.model_applied();
  }

  /** Tests only (through injectFault): the worker of `thread` dies at the next job. */
  injectFault(thread: number): void {
    this.#pool?.injectFault(thread);
  }

  /** Ends the pool's workers. Idempotent. */
  dispose(): void {
    forgotten?.unregister(this);
    this.#pool?.dispose();
    this.#pool = null;
  }

  #prepare(job: number, batch: number, { samples = 0, beta = 1, learningRate = 0, freeBits = 0 }: JobArguments) {
    const w = this.#engine.wasm;
    w.model_prepare(job, batch, samples, beta, learningRate, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, freeBits);
    return w;
  }

  /**
   * After a worker died. Adam runs only after the barrier that follows every thread's gradients and the guard, so
   * a thread that fails before it leaves weights and moments as they were (a thread cannot fail inside Adam's
   * element-wise chunks short of the engine killing it). The state record (step count, RNG streams) is put back as
   * it was before the job, and the model continues on this thread alone.
   */
  #poolFailed(state: Uint8Array): void {
    this.#engine.writeBytes(this.#engine.wasm.model_state(), state);
    this.#pool = null;
  }
}
