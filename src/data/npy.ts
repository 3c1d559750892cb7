// readNpy: numpy's .npy format (numpy.lib.format, versions 1.0, 2.0 and 3.0): the magic "\x93NUMPY", a major and
// minor version byte, the header's length (little-endian uint16 in 1.0, uint32 in 2.0 and 3.0), then the header, a
// Python dict literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (100, 12), }, and the data, of
// exactly product(shape) items. float32, float64 (either byte order) and uint8 are read, in C order.
import { argumentError, bytesOf, dataError, shown } from './input.js';
import type { NpyArray, NpyDtype, NpyOptions } from './types.js';

const METHOD = 'readNpy';
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y
const DTYPES: Record<string, { dtype: NpyDtype; size: number; little: boolean }> = {
  '<f4': { dtype: 'float32', size: 4, little: true }, '>f4': { dtype: 'float32', size: 4, little: false },
  '<f8': { dtype: 'float64', size: 8, little: true }, '>f8': { dtype: 'float64', size: 8, little: false },
  '|u1': { dtype: 'uint8', size: 1, little: true }, '<u1': { dtype: 'uint8', size: 1, little: true }, '>u1': { dtype: 'uint8', size: 1, little: true },
};

/**
 * Reads a .npy file's bytes: an array of shape [count, ...] becomes count rows of the remaining dimensions'
 * product, in C order (a Fortran-order file is an error: numpy.ascontiguousarray writes C order). uint8 values are
 * scaled to [0, 1] unless `options.uint8` is 'raw'.
 */
export function readNpy(source: ArrayBuffer | ArrayBufferView, options: NpyOptions = {}): NpyArray {
  const bytes = bytesOf(source, METHOD);
  const scale = options.uint8 ?? 'unit';
  if (scale !== 'unit' && scale !== 'raw') throw argumentError(METHOD, `options.uint8 must be 'unit' or 'raw'; received ${shown(scale)}`);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw dataError(METHOD, 'not a .npy file (it does not start with "\\x93NUMPY")');
  const major = bytes[6];
  if (major < 1 || major > 3) throw dataError(METHOD, `format version ${major}.${bytes[7]} is not one this reader knows (1.0, 2.0, 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = major === 1 ? 10 : 12;
  if (bytes.length < at) throw dataError(METHOD, `truncated: the file ends inside its header (${bytes.length} bytes)`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (at + headerLength > bytes.length) throw dataError(METHOD, `truncated: the header is ${headerLength} bytes; the file has ${bytes.length - at} after the preamble`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(at, at + headerLength));
  const { descr, fortran, shape } = parseHeader(header);
  const type = DTYPES[descr];
  if (!type) throw dataError(METHOD, `dtype ${shown(descr)} is not read (expected float32 '<f4', float64 '<f8' or uint8 '|u1'; numpy: a.astype(np.float32))`);
  if (fortran) throw dataError(METHOD, 'the array is in Fortran order; save it in C order (numpy: np.save(path, np.ascontiguousarray(a)))');
  if (shape.length < 2) throw dataError(METHOD, `the array has shape (${shape.join(', ')}${shape.length === 1 ? ',' : ''}); expected rows: 2 or more dimensions, [count, values…] (numpy: a.reshape(len(a), -1))`);
  const count = shape[0], inputDim = shape.slice(1).reduce((a, b) => a * b, 1);
  if (count === 0 || inputDim === 0) throw dataError(METHOD, `the array of shape (${shape.join(', ')}) has no values`);
  const start = at + headerLength, need = count * inputDim * type.size;
  if (bytes.length - start < need) throw dataError(METHOD, `truncated: shape (${shape.join(', ')}) of ${type.dtype} needs ${need} bytes of data; the file has ${bytes.length - start}`);
  if (bytes.length - start > need) throw dataError(METHOD, `${bytes.length - start - need} bytes after the data that shape (${shape.join(', ')}) of ${type.dtype} takes`);
  const rows = new Float32Array(count * inputDim);
  if (type.dtype === 'uint8') {
    for (let i = 0; i < rows.length; i++) rows[i] = scale === 'unit' ? bytes[start + i] / 255 : bytes[start + i];
  } else if (type.dtype === 'float32') {
    for (let i = 0; i < rows.length; i++) rows[i] = view.getFloat32(start + 4 * i, type.little);
  } else {
    for (let i = 0; i < rows.length; i++) rows[i] = view.getFloat64(start + 8 * i, type.little);
  }
  return { rows, shape, count, inputDim, dtype: type.dtype };
}

/** The three keys of the header's dict literal, as numpy writes them (either quote style is accepted). */
function parseHeader(header: string): { descr: string; fortran: boolean; shape: number[] } {
  const bad = (what: string): never => { throw dataError(METHOD, `the header ${shown(header.trim())} has no valid ${what}`); };
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1] ?? bad("'descr' (a structured dtype is not read)");
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)\b/.exec(header)?.[1] ?? bad("'fortran_order'");
  const dims = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? bad("'shape'");
  const shape = dims.split(',').map((d) => d.trim()).filter((d) => d !== '').map((d) => (/^\d+L?$/.test(d) ? Number.parseInt(d, 10) : bad("'shape'")));
  if (!shape.every(Number.isSafeInteger)) bad("'shape'");
  return { descr, fortran: fortran === 'True', shape };
}
