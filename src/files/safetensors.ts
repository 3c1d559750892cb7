// The safetensors container, exactly per huggingface/safetensors' "Format": an 8-byte little-endian header length
// N, N bytes of UTF-8 JSON starting with '{' (one descriptor { dtype, shape, data_offsets } per tensor, optional
// string-to-string __metadata__), then the tensors' bytes, contiguous in offset order and ending exactly at the
// end of the file. We write F32 only; we read F32, F16 and BF16 (./dtypes.ts), converted to F32, and check the
// other dtypes' sizes without converting them.
// Decoding treats the bytes as hostile: the header is counted against ./header-limits.ts before it is parsed,
// every length, key, offset and shape is checked before anything is built, and a failure is always VAEError
// INVALID_MODEL_FILE with the reason, on one line. Encoding refuses, as INVALID_ARGUMENT, what decoding would.
import { bytesPerElement, decodeElements, DTYPES, KNOWN_DTYPES } from './dtypes.js';
import { VAEError } from '../errors.js';
import { MAX_HEADER_BYTES, MAX_HEADER_DEPTH, MAX_HEADER_ENTRIES, MAX_METADATA_ENTRIES, MAX_TENSORS, overLimit } from './header-limits.js';
import { scanHeader } from './json-keys.js';

export interface Tensor {
  shape: number[];
  /** The elements as F32; empty for a dtype this reader does not convert (not in DTYPES). */
  data: Float32Array;
  /** The file's dtype, when read from one. */
  dtype?: string;
}

export interface SafetensorsFile {
  metadata: Record<string, string>;
  /** In data-offset order. */
  tensors: Map<string, Tensor>;
}

const MAX_RANK = 8;
const SHOWN_CHARS = 64;

/** A name or value from the file for an error message: as JSON, cut short, with no line breaks. */
export function shown(value: unknown): string {
  const text = JSON.stringify(typeof value === 'string' && value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value) ?? String(value);
  return oneLine(text.replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)); // JSON.stringify leaves these
}

/** Text for an error message on one line, cut short. */
function oneLine(text: string): string {
  const line = text.replace(/[\r\n\u0085\u2028\u2029]/g, ' ');
  return line.length > 2 * SHOWN_CHARS ? `${line.slice(0, 2 * SHOWN_CHARS)}…` : line;
}

function failer(method: string) {
  return (detail: string): never => {
    throw new VAEError('INVALID_MODEL_FILE', `${method}: expected a safetensors file; ${detail}`);
  };
}

/**
 * Writes tensors in the given order; header keys in insertion order, padded with spaces to 8 bytes. A file that
 * decodeSafetensors would refuse for its size is refused here, as INVALID_ARGUMENT naming `method` and the limit.
 */
export function encodeSafetensors(tensors: Array<[string, Tensor]>, metadata: Record<string, string>, method = 'encodeSafetensors'): Uint8Array {
  const tooLarge = (detail: string): never => {
    throw new VAEError('INVALID_ARGUMENT', `${method}: ${detail}, beyond which VAE.load refuses a file`);
  };
  if (tensors.length > MAX_TENSORS) tooLarge(`the file would list ${tensors.length} tensors; the limit is ${MAX_TENSORS}`);
  const entries = Object.entries(metadata);
  if (entries.length > MAX_METADATA_ENTRIES) tooLarge(`__metadata__ would have ${entries.length} entries; the limit is ${MAX_METADATA_ENTRIES}`);
  // Every character is at least one UTF-8 byte: a sum over the limit is refused before anything is built.
  let chars = 0;
  for (const [key, value] of entries) chars += key.length + value.length;
  if (chars > MAX_HEADER_BYTES) tooLarge(`__metadata__ holds ${chars} characters, over the ${MAX_HEADER_BYTES}-byte limit on the header`);
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const padded = headerBytes.length + ((8 - (headerBytes.length % 8)) % 8);
  if (padded > MAX_HEADER_BYTES) tooLarge(`the header would be ${padded} bytes, over the ${MAX_HEADER_BYTES}-byte limit`);
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
  // Counted before JSON.parse, whose work grows with the keys it builds, not with the bytes.
  const scan = scanHeader(text, MAX_HEADER_DEPTH, MAX_HEADER_ENTRIES);
  const over = overLimit(scan);
  if (over !== null) fail(over);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    fail(`the header is not JSON (${oneLine((error as Error).message)})`);
  }
  if (!isObject(header)) fail('the header is not a JSON object');
  if (scan.duplicate !== null) fail(`the header repeats the key ${shown(scan.duplicate)}`);
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
        if (typeof v !== 'string') fail(`__metadata__ entry ${shown(k)} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (!isObject(entry)) fail(`tensor ${shown(name)} has no descriptor object`);
    const extra = Object.keys(entry).filter((k) => k !== 'dtype' && k !== 'shape' && k !== 'data_offsets');
    if (extra.length > 0) fail(`tensor ${shown(name)} has the unknown field ${shown(extra[0])}`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string' || !KNOWN_DTYPES.includes(dtype)) {
      fail(`tensor ${shown(name)} has dtype ${shown(dtype)}, not one of safetensors' ${KNOWN_DTYPES.join(', ')}`);
    }
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every(isNonNegativeInteger)) {
      fail(`tensor ${shown(name)} has an invalid shape ${shown(shape)} (at most ${MAX_RANK} non-negative integers)`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger) || offsets[0] > offsets[1]) {
      fail(`tensor ${shown(name)} has invalid data_offsets ${shown(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) fail(`tensor ${shown(name)} has data_offsets [${begin},${end}] beyond the ${dataLength} data bytes`);
    // The element count, stopped as soon as it exceeds what the span could hold (no overflow for any shape); a
    // zero dimension anywhere, even after the product has passed the span, means no elements.
    const size = bytesPerElement(dtype);
    let count = (shape as number[]).includes(0) ? 0 : 1;
    for (const d of shape as number[]) {
      if (count * size > end - begin) break;
      count *= d;
    }
    if (count * size !== end - begin) {
      fail(`tensor ${shown(name)} spans ${end - begin} bytes but shape ${JSON.stringify(shape)} of ${dtype} needs ` +
        `${count * size > end - begin ? 'more' : count * size}`);
    }
    entries.push({ name, dtype, shape: [...(shape as number[])], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0, previous: (typeof entries)[number] | null = null;
  for (const entry of entries) {
    const { name, begin } = entry;
    if (begin !== expected) {
      const why = begin < expected ? `it overlaps ${shown(previous!.name)} [${previous!.begin},${previous!.end}]` : `it leaves bytes [${expected},${begin}) unused`;
      fail(`tensor ${shown(name)} starts at byte ${begin}, expected ${expected} (the data must be contiguous, without holes or overlaps: ${why})`);
    }
    expected = entry.end;
    previous = entry;
  }
  if (expected !== dataLength) fail(`the tensors cover ${expected} of the ${dataLength} data bytes (trailing bytes)`);
  const tensors = new Map<string, Tensor>();
  for (const { name, dtype, shape, begin, end } of entries) {
    const data = DTYPES.includes(dtype) ? decodeElements(dtype, bytes.subarray(dataStart + begin, dataStart + end)) : new Float32Array(0);
    tensors.set(name, { shape, data, dtype });
  }
  return { metadata, tensors };
}

/** The __metadata__ of a safetensors file (string → string), checked like VAE.load checks it. */
export function readMetadata(bytes: Uint8Array): Record<string, string> {
  return decodeSafetensors(bytes, 'readMetadata').metadata;
}
