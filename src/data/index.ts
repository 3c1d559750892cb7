// wasm-vae/data: readers of tabular and array files for Node and browsers. They take text or bytes (no file
// system) and return float32 rows with what a model needs to know about them; bad files get one-line VAEErrors
// (code INVALID_DATA) naming the row and column.
/**
 * Readers of CSV, NPY and IDX files: `import { readCsv, readNpy, readIdx } from 'wasm-vae/data'`.
 * @module wasm-vae/data
 */
export { readCsv } from './csv.js';
export { readNpy } from './npy.js';
export { readIdx } from './idx.js';
export type {
  Column, CsvOptions, DataSource, GaussianVariance, IdxArray, LikelihoodBlock, NpyArray, NpyDtype, NpyOptions, Table,
} from './types.js';
