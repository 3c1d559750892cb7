// The data a flag names, by its extension: .csv (and .tsv) through wasm-vae/data's readCsv, .npy through readNpy,
// anything else as images (an IDX file or a folder: ./image-folder.ts). The readers' errors become the CLI's one
// line naming the flag and the file: `--data my.csv: row 17, column "temp": expected a number; received "n/a"`.
import { extname } from 'node:path';
import { readMetadata, VAEError } from '../index.js';
import { readCsv } from '../data/csv.js';
import { firstRecord } from '../data/csv-records.js';
import { readNpy } from '../data/npy.js';
import type { Column, CsvOptions, NpyDtype, Table } from '../data/types.js';
import { digestOf, readImages, type Digest, type Images } from './image-folder.js';
import { readRegularFile } from './read-file.js';

export interface DataFile extends Images {
  /** A CSV's table (its columns and the likelihood they imply). */
  table?: Table;
  /** An NPY file's dtype. */
  dtype?: NpyDtype;
}

export type DataKind = 'csv' | 'npy' | 'images';

/** What a path holds, by its extension. */
export function dataKind(path: string): DataKind {
  const ext = extname(path).toLowerCase();
  return ext === '.csv' || ext === '.tsv' ? 'csv' : ext === '.npy' ? 'npy' : 'images';
}

/** How to read a CSV: declared kinds, or the columns of the training file (or of a model) to read it alike. */
export interface CsvChoices {
  categorical?: readonly string[];
  numeric?: readonly string[];
  ignore?: readonly string[];
  columns?: readonly Column[];
}

/**
 * Reads `path` for `flag`; `onDigest` gets the digest of the bytes read. With `csv.columns`, a CSV's rows get their
 * layout and categories, and its columns that they lack are skipped.
 */
export function readDataFile(path: string, flag: string, onDigest?: (digest: Digest) => void, csv: CsvChoices = {}): DataFile {
  const kind = dataKind(path);
  if (kind === 'images') return readImages(path, flag, onDigest);
  const bytes = readRegularFile(flag, path);
  onDigest?.(digestOf(bytes));
  try {
    if (kind === 'npy') {
      const npy = readNpy(bytes);
      return { count: npy.count, shape: npy.shape.slice(1), data: npy.rows, dtype: npy.dtype };
    }
    const delimiter = extname(path).toLowerCase() === '.tsv' ? '\t' : ',';
    const options: CsvOptions = csv.columns
      ? { delimiter, columns: csv.columns, ignore: ignoreExtra(bytes, csv.columns, delimiter, csv.ignore ?? []) }
      : { delimiter, categorical: csv.categorical, numeric: csv.numeric, ignore: csv.ignore };
    const table = readCsv(bytes, options);
    return { count: table.count, shape: [table.inputDim], data: table.rows, table };
  } catch (error) {
    if (!(error instanceof VAEError)) throw error;
    // The readers' options are this command's flags.
    throw new Error(`${flag} ${path}: ${error.message.replace(/^read(Csv|Npy): /, '').replace(/options\.(categorical|numeric|ignore)\b/g, '--$1')}`);
  }
}

/** A file read with given columns may have columns they lack (a label, an id): those are skipped, and named. */
function ignoreExtra(bytes: Uint8Array, columns: readonly Column[], delimiter: string, ignore: readonly string[]): string[] {
  const names = new Set(columns.map((c) => c.name));
  // The header's first megabyte is plenty (a multi-byte character cut at its end only spoils a later cell).
  const header = firstRecord(new TextDecoder().decode(bytes.subarray(0, 1 << 20)).replace(/^\uFEFF/, ''), delimiter);
  return [...ignore, ...header.filter((n) => n !== '' && !names.has(n) && !ignore.includes(n))];
}

/** A table's columns in a line: "12 columns (10 numeric, 2 categorical: 17 values; ignored: id)". */
export function describeTable(table: Table): string {
  const count = (kind: Column['kind']) => table.columns.filter((c) => c.kind === kind);
  const kinds = [['numeric', count('numeric').length], ['categorical', count('categorical').length]].filter(([, n]) => n).map(([k, n]) => `${n} ${k}`);
  const ignored = count('ignored').map((c) => c.name);
  const used = table.columns.length - ignored.length;
  return `${used} column${used === 1 ? '' : 's'} (${kinds.join(', ')}${kinds.length > 1 || table.inputDim !== used ? `: ${table.inputDim} values` : ''}` +
    `${ignored.length > 0 ? `; ignored: ${ignored.join(', ')}` : ''})`;
}

/**
 * The columns a model file keeps (__metadata__.columns, written by `wasm-vae train` on a CSV), to read a CSV as
 * that model's rows; undefined when it has none. readCsv checks them again as untrusted input.
 */
export function modelColumns(bytes: Uint8Array, path: string): Column[] | undefined {
  const text = readMetadata(bytes).columns;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Column[];
  } catch {
    throw new Error(`--model ${path}: its __metadata__.columns is not JSON`);
  }
}
