// WebAssembly.Module (./builds.ts: compiled once per process) → one instance per model, with plain
// WebAssembly.instantiate: the ABI is numbers and pointers only, so it needs none of @assemblyscript/loader's
// demangling (2.1 KB gzip of the download budget; the thread pool's workers instantiate the same way).
// Also the typed view of the wasm ABI and the copies in and out of linear memory (no live view escapes:
// memory may grow, which detaches every view taken before).
import * as abi from '../../build/abi.js';
import { resolveModule, sharedSimdModule } from './builds.js';
import { VAEError } from '../errors.js';
import { hostWait } from './threads/host-wait.js';
import type { WasmSource } from '../types.js';

/** The wasm ABI (assembly/index.ts). Pointers are byte addresses into the instance's memory. */
export interface WasmExports {
  memory: WebAssembly.Memory;
  build_lanes(): number;
  /** 1 when the build can run a job on several threads. */
  build_threads(): number;
  model_attach(layout: number): void;
  model_layout(): number;
  /** The barrier and job-dispatch record (assembly/sync/shared/barrier.ts). */
  model_sync(): number;
  model_prepare(job: number, batch: number, samples: number, beta: number, lr: number, beta1: number, beta2: number,
    epsilon: number, freeBits: number): void;
  model_run(thread: number, threads: number): number;
  /** The last training step's flag: 1 applied, 0 skipped by the guard. */
  model_applied(): number;
  arena_alloc(bytes: number): number;
  arena_mark(): number;
  arena_reset(mark: number): void;
  /** 1 when the build has the convolution layers (simd-full, scalar). */
  build_conv(): number;
  model_init(records: number, count: number, encoderLayers: number, joinAt: number, inputDim: number, latentDim: number,
    activation: number, likelihood: number, seed: number, conditionDim: number, poolSize: number): number;
  model_encode_sample(batch: number): void;
  model_log_likelihood(batch: number, samples: number): void;
  model_conditions(): number;
  model_row_results(): number;
  model_reserve(batch: number): number;
  model_encode(batch: number): void;
  model_decode(batch: number): void;
  model_decode_mean(batch: number): void;
  model_sample(batch: number): void;
  model_compute_gradients(batch: number, beta: number, freeBits: number): void;
  model_set_skip_policy(policy: number): void;
  /** 1 when the step was applied, 0 when the divergence guard skipped it. */
  model_train_step(batch: number, beta: number, lr: number, beta1: number, beta2: number, epsilon: number, freeBits: number): number;
  model_state(): number;
  model_state_bytes(): number;
  model_parameters(): number;
  model_adam_m(): number;
  model_adam_v(): number;
  model_evaluate(batch: number): void;
  model_reseed(stream: number): void;
  model_stream(stream: number): number;
  model_step(): number;
  model_parameter_floats(): number;
  model_results(): number;
  model_input(): number;
  model_mean(): number;
  model_logvar(): number;
  model_eps(): number;
  model_latent(): number;
  model_output(): number;
  model_capacity(): number;
  model_tensor_count(): number;
  model_tensor_ptr(t: number): number;
  model_tensor_grad_ptr(t: number): number;
  model_tensor_floats(t: number): number;
  gemm(c: number, ldc: number, a: number, sam: number, sak: number, b: number, ldb: number, bias: number,
    m: number, n: number, k: number, mode: number, epilogue: number): void;
  transpose(out: number, inp: number, rows: number, cols: number): void;
  /** Returns the fraction of the dense product's k steps that ran (1 on the dense path). */
  dense_forward(y: number, x: number, w: number, b: number, wt: number, lists: number, batch: number, inDim: number,
    outDim: number, epilogue: number, policy: number): number;
  dense_backward_input(dx: number, dy: number, w: number, batch: number, inDim: number, outDim: number, accumulate: number): void;
  dense_backward_params(dw: number, db: number, dy: number, x: number, lists: number, batch: number, inDim: number,
    outDim: number, accumulate: number, policy: number): number;
  column_sums(out: number, m: number, rows: number, cols: number, accumulate: number): void;
  nonzero_fraction(x: number, n: number): number;
  row_block_lists(lists: number, a: number, sam: number, sak: number, m: number, k: number): number;
  panel_lists(lists: number, b: number, ldb: number, k: number, n: number): number;
  gemm_listed_rows(c: number, ldc: number, a: number, sam: number, sak: number, b: number, ldb: number, bias: number,
    m: number, n: number, k: number, mode: number, epilogue: number, lists: number): void;
  gemm_listed_panels(c: number, ldc: number, a: number, sam: number, sak: number, b: number, ldb: number, bias: number,
    m: number, n: number, k: number, mode: number, epilogue: number, lists: number): void;
  skip_list_bytes(m: number, n: number, k: number): number;
  activation_forward(kind: number, y: number, n: number): void;
  activation_backward(kind: number, dy: number, y: number, n: number): void;
  clamp_forward(y: number, n: number, lo: number, hi: number): void;
  clamp_backward(dy: number, y: number, n: number, lo: number, hi: number): void;
  rng_seed(state: number, seed: number, stream: number): void;
  rng_below(state: number, bound: number): number;
  uniform_fill(out: number, n: number, state: number, lo: number, hi: number): void;
  normal_fill(out: number, n: number, state: number): void;
  reparameterize_forward(z: number, mu: number, logvar: number, eps: number, n: number): void;
  reparameterize_backward(dmu: number, dlogvar: number, dz: number, logvar: number, eps: number, n: number): void;
  bernoulli_logits_loss(dlogits: number, logits: number, x: number, n: number, scale: number): number;
  gaussian_unit_loss(dmu: number, mu: number, x: number, n: number, scale: number): number;
  kl_forward(mu: number, logvar: number, n: number): number;
  kl_backward(dmu: number, dlogvar: number, mu: number, logvar: number, n: number, scale: number): void;
  adam_update(p: number, g: number, m: number, v: number, n: number, stepSize: number, invSqrtBc2: number, beta1: number,
    beta2: number, eps: number): void;
  adam_step(p: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number,
    eps: number, t: number): void;
  first_outside(x: number, n: number, lo: number, hi: number): number;
}

// What the facade calls; a module without them is some other wasm, or a build of another version.
const REQUIRED_EXPORTS = ['memory', 'build_lanes', 'arena_alloc', 'first_outside', 'rng_below', 'model_init',
  'model_reserve', 'model_train_step', 'model_evaluate', 'model_encode', 'model_decode_mean', 'model_sample',
  'model_reseed', 'model_stream', 'model_results', 'model_input', 'model_mean', 'model_logvar', 'model_latent',
  'model_output', 'model_capacity', 'model_tensor_count', 'model_tensor_ptr', 'model_tensor_floats', 'build_conv',
  'model_state', 'model_state_bytes', 'model_parameters', 'model_adam_m', 'model_adam_v', 'model_encode_sample',
  'model_log_likelihood', 'model_conditions', 'model_row_results'];

/** Job kinds of model_prepare (assembly/abi.ts JOB_*). */
export const JOB = {
  TRAIN: abi.JOB_TRAIN, GRADIENTS: abi.JOB_GRADIENTS, EVALUATE: abi.JOB_EVALUATE, ENCODE: abi.JOB_ENCODE,
  ENCODE_SAMPLE: abi.JOB_ENCODE_SAMPLE, DECODE: abi.JOB_DECODE, DECODE_MEAN: abi.JOB_DECODE_MEAN, SAMPLE: abi.JOB_SAMPLE,
  LOG_LIKELIHOOD: abi.JOB_LOG_LIKELIHOOD,
} as const;

/** Pages (64 KiB) a model's memory may grow to: the maximum the builds declare for their imported memory. */
export const MAX_PAGES = abi.MAX_PAGES;

/** One wasm instance: its exports and copies in and out of its memory. */
export class Engine {
  /**
   * Bytes this instance's memory may grow to: the maximum we declare for an imported memory, else wasm32's 4 GiB
   * less a page, so that no 32-bit address or size inside it can wrap around.
   */
  readonly maxBytes: number;

  private constructor(readonly wasm: WasmExports, readonly module: WebAssembly.Module, importsMemory: boolean) {
    this.maxBytes = importsMemory ? MAX_PAGES * 65536 : 2 ** 32 - 65536;
  }

  /**
   * An instance of the module from `source` (default: the embedded build that suits this engine). With `shared`,
   * the SIMD build on a shared memory that a thread pool's workers instantiate the same module on. With `conv`, a
   * build with the convolution layers.
   */
  static async create(method: string, source?: WasmSource, shared = false, full = false): Promise<Engine> {
    const module = shared ? await sharedSimdModule(method, source, full) : await resolveModule(method, source, full);
    const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
    const missing = REQUIRED_EXPORTS.filter((name) => !names.has(name));
    if (missing.length > 0) {
      throw new VAEError('INVALID_ARGUMENT', `${method}: options.wasm: expected a build of this version of wasm-vae; ` +
        `received a module without ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`);
    }
    // The SIMD build imports its memory (so that the same build can run on a shared one); the scalar build has its own.
    const importsMemory = WebAssembly.Module.imports(module).some((i) => i.kind === 'memory');
    const memory = importsMemory ? new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared }) : undefined;
    const imports: WebAssembly.Imports = memory ? { env: { memory, wait: hostWait(memory) } } : {};
    const { exports } = await WebAssembly.instantiate(module, imports);
    const wasm = exports as unknown as WasmExports;
    if (full && wasm.build_conv() !== 1) {
      throw new VAEError('INVALID_ARGUMENT', `${method}: options.wasm: expected a build with the convolution layers ` +
        `(wasm-vae/wasm/simd-full or wasm-vae/wasm/scalar) for a model with conv2d or convTranspose2d layers, a likelihood ` +
        `list or a learned variance (that build has the likelihood blocks too); received the dense-only build`);
    }
    return new Engine(wasm, module, memory !== undefined);
  }

  /** True for the SIMD build, false for the scalar one. */
  get simd(): boolean {
    return this.wasm.build_lanes() > 1;
  }

  /** A fresh view of n floats at ptr; valid only until memory next grows, so never keep it. */
  f32(ptr: number, n: number): Float32Array {
    // Pointers come back from wasm as i32: >>> 0 reads those above 2 GiB as the unsigned addresses they are.
    return new Float32Array(this.wasm.memory.buffer, ptr >>> 0, n);
  }

  /** Copies n floats out of memory. */
  read(ptr: number, n: number): Float32Array {
    return this.f32(ptr, n).slice();
  }

  write(ptr: number, values: ArrayLike<number>): void {
    this.f32(ptr, values.length).set(values);
  }

  /** Copies n bytes out of memory. */
  bytes(ptr: number, n: number): Uint8Array {
    return new Uint8Array(this.wasm.memory.buffer, ptr >>> 0, n).slice();
  }

  writeBytes(ptr: number, bytes: Uint8Array): void {
    new Uint8Array(this.wasm.memory.buffer, ptr >>> 0, bytes.length).set(bytes);
  }

  /** Copies n float64 out of memory. */
  readF64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.wasm.memory.buffer, ptr >>> 0, n).slice();
  }

  f64(ptr: number, index: number): number {
    return new Float64Array(this.wasm.memory.buffer, ptr >>> 0, index + 1)[index];
  }

  /** A zeroed, 16-byte-aligned region of the arena. */
  alloc(bytes: number): number {
    const ptr = this.wasm.arena_alloc(bytes);
    if (ptr === 0) throw new VAEError('OUT_OF_MEMORY', `Engine.alloc: could not grow WebAssembly memory by ${bytes} bytes`);
    return ptr;
  }
}
