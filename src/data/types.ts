// The shapes the readers of wasm-vae/data return. A table's likelihood and variance are the model configuration's
// types (../model-types.ts), so a table's fields can be handed to VAE.create as they are.
import type { GaussianVariance, LikelihoodBlock } from '../model-types.js';

export type { GaussianVariance, LikelihoodBlock };

/** What the readers take: text (CSV only), or the file's bytes. */
export type DataSource = string | ArrayBuffer | ArrayBufferView;

/** A source column of a CSV and where it lands in a row. */
export interface Column {
  /** The header's name for it. */
  name: string;
  /** numeric: one value; categorical: a one-hot block, one value per category; ignored: not read. */
  kind: 'numeric' | 'categorical' | 'ignored';
  /** A categorical column's categories, in one-hot order (sorted by code unit). */
  categories?: string[];
  /** The column's first value in a row, and how many values it takes (0 for ignored). */
  start: number;
  width: number;
}

export interface Table {
  /** count × inputDim values, row-major. */
  rows: Float32Array;
  count: number;
  inputDim: number;
  /** Every header column in the row's order; pass them back (`readCsv(text, { columns })`) to read another file alike. */
  columns: Column[];
  /**
   * The model's likelihood: 'gaussian' when every column read is numeric; otherwise a block list in the columns'
   * order, where each run of consecutive numeric columns is one `{ gaussian: n, variance: 'feature' }` block and each
   * categorical column one `{ categorical: k }` block.
   */
  likelihood: 'gaussian' | LikelihoodBlock[];
  /** 'feature' with likelihood 'gaussian'; absent with a list (its Gaussian blocks carry their own variance). */
  variance?: GaussianVariance;
}

export interface CsvOptions {
  /** Columns to read as categories (one-hot), as numbers, or to skip; other columns are inferred. */
  categorical?: readonly string[];
  numeric?: readonly string[];
  ignore?: readonly string[];
  /**
   * The columns of an earlier readCsv (a training file's): this file is read with their kinds and categories, into
   * the same row layout, and a category they do not list is an error. Excludes `categorical` and `numeric`;
   * `ignore` may name this file's extra columns (labels, ids).
   */
  columns?: readonly Column[];
  /** The field separator (default ','). */
  delimiter?: string;
}

export type NpyDtype = 'float32' | 'float64' | 'uint8';

export interface NpyArray {
  /** count × inputDim values: each row's sub-array flattened in C order. */
  rows: Float32Array;
  /** The array's shape, as numpy gives it: [count, ...]. */
  shape: number[];
  count: number;
  inputDim: number;
  /** The file's dtype (the values are converted to float32). */
  dtype: NpyDtype;
}

export interface NpyOptions {
  /** uint8 arrays: 'unit' (default) scales them to [0, 1] as IDX files are read (value / 255); 'raw' keeps 0–255. */
  uint8?: 'unit' | 'raw';
}

export interface IdxArray {
  /** count × inputDim values in [0, 1] (byte / 255, as torchvision's ToTensor). */
  rows: Float32Array;
  /** [count, ...] as the header gives it, e.g. [60000, 28, 28]. */
  shape: number[];
  count: number;
  inputDim: number;
}
