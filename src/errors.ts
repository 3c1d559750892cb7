/** Stable error codes: match on `error.code`, never on the message. */
export type VAEErrorCode =
  | 'INVALID_ARGUMENT'    // a method got data or options of the wrong shape, length, type or range
  | 'INVALID_DATA'        // a data reader (wasm-vae/data: readCsv, readNpy, readIdx) got a file it cannot read
  | 'INVALID_CONFIG'      // VAE.create got a configuration it cannot build
  | 'INVALID_MODEL_FILE'  // VAE.load got bytes that are not a valid model file (ours, or a PyTorch state dict of the model given)
  | 'DISPOSED'            // a method was called after dispose()
  | 'OUT_OF_MEMORY'       // WebAssembly memory could not grow for the requested batch
  | 'DIVERGED'            // fit skipped maxConsecutiveSkips steps in a row (non-finite loss or gradients)
  | 'UNSUPPORTED_ENGINE'  // this JavaScript engine lacks WebAssembly or its SIMD extension (or, for threads, shared memory)
  | 'WORKER_FAILED';     // a worker of the model's thread pool died during a call; the model keeps its last step

/** The one error type wasm-vae throws; the message says what was called, what was expected and what came. */
export class VAEError extends Error {
  readonly code: VAEErrorCode;

  constructor(code: VAEErrorCode, message: string) {
    super(message);
    this.name = 'VAEError';
    this.code = code;
  }
}

/** A short description of a received value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value instanceof ArrayBuffer) return `an ArrayBuffer of ${value.byteLength} bytes`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}
