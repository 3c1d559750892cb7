// readCsv: a CSV with a header row to a table of float32 rows, its columns and the likelihood they imply.
// Rows are numbered as a spreadsheet numbers them (the header is row 1), columns are named by their header, so an
// error points at the cell: `readCsv: row 17, column "temp": expected a number; received "n/a"`.
import { givenColumns, inferColumns, likelihoodOf, numberIn } from './columns.js';
import { parseRecords } from './csv-records.js';
import { argumentError, dataError, shown, textOf } from './input.js';
import type { Column, CsvOptions, DataSource, Table } from './types.js';

const METHOD = 'readCsv';

/**
 * Reads a CSV (text, or its bytes as UTF-8). The first row names the columns. A column is numeric when its
 * non-empty cells are decimal numbers ("12", "-3.5", "1e-3"), categorical otherwise, unless `options` declares
 * it; a mostly numeric column with a cell such as "n/a" is an error naming the cell, as is an empty cell in a
 * numeric column (there are no missing values). Cells are trimmed of surrounding spaces. A numeric column is
 * one value of the row; a categorical column is a one-hot block of its categories, sorted by code unit. Columns
 * keep the file's order. Blank lines are skipped.
 *
 * To read a test file like the training file (same layout, same categories), pass the training table's columns:
 * `readCsv(test, { columns: train.columns })`. The table's `inputDim`, `likelihood` and `variance` are
 * VAE.create's options of the same names.
 */
export function readCsv(source: DataSource, options: CsvOptions = {}): Table {
  if (typeof options !== 'object' || options === null) throw argumentError(METHOD, `options must be an object; received ${shown(options)}`);
  const records = parseRecords(textOf(source, METHOD), options.delimiter ?? ',', METHOD);
  if (records.length === 0 || (records.length === 1 && records[0].join('').trim() === '')) {
    throw dataError(METHOD, 'the file is empty (expected a header row of column names, then rows of data)');
  }
  const header = readHeader(records[0]);
  // Record i is spreadsheet row i + 1. A blank line (one empty cell) is skipped, unless the file has one column.
  const data: number[] = [];
  for (let i = 1; i < records.length; i++) {
    const cells = records[i];
    if (cells.length === 1 && cells[0].trim() === '' && header.length > 1) continue;
    if (cells.length !== header.length) {
      throw dataError(METHOD, `row ${i + 1}: ${cells.length} cell${cells.length === 1 ? '' : 's'}; the header has ${header.length} columns`);
    }
    data.push(i);
  }
  if (data.length === 0) throw dataError(METHOD, 'no rows of data after the header');
  const cells = (c: number) => data.map((i) => records[i][c].trim());
  const columns = options.columns === undefined ? inferColumns(header, cells, options, METHOD) : givenColumns(options.columns, header, options, METHOD);
  const inputDim = columns.reduce((sum, c) => sum + c.width, 0);
  if (inputDim === 0) throw dataError(METHOD, 'every column is ignored: nothing to read');
  const rows = new Float32Array(data.length * inputDim);
  for (const column of columns) {
    if (column.width === 0) continue;
    const c = header.indexOf(column.name);
    const inferred = options.columns === undefined && !options.numeric?.includes(column.name);
    const write = column.kind === 'numeric' ? numeric(column, inferred) : oneHot(column);
    data.forEach((i, k) => write(rows, k * inputDim + column.start, records[i][c].trim(), i + 1));
  }
  return { rows, count: data.length, inputDim, columns, ...likelihoodOf(columns) };
}

/** The header's names, trimmed: each present, none twice, and not all numbers (a file without a header). */
function readHeader(cells: string[]): string[] {
  const names = cells.map((c) => c.trim());
  names.forEach((name, c) => {
    if (name === '') throw dataError(METHOD, `row 1, column ${c + 1}: the header cell is empty (every column needs a name in row 1)`);
    const first = names.indexOf(name);
    if (first !== c) throw dataError(METHOD, `row 1: the header names ${shown(name)} twice (columns ${first + 1} and ${c + 1})`);
  });
  if (names.every((name) => !Number.isNaN(numberIn(name)))) {
    throw dataError(METHOD, `row 1 holds numbers (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}), not column names: the first row must be a header`);
  }
  return names;
}

type Writer = (rows: Float32Array, at: number, cell: string, row: number) => void;

/** A numeric column's cell as one float32 value; `inferred`: the column was not declared numeric. */
function numeric(column: Column, inferred: boolean): Writer {
  const hint = inferred ? ` (most of the column's cells are numbers; to read it as categories, name it in options.categorical)` : '';
  return (rows, at, cell, row) => {
    const value = Math.fround(numberIn(cell));
    if (Number.isNaN(value)) throw dataError(METHOD, `row ${row}, column ${shown(column.name)}: expected a number; received ${shown(cell)}${hint}`);
    if (!Number.isFinite(value)) throw dataError(METHOD, `row ${row}, column ${shown(column.name)}: ${cell} is beyond float32's range (±3.4e38)`);
    rows[at] = value;
  };
}

/** A categorical column's cell as a one-hot block: 1 at the category's index, 0 elsewhere. */
function oneHot(column: Column): Writer {
  const index = new Map(column.categories!.map((name, k) => [name, k]));
  return (rows, at, cell, row) => {
    const k = index.get(cell);
    if (k === undefined) {
      const known = column.categories!.slice(0, 5).map((c) => shown(c)).join(', ') + (column.categories!.length > 5 ? ', …' : '');
      throw dataError(METHOD, `row ${row}, column ${shown(column.name)}: unknown category ${shown(cell)} (the columns' categories: ${known})`);
    }
    rows[at + k] = 1;
  };
}
