// Which compiled wasm a model runs on. Three builds come from the same AssemblyScript sources (asconfig.json): SIMD
// with dense layers only, embedded gzipped in the main bundle; "simd-full", the SIMD build with every layer and
// likelihood (for models with convolutions, likelihood lists or a learned variance); and scalar (with everything)
// for engines without WebAssembly SIMD. The last two are imported lazily from chunks of their own (bundlers emit
// them as separate files), so that an MLP on a SIMD engine downloads neither. `auto` picks SIMD where
// WebAssembly.validate accepts a SIMD instruction (as tfjs-backend-wasm and wasm-feature-detect check). Callers may
// instead supply the module themselves — bytes, a compiled WebAssembly.Module or a URL — to cache the raw .wasm
// shipped in dist/ separately. Each source (build, URL, or bytes object) is decoded and compiled once per process.
import { WASM_GZIP_BASE64 as SIMD_WASM_GZIP_BASE64 } from '../../build/wasm-simd.js';
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

export type Build = 'simd' | 'simd-full' | 'scalar';
const embedded = new Map<Build | `shared-${Build}`, Promise<WebAssembly.Module>>();
const supplied = new WeakMap<ArrayBuffer | ArrayBufferView, Promise<WebAssembly.Module>>();
const byUrl = new Map<string, Promise<WebAssembly.Module>>();

interface Cache<K, T> {
  get(key: K): Promise<T> | undefined;
  set(key: K, value: Promise<T>): unknown;
  delete(key: K): unknown;
}

/**
 * Makes the value once per key, the promise cached at once so that concurrent callers share one decode or compile;
 * a failure is forgotten so that a later call may retry.
 */
function once<K, T>(cache: Cache<K, T>, key: K, make: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = make();
    cache.set(key, value);
    value.catch(() => cache.delete(key));
  }
  return value;
}

/**
 * The SIMD build for a model that does not need the full one: the embedded dense build, which needs
 * DecompressionStream (Chrome 80+, Firefox 113+, Safari 16.4+, Node 18+) to inflate; where that is missing (Firefox
 * 89–112 has SIMD but not it), the full SIMD build, a superset, from its plain base64 chunk. Checked on every call,
 * like the SIMD probe.
 */
function denseSimd(): Build {
  return typeof DecompressionStream === 'function' ? 'simd' : 'simd-full';
}

/** Inflates gzip (RFC 1952) with the platform's decoder; it checks the trailer's CRC-32 and length, so corrupt bytes throw. */
async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const decoded = new Map<Build, Promise<Uint8Array<ArrayBuffer>>>();

/** The bytes of an embedded build, decoded once per process (exported for tests/vae/embedded-builds.test.ts). */
export function embeddedBytes(build: Build): Promise<Uint8Array<ArrayBuffer>> {
  return once(decoded, build, async () => build === 'simd' ? gunzip(decodeBase64(SIMD_WASM_GZIP_BASE64))
    : decodeBase64(build === 'simd-full' ? (await import('../../build/wasm-simd-full.js')).WASM_BASE64
      : (await import('../../build/wasm-scalar.js')).WASM_BASE64));
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
export function sharedSimdModule(method: string, source?: WasmSource, full = false): Promise<WebAssembly.Module> {
  if (!simdSupported()) throw unsupported(method, 'this engine has WebAssembly without SIMD, and threads run on the SIMD build');
  if (source === undefined || source === 'auto' || source === 'simd') {
    const build = full ? 'simd-full' : denseSimd();
    return once(embedded, `shared-${build}`, async () => WebAssembly.compile(sharedCopy(method, await embeddedBytes(build), null)));
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
 * The compiled module for `source`, or a VAEError saying what was expected and what came. With `full` (a model with
 * convolution layers or a likelihood table: layer-table.ts), the embedded SIMD build is the full one, with both.
 */
export async function resolveModule(method: string, source: WasmSource | undefined, full = false): Promise<WebAssembly.Module> {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    throw unsupported(method, 'this JavaScript engine has no WebAssembly');
  }
  if (source === undefined || source === 'auto') {
    return embeddedModule(method, !simdSupported() ? 'scalar' : full ? 'simd-full' : denseSimd());
  }
  const value: unknown = source; // checked at run time: callers from plain JS may pass anything
  if (value === 'simd') return embeddedModule(method, full ? 'simd-full' : denseSimd());
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
