// Which compiled wasm a model runs on. Three builds come from the same AssemblyScript sources (asconfig.json): SIMD
// with dense layers only, embedded in the main bundle; SIMD with the convolution layers too, for models that have
// them; and scalar (with convolutions) for engines without WebAssembly SIMD. The last two are imported lazily from
// chunks of their own (bundlers emit them as separate files), so that an MLP on a SIMD engine downloads neither. `auto` picks SIMD where
// WebAssembly.validate accepts a SIMD instruction (as tfjs-backend-wasm and wasm-feature-detect check). Callers
// may instead supply the module themselves — bytes, a compiled WebAssembly.Module or a URL — to cache the raw
// .wasm shipped in dist/ separately. Each source (build, URL, or bytes object) is compiled once per process.
import { WASM_BASE64 as SIMD_WASM_BASE64 } from '../../build/wasm-simd.js';
import { describe, VAEError } from '../errors.js';
import type { WasmSource } from '../types.js';

export const MINIMUM_ENGINES =
  'WebAssembly SIMD (Chrome 91+, Edge 91+, Firefox 89+, Safari 16.4+, Node 16.4+) for the SIMD build, or ' +
  'WebAssembly with bulk memory and non-trapping float-to-int (Chrome 75+, Firefox 79+, Safari 15+) for the scalar build';

/** The smallest module using a v128 instruction (i8x16.splat, i8x16.popcnt), as wasm-feature-detect checks it. */
export const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1,
  8, 0, 65, 0, 253, 15, 253, 98, 11]);

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function unsupported(method: string, received: string): VAEError {
  return new VAEError('UNSUPPORTED_ENGINE', `${method}: expected ${MINIMUM_ENGINES}; ${received}`);
}

/** True when this engine runs WebAssembly SIMD (the fast build). */
export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

type Build = 'simd' | 'simd-conv' | 'scalar';
const embedded = new Map<Build | 'shared' | 'shared-conv', Promise<WebAssembly.Module>>();
const supplied = new WeakMap<ArrayBuffer | ArrayBufferView, Promise<WebAssembly.Module>>();
const byUrl = new Map<string, Promise<WebAssembly.Module>>();

interface ModuleCache<K> {
  get(key: K): Promise<WebAssembly.Module> | undefined;
  set(key: K, module: Promise<WebAssembly.Module>): unknown;
  delete(key: K): unknown;
}

/** Compiles once per key; a failed compile is forgotten so that a later call may retry. */
function once<K>(cache: ModuleCache<K>, key: K, compile: () => Promise<WebAssembly.Module>): Promise<WebAssembly.Module> {
  let module = cache.get(key);
  if (!module) {
    module = compile();
    cache.set(key, module);
    module.catch(() => cache.delete(key));
  }
  return module;
}

const decoded = new Map<Build, Uint8Array<ArrayBuffer>>();

async function embeddedBytes(build: Build): Promise<Uint8Array<ArrayBuffer>> {
  let bytes = decoded.get(build);
  if (!bytes) {
    const base64 = build === 'simd' ? SIMD_WASM_BASE64
      : build === 'simd-conv' ? (await import('../../build/wasm-simd-conv.js')).WASM_BASE64
        : (await import('../../build/wasm-scalar.js')).WASM_BASE64;
    decoded.set(build, bytes = decodeBase64(base64));
  }
  return bytes;
}

async function embeddedModule(method: string, build: Build): Promise<WebAssembly.Module> {
  if (build !== 'scalar' && !simdSupported()) throw unsupported(method, 'this engine has WebAssembly without SIMD');
  const bytes = await embeddedBytes(build);
  // Checked on every call, like the SIMD probe, so the answer never depends on what was compiled before.
  if (build === 'scalar' && !WebAssembly.validate(bytes)) throw unsupported(method, 'this engine cannot run the scalar build');
  return once(embedded, build, () => WebAssembly.compile(bytes).catch((error: Error) => {
    // Valid bytes that will not compile: in browsers, a Content-Security-Policy without 'wasm-unsafe-eval'.
    throw unsupported(method, `this engine refused to compile the ${build} build (${error.message}); ` +
      `under a Content-Security-Policy, script-src must allow 'wasm-unsafe-eval'`);
  }));
}

/** Compiles caller-supplied bytes; a failure is the caller's argument, so it says what came. */
async function compileSupplied(method: string, what: string, bytes: BufferSource): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (error) {
    throw new VAEError('INVALID_ARGUMENT', `${method}: options.wasm: expected a wasm-vae build that this engine ` +
      `can compile; received ${what} (${bytes.byteLength} bytes) that failed: ${(error as Error).message}`);
  }
}

async function readUrl(method: string, url: URL): Promise<ArrayBuffer | Uint8Array<ArrayBuffer>> {
  const failed = (why: string) =>
    new VAEError('INVALID_ARGUMENT', `${method}: options.wasm: expected ${url.href} to serve the wasm; received ${why}`);
  if (url.protocol === 'file:') {
    // Node: fetch() has no file: scheme. getBuiltinModule (Node 20.16+) keeps `node:fs` out of browser bundles.
    const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
    const fs = proc?.getBuiltinModule?.('node:fs/promises') as { readFile(u: URL): Promise<Uint8Array<ArrayBuffer>> } | undefined;
    if (!fs) throw failed('a file: URL, which only Node can read');
    return fs.readFile(url).catch((error: Error) => { throw failed(error.message); });
  }
  const response = await fetch(url).catch((error: Error) => { throw failed(error.message); });
  if (!response.ok) throw failed(`HTTP ${response.status}`);
  return response.arrayBuffer();
}

/**
 * The SIMD build with its memory import declared shared, for a thread pool (src/wasm/threads/): the embedded build,
 * or the caller's SIMD build given as bytes or a URL (the raw `wasm-vae/wasm/simd`, cached on its own). The build is
 * compiled with the threads feature and imports a memory of at most MAX_PAGES pages; a shared memory differs only
 * in the limits flag of that import (0x01 → 0x03, WebAssembly threads proposal), so one build serves both. A
 * compiled WebAssembly.Module cannot be re-declared, so it cannot run a pool (threads/support.ts says so first).
 */
export function sharedSimdModule(method: string, source?: WasmSource, conv = false): Promise<WebAssembly.Module> {
  if (!simdSupported()) throw unsupported(method, 'this engine has WebAssembly without SIMD, and threads run on the SIMD build');
  if (source === undefined || source === 'auto' || source === 'simd') {
    const build = conv ? 'simd-conv' : 'simd';
    return once(embedded, conv ? 'shared-conv' : 'shared', async () => WebAssembly.compile(sharedCopy(method, await embeddedBytes(build), null)));
  }
  const value: unknown = source;
  if (value instanceof URL) {
    return once(sharedByUrl, value.href, async () => {
      const bytes = await readUrl(method, value);
      return compileSupplied(method, value.href, sharedCopy(method, new Uint8Array(bytes), value.href));
    });
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return once(sharedSupplied, value, () => compileSupplied(method, describe(value), sharedCopy(method, bytes, describe(value))));
  }
  throw new VAEError('INVALID_ARGUMENT', `${method}: options.wasm: expected the SIMD build as bytes or a URL to run threads; received ${describe(value)}`);
}

const sharedSupplied = new WeakMap<ArrayBuffer | ArrayBufferView, Promise<WebAssembly.Module>>();
const sharedByUrl = new Map<string, Promise<WebAssembly.Module>>();

/** A copy of `bytes` whose imported memory is declared shared; `what` names a caller's module (null: ours). */
function sharedCopy(method: string, bytes: Uint8Array, what: string | null): Uint8Array<ArrayBuffer> {
  const out = markMemoryShared(bytes);
  if (out) return out;
  if (what === null) throw new VAEError('UNSUPPORTED_ENGINE', 'threads: expected the embedded SIMD build to import a memory with a maximum; this build does not');
  throw new VAEError('INVALID_ARGUMENT', `${method}: options.wasm: expected the SIMD build (wasm-vae/wasm/simd), which imports its ` +
    `memory, to run threads; received ${what}, which imports no memory with a maximum (the scalar build has its own memory)`);
}

/** A copy of `bytes` whose imported memory is declared shared, or null when it imports no memory with a maximum. */
function markMemoryShared(bytes: Uint8Array): Uint8Array<ArrayBuffer> | null {
  const out = bytes.slice();
  let at = 8; // magic and version
  const leb = (): number => {
    let value = 0, shift = 0, byte: number;
    do { byte = out[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return value;
  };
  const skipName = () => { const n = leb(); at += n; };
  while (at < out.length) {
    const id = out[at++], size = leb(), end = at + size;
    if (id !== 2) { at = end; continue; }
    for (let count = leb(); count > 0; count--) {
      skipName(); skipName();
      const kind = out[at++];
      if (kind === 2) {
        if (out[at] !== 0x01) break; // limits with a maximum, not shared
        out[at] = 0x03;
        return out;
      }
      if (kind === 0) leb();
      else if (kind === 1) { at++; const flags = out[at++]; leb(); if (flags & 1) leb(); }
      else if (kind === 3) at += 2;
      else break;
    }
    break;
  }
  return null;
}

/**
 * The compiled module for `source`, or a VAEError saying what was expected and what came. With `conv` (a model with
 * convolution layers or a likelihood table: layer-table.ts), the embedded SIMD build is the one with both.
 */
export async function resolveModule(method: string, source: WasmSource | undefined, conv = false): Promise<WebAssembly.Module> {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    throw unsupported(method, 'this JavaScript engine has no WebAssembly');
  }
  if (source === undefined || source === 'auto') {
    return embeddedModule(method, !simdSupported() ? 'scalar' : conv ? 'simd-conv' : 'simd');
  }
  const value: unknown = source; // checked at run time: callers from plain JS may pass anything
  if (value === 'simd') return embeddedModule(method, conv ? 'simd-conv' : 'simd');
  if (value === 'scalar') return embeddedModule(method, value);
  if (value instanceof WebAssembly.Module) return value;
  if (value instanceof URL) {
    return once(byUrl, value.href, async () => compileSupplied(method, value.href, await readUrl(method, value)));
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    // WebAssembly.compile copies the bytes before it returns, so the caller may reuse the buffer at once.
    return once(supplied, value, () => compileSupplied(method, describe(value), value as BufferSource));
  }
  throw new VAEError('INVALID_ARGUMENT', `${method}: options.wasm: expected 'auto', 'simd', 'scalar', bytes ` +
    `(ArrayBuffer or a typed array), a WebAssembly.Module or a URL (wrap a string in new URL(...)); received ${describe(value)}`);
}
