// CSV text to records (arrays of cells) with Papa Parse (MIT, bundled at build time: installing wasm-vae adds no
// package). RFC 4180 quoting: a quoted cell may hold the delimiter, doubled quotes and line breaks; \n, \r\n and \r
// line ends are recognised. Nothing is typed here (dynamicTyping off): ./csv.ts decides what a cell means.
import Papa from 'papaparse';
import { argumentError, dataError, shown } from './input.js';

/**
 * The file's records, in order: record i is spreadsheet row i + 1 (the header is row 1; a quoted cell with line
 * breaks keeps its record one row, as a spreadsheet shows it). A blank line is a record of one empty cell.
 */
export function parseRecords(text: string, delimiter: unknown, method: string): string[][] {
  if (typeof delimiter !== 'string' || [...delimiter].length !== 1 || /["\r\n]/.test(delimiter)) {
    throw argumentError(method, `options.delimiter must be one character other than a quote or a line break; received ${shown(delimiter)}`);
  }
  const result = Papa.parse<string[]>(text, { delimiter, quoteChar: '"', escapeChar: '"', header: false, dynamicTyping: false, skipEmptyLines: false });
  // Papa Parse ends the last record at the end of the text: a final line break leaves one empty record.
  const records = result.data;
  if (records.length > 0 && records[records.length - 1].length === 1 && records[records.length - 1][0] === '' && /[\r\n]$/.test(text)) records.pop();
  const error = result.errors[0];
  if (error) throw dataError(method, `${error.row === undefined ? '' : `row ${error.row + 1}: `}${csvProblem(error.code, error.message)}`);
  return records;
}

/** Papa Parse's error codes in words a user can act on. */
function csvProblem(code: string, message: string): string {
  switch (code) {
    case 'MissingQuotes': return 'a quoted cell is never closed (a " without its closing ")';
    case 'InvalidQuotes': return 'a quoted cell is followed by text before the next delimiter (write a " inside quotes as "")';
    default: return message;
  }
}

/** The first record's cells, trimmed (a header), reading no further than it. */
export function firstRecord(text: string, delimiter: string): string[] {
  const result = Papa.parse<string[]>(text, { delimiter, quoteChar: '"', escapeChar: '"', header: false, preview: 1 });
  return (result.data[0] ?? []).map((cell) => cell.trim());
}
