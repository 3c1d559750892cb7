// The safetensors container, exactly per huggingface/safetensors' "Format": an 8-byte little-endian header length
// N, N bytes of UTF-8 JSON starting with '{' (one descriptor { dtype, shape, data_offsets } per tensor, optional
// string-to-string __metadata__), then the tensors' bytes, contiguous in offset order and ending exactly at the
// end of the file. We write F32 only; we read F32, F16 and BF16 (./dtypes.ts), converted to F32.
// Decoding treats the bytes as hostile: every length, key, offset and shape is checked before anything is
// built, and a failure is always VAEError INVALID_MODEL_FILE with the reason.
import { bytesPerElement, decodeElements, DTYPES } from './dtypes.js';
import { VAEError } from './errors.js';
import { duplicateKey } from './json-keys.js';

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  metadata: Record<string, string>;
  /** In data-offset order. */
  tensors: Map<string, Tensor>;
}

/** The reference implementation's cap on the header (100 MB); ours are a few kilobytes. */
export const MAX_HEADER_BYTES = 100_000_000;
const MAX_RANK = 8;

function failer(method: string) {
  return (detail: string): never => {
    throw new VAEError('INVALID_MODEL_FILE', `${method}: expected a safetensors file; ${detail}`);
  };
}

/** Writes tensors in the given order; header keys in insertion order, padded with spaces to 8 bytes. */
export function encodeSafetensors(tensors: Array<[string, Tensor]>, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const padded = headerBytes.length + ((8 - (headerBytes.length % 8)) % 8);
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true);
  view.setUint32(4, 0, true);
  out.set(headerBytes, 8);
  out.fill(0x20, 8 + headerBytes.length, 8 + padded); // spaces: the format's padding
  let at = 8 + padded;
  for (const [, t] of tensors) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return out;
}

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The header's JSON object, checked for size, encoding, syntax and duplicate keys. */
function readHeader(bytes: Uint8Array, fail: (detail: string) => never): { header: Record<string, unknown>; dataStart: number } {
  if (!(bytes instanceof Uint8Array)) fail(`received ${typeof bytes === 'object' ? 'a non-Uint8Array object' : typeof bytes}`);
  if (bytes.length < 8) fail(`received ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true), high = view.getUint32(4, true);
  const length = high * 2 ** 32 + low;
  if (length > MAX_HEADER_BYTES) fail(`header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (length > bytes.length - 8) fail(`header length ${length} exceeds the file (${bytes.length} bytes)`);
  if (length < 2 || bytes[8] !== 0x7b) fail('the header does not start with "{"');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + length));
  } catch {
    return fail('the header is not UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    fail(`the header is not JSON (${(error as Error).message})`);
  }
  if (!isObject(header)) fail('the header is not a JSON object');
  const duplicate = duplicateKey(text);
  if (duplicate !== null) fail(`the header repeats the key ${JSON.stringify(duplicate)}`);
  return { header, dataStart: 8 + length };
}

export function decodeSafetensors(bytes: Uint8Array, method = 'VAE.load'): SafetensorsFile {
  const fail: (detail: string) => never = failer(method);
  const { header, dataStart } = readHeader(bytes, fail);
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Array<{ name: string; dtype: string; shape: number[]; begin: number; end: number }> = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isObject(entry)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (!isObject(entry)) fail(`tensor "${name}" has no descriptor object`);
    const extra = Object.keys(entry).filter((k) => k !== 'dtype' && k !== 'shape' && k !== 'data_offsets');
    if (extra.length > 0) fail(`tensor "${name}" has the unknown field ${JSON.stringify(extra[0])}`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string' || !DTYPES.includes(dtype)) {
      fail(`tensor "${name}" has dtype ${JSON.stringify(dtype)}; this reader takes ${DTYPES.join(', ')}`);
    }
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every(isNonNegativeInteger)) {
      fail(`tensor "${name}" has an invalid shape ${JSON.stringify(shape)} (at most ${MAX_RANK} non-negative integers)`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger) || offsets[0] > offsets[1]) {
      fail(`tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) fail(`tensor "${name}" has data_offsets [${begin},${end}] beyond the ${dataLength} data bytes`);
    // The element count, stopped as soon as it exceeds what the span could hold (no overflow for any shape); a
    // zero dimension anywhere, even after the product has passed the span, means no elements.
    const size = bytesPerElement(dtype);
    let count = (shape as number[]).includes(0) ? 0 : 1;
    for (const d of shape as number[]) {
      if (count * size > end - begin) break;
      count *= d;
    }
    if (count * size !== end - begin) {
      fail(`tensor "${name}" spans ${end - begin} bytes but shape ${JSON.stringify(shape)} of ${dtype} needs ` +
        `${count * size > end - begin ? 'more' : count * size}`);
    }
    entries.push({ name, dtype, shape: [...(shape as number[])], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const { name, begin, end } of entries) {
    if (begin !== expected) {
      fail(`tensor "${name}" starts at byte ${begin}, expected ${expected} (the data must be contiguous, without holes or overlaps)`);
    }
    expected = end;
  }
  if (expected !== dataLength) fail(`the tensors cover ${expected} of the ${dataLength} data bytes (trailing bytes)`);
  const tensors = new Map<string, Tensor>();
  for (const { name, dtype, shape, begin, end } of entries) {
    tensors.set(name, { shape, data: decodeElements(dtype, bytes.subarray(dataStart + begin, dataStart + end)) });
  }
  return { metadata, tensors };
}

/** The __metadata__ of a safetensors file (string → string), checked like VAE.load checks it. */
export function readMetadata(bytes: Uint8Array): Record<string, string> {
  return decodeSafetensors(bytes, 'readMetadata').metadata;
}
