// What every reader does first: take text or bytes as given (no file system, so the readers run in browsers and
// Node alike), and fail with one line. VAEError comes from the package's main entry, so that `instanceof VAEError`
// holds for the readers' errors too (the bundle imports it from ./index.js rather than carrying a second class).
import { VAEError } from '../index.js';
import type { DataSource } from './types.js';

/** A file the reader cannot read: INVALID_DATA, "readCsv: row 3, column "x": …". */
export function dataError(method: string, message: string): VAEError {
  return new VAEError('INVALID_DATA', `${method}: ${message}`);
}

/** Options of the wrong type: INVALID_ARGUMENT. */
export function argumentError(method: string, message: string): VAEError {
  return new VAEError('INVALID_ARGUMENT', `${method}: ${message}`);
}

/** A value for messages: strings quoted and cut at 40 characters. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

/** The bytes of an ArrayBuffer or a view (a Node Buffer is a Uint8Array), without copying. */
export function bytesOf(source: unknown, method: string): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  throw argumentError(method, `expected the file's bytes (an ArrayBuffer or a Uint8Array); received ${typeof source === 'string' ? 'a string' : shown(source)}`);
}

/** Text as given, or bytes decoded as UTF-8; a byte-order mark is dropped. */
export function textOf(source: DataSource, method: string): string {
  let text: string;
  if (typeof source === 'string') {
    text = source;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytesOf(source, method));
    } catch (error) {
      if (error instanceof VAEError) throw error;
      throw dataError(method, 'the bytes are not UTF-8 text');
    }
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
