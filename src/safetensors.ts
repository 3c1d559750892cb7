// The safetensors container (huggingface/safetensors, "Format"): an 8-byte little-endian header length N,
// N bytes of JSON { "__metadata__": {string: string}, name: { dtype, shape, data_offsets: [begin, end] } },
// then the tensor bytes, little-endian, offsets relative to the end of the header. Only F32 is produced or
// accepted here. Decoding treats the bytes as hostile: every length, offset and shape is checked, and the
// tensors must tile the data exactly (no holes, no overlaps), as the format requires.
import { VAEError } from './errors.js';

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  metadata: Record<string, string>;
  tensors: Map<string, Tensor>;
}

const MAX_HEADER_BYTES = 100_000_000; // the reference implementation's limit

function fail(detail: string): never {
  throw new VAEError('INVALID_MODEL_FILE', `VAE.load: expected a safetensors file; ${detail}`);
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
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // JSON.stringify of this header is ASCII: chars = bytes
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes.length, true);
  view.setUint32(4, 0, true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const [, t] of tensors) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return out;
}

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) fail(`received ${typeof bytes === 'object' ? 'a non-Uint8Array object' : typeof bytes}`);
  if (bytes.length < 8) fail(`received ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true), high = view.getUint32(4, true);
  if (high !== 0 || low > MAX_HEADER_BYTES || low > bytes.length - 8) {
    fail(`header length ${high * 2 ** 32 + low} exceeds the file (${bytes.length} bytes) or the ${MAX_HEADER_BYTES}-byte limit`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + low)));
  } catch (error) {
    fail(`the header is not UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');

  const dataStart = 8 + low, dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const spans: Array<[number, number, string]> = [];
  const tensors = new Map<string, Tensor>();
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (typeof entry !== 'object' || entry === null) fail(`tensor "${name}" has no descriptor object`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (dtype !== 'F32') fail(`tensor "${name}" has dtype ${JSON.stringify(dtype)}; only F32 is supported`);
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every(isNonNegativeInteger)) {
      fail(`tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)
        || offsets[0] > offsets[1] || offsets[1] > dataLength) {
      fail(`tensor "${name}" has data_offsets ${JSON.stringify(offsets)} outside the ${dataLength} data bytes`);
    }
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const [begin, end] = offsets as [number, number];
    if (end - begin !== count * 4) fail(`tensor "${name}" spans ${end - begin} bytes but shape ${JSON.stringify(shape)} needs ${count * 4}`);
    spans.push([begin, end, name]);
    // Copy out: offsets need not be 4-byte aligned, and the caller's buffer must not be aliased.
    const copy = bytes.slice(dataStart + begin, dataStart + end);
    tensors.set(name, { shape: [...(shape as number[])], data: littleEndianFloats(copy) });
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let expected = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== expected) fail(`tensor "${name}" starts at byte ${begin}, expected ${expected} (holes and overlaps are not allowed)`);
    expected = end;
  }
  if (expected !== dataLength) fail(`the tensors cover ${expected} of ${dataLength} data bytes`);
  return { metadata, tensors };
}

function littleEndianFloats(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
