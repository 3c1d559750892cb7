// Whether this engine can run a thread pool, and how many threads a model gets. The rule, also in the README:
//   threads: 1 (the default) never starts workers.
//   threads: 'auto' takes the available cores (os.availableParallelism(), navigator.hardwareConcurrency), at most
//     AUTO_CAP, and quietly stays at 1 where a pool cannot run.
//   threads: n > 1 needs shared WebAssembly memory — in a browser, a cross-origin isolated page (served with
//     Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp) — WebAssembly SIMD,
//     the SIMD build (embedded, or supplied as bytes or a URL), and Workers; without them it throws VAEError
//     UNSUPPORTED_ENGINE saying which is missing.
import { simdSupported } from '../builds.js';
import { argumentError } from '../../checks/options.js';
import { VAEError } from '../../errors.js';
import type { Threads, WasmSource } from '../../types.js';

/** The most threads a job may run on (assembly/abi.ts). */
export { MAX_THREADS } from '../../../build/abi.js';
import { MAX_THREADS } from '../../../build/abi.js';
/** 'auto' stops here: a batch of 128 has 32 row blocks, and memory bandwidth is shared. */
export const AUTO_CAP = 8;

export const ISOLATION_HEADERS = 'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';

function availableCores(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?(): number } | undefined;
  if (os?.availableParallelism) return os.availableParallelism();
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

/** Why a pool cannot run here, or null when it can. */
export function threadsUnavailable(source: WasmSource | undefined): string | null {
  if (source === 'scalar') return "threads run on the SIMD build; options.wasm chose 'scalar'";
  if (typeof WebAssembly === 'object' && source instanceof WebAssembly.Module) {
    return 'a compiled WebAssembly.Module cannot be given shared memory: pass the SIMD build (wasm-vae/wasm/simd) as its URL or bytes';
  }
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return `this page has no SharedArrayBuffer: serve it cross-origin isolated (${ISOLATION_HEADERS})`;
  }
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (isolated === false) return `this page is not cross-origin isolated: serve it with ${ISOLATION_HEADERS}`;
  if (!simdSupported()) return 'this engine has WebAssembly without SIMD';
  const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  if (!proc?.getBuiltinModule?.('node:worker_threads') && typeof Worker !== 'function') return 'this engine has no Workers (in Node, 20.16+ is needed)';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'this engine cannot create shared WebAssembly memory';
  }
  return null;
}

/** The thread count for VAE.create/load's `threads` option (1: no pool). */
export function resolveThreads(method: string, threads: Threads | undefined, source: WasmSource | undefined): number {
  if (threads === undefined || threads === 1) return 1;
  if (threads === 'auto') {
    const n = Math.min(AUTO_CAP, Math.max(1, availableCores()));
    return n > 1 && threadsUnavailable(source) === null ? n : 1;
  }
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw argumentError(method, 'options.threads', `an integer in [1, ${MAX_THREADS}] or 'auto'`, threads);
  }
  const why = threadsUnavailable(source);
  if (why !== null) throw new VAEError('UNSUPPORTED_ENGINE', `${method}: options.threads: expected an engine that can run ${threads} threads; ${why}`);
  return threads;
}

/** True where Atomics.wait may block this thread: Node's main thread and Workers, not a browser's main thread. */
export function canBlock(): boolean {
  if (blocking === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blocking = true;
    } catch {
      blocking = false;
    }
  }
  return blocking;
}

let blocking: boolean | undefined;
