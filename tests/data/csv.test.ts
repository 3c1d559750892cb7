// readCsv on hand-written files: inference of numeric and categorical columns, declared kinds, the row layout and
// the likelihood it implies, reading a test file with a training file's columns, and the one-line errors naming
// the row (as a spreadsheet numbers it) and the column (by its header name).
import { describe, expect, it } from 'vitest';
import { readCsv, type Column } from '../../src/data/index.js';
import { expectVAEError } from '../helpers/errors.js';

const f32 = (values: number[]) => Array.from(Float32Array.from(values));

describe('readCsv: columns and rows', () => {
  it('infers numeric and categorical columns, in the file order, with one-hot categories sorted', () => {
    const t = readCsv('temp,colour,load\n21.5,red,3\n-1e-3,blue,4\n7,red,0.25\n');
    expect(t.count).toBe(3);
    expect(t.inputDim).toBe(4);
    expect(t.columns).toEqual([
      { name: 'temp', kind: 'numeric', start: 0, width: 1 },
      { name: 'colour', kind: 'categorical', categories: ['blue', 'red'], start: 1, width: 2 },
      { name: 'load', kind: 'numeric', start: 3, width: 1 },
    ]);
    expect(Array.from(t.rows)).toEqual(f32([21.5, 0, 1, 3, -1e-3, 1, 0, 4, 7, 0, 1, 0.25]));
    expect(t.likelihood).toEqual([{ gaussian: 1, variance: 'feature' }, { categorical: 2 }, { gaussian: 1, variance: 'feature' }]);
    expect(t.variance).toBeUndefined();
  });

  it("an all-numeric file is likelihood 'gaussian' with variance 'feature'", () => {
    const t = readCsv('a,b,c\n1,2,3\n4,5,6\n');
    expect(t.likelihood).toBe('gaussian');
    expect(t.variance).toBe('feature');
    expect(Array.from(t.rows)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads quotes (delimiters, doubled quotes and line breaks inside), CRLF, a byte-order mark, spaces and blank lines', () => {
    const text = '\uFEFF"name, full", x\r\n"say ""hi""", 1\r\n\r\n"two\nlines",2\r\n  plain  ,3\r\n';
    const t = readCsv(text);
    expect(t.columns[0]).toMatchObject({ name: 'name, full', kind: 'categorical', categories: ['plain', 'say "hi"', 'two\nlines'] });
    expect(t.columns[1]).toMatchObject({ name: 'x', kind: 'numeric', start: 3 });
    expect(Array.from(t.rows)).toEqual([0, 1, 0, 1, 0, 0, 1, 2, 1, 0, 0, 3]);
  });

  it('takes text, bytes (UTF-8) or an ArrayBuffer alike, and another delimiter', () => {
    const text = 'a;b;c\n1;x;2\n3;y;4\n';
    const bytes = new TextEncoder().encode(text);
    const fromText = readCsv(text, { delimiter: ';' });
    expect(readCsv(bytes, { delimiter: ';' })).toEqual(fromText);
    expect(readCsv(bytes.buffer, { delimiter: ';' })).toEqual(fromText);
    expect(readCsv(text.replaceAll(';', '\t'), { delimiter: '\t' })).toEqual(fromText);
    expect(fromText.inputDim).toBe(4);
  });

  it('declared kinds win over inference; ignored columns take no room, so numeric runs on either side join', () => {
    const text = 'id,zip,a,b,c\n1,10,0.5,1,2\n2,9,0.25,3,4\n3,10,1,5,6\n';
    const t = readCsv(text, { ignore: ['id', 'b'], categorical: ['zip'] });
    expect(t.columns.map((c) => [c.name, c.kind, c.start, c.width])).toEqual([
      ['id', 'ignored', 0, 0], ['zip', 'categorical', 0, 2], ['a', 'numeric', 2, 1], ['b', 'ignored', 3, 0], ['c', 'numeric', 3, 1],
    ]);
    expect(t.columns[1].categories).toEqual(['10', '9']); // code-unit order
    expect(t.likelihood).toEqual([{ categorical: 2 }, { gaussian: 2, variance: 'feature' }]);
    expect(Array.from(t.rows)).toEqual([1, 0, 0.5, 2, 0, 1, 0.25, 4, 1, 0, 1, 6]);
    const numeric = readCsv('code,v\nA1,1\n2,2\n', { categorical: ['code'] });
    expect(numeric.columns[0].categories).toEqual(['2', 'A1']);
  });

  it("reads a test file with the training file's columns: same layout and categories, by header name", () => {
    const train = readCsv('colour,temp,size\nred,1,S\nblue,2,M\ngreen,3,L\n');
    const test = readCsv('label,temp,size,colour\n1,5,M,green\n0,6,S,red\n', { columns: train.columns, ignore: ['label'] });
    expect(test.columns).toEqual(train.columns);
    expect(test.likelihood).toEqual(train.likelihood);
    // colour: blue, green, red; size: L, M, S
    expect(Array.from(test.rows)).toEqual([0, 1, 0, 5, 0, 1, 0, 0, 0, 1, 6, 0, 0, 1]);
    // A category of the training file that this file lacks keeps its place.
    const one = readCsv('colour,temp,size\nred,1,S\n', { columns: train.columns });
    expect(one.inputDim).toBe(train.inputDim);
    // Columns from JSON (a model file's metadata) work the same.
    expect(readCsv('colour,temp,size\nred,1,S\n', { columns: JSON.parse(JSON.stringify(train.columns)) as Column[] })).toEqual(one);
  });
});

describe('readCsv: errors name the row and the column', () => {
  const fails = (text: string | Uint8Array, pattern: RegExp, options = {}, code = 'INVALID_DATA') => expectVAEError(() => readCsv(text, options), code, pattern);

  it('a cell that is not a number, an empty numeric cell, a number beyond float32', async () => {
    const rows = ['temp,x', ...Array.from({ length: 15 }, (_, i) => `${i},${i}`), 'n/a,16'].join('\n');
    await fails(rows, /^readCsv: row 17, column "temp": expected a number; received "n\/a" \(most of the column's cells are numbers; to read it as categories, name it in options\.categorical\)$/);
    await fails('a,b\n1,2\n,3\n', /^readCsv: row 3, column "a": expected a number; received ""$/, { numeric: ['a'] });
    await fails('a,b\n1,2\n1e39,3\n', /^readCsv: row 3, column "a": 1e39 is beyond float32's range/);
    await fails('a,b\n0x10,1\nx,2\n', /^readCsv: row 2, column "a": expected a number; received "0x10"$/, { numeric: ['a'] });
  });

  it('ragged rows, an empty file, a header without rows, no header, header problems', async () => {
    await fails('a,b,c\n1,2,3\n4,5\n', /^readCsv: row 3: 2 cells; the header has 3 columns$/);
    await fails('a,b\n1,2\n3,4,5\n', /^readCsv: row 3: 3 cells; the header has 2 columns$/);
    await fails('', /^readCsv: the file is empty \(expected a header row of column names, then rows of data\)$/);
    await fails('\n', /^readCsv: the file is empty/);
    await fails('a,b\n', /^readCsv: no rows of data after the header$/);
    await fails('1,2.5,3\n4,5,6\n', /^readCsv: row 1 holds numbers \(1, 2\.5, 3\), not column names: the first row must be a header$/);
    await fails('a,,c\n1,2,3\n', /^readCsv: row 1, column 2: the header cell is empty/);
    await fails('a,b,a\n1,2,3\n', /^readCsv: row 1: the header names "a" twice \(columns 1 and 3\)$/);
  });

  it('quotes left open or followed by text', async () => {
    await fails('a,b\n1,2\n3,"4\n5,6\n', /^readCsv: row 3: a quoted cell is never closed/);
    await fails('a,b\n1,"2"x\n', /^readCsv: row 2: a quoted cell is followed by text/);
  });

  it('columns that tell nothing, and an unknown category against given columns', async () => {
    await fails('a,b\n1,\n2,\n', /^readCsv: column "b" is empty in every row: ignore it \(options\.ignore\) or fill it$/);
    await fails('a,b\n1,x\n2,x\n', /^readCsv: column "b" has one category \("x"\) in every row/);
    const train = readCsv('colour,t\nred,1\nblue,2\n');
    await fails('colour,t\nred,1\nmauve,2\n', /^readCsv: row 3, column "colour": unknown category "mauve" \(the columns' categories: "blue", "red"\)$/, { columns: train.columns });
    await fails('colour,t,extra\nred,1,0\n', /^readCsv: column "extra" is not in options\.columns: name it in options\.ignore to skip it$/, { columns: train.columns });
    await fails('t\n1\n', /^readCsv: the header has no column "colour", which options\.columns reads$/, { columns: train.columns });
    await fails('a,b\n1,2\n', /^readCsv: every column is ignored/, { ignore: ['a', 'b'] });
  });

  it('bad options and bytes that are not UTF-8 are one line too', async () => {
    await fails('a,b\n1,2\n', /^readCsv: options\.categorical names "c", which is not in the header \("a", "b"\)$/, { categorical: ['c'] }, 'INVALID_ARGUMENT');
    await fails('a,b\n1,2\n', /^readCsv: column "a" is in options\.numeric and in another list$/, { categorical: ['a'], numeric: ['a'] }, 'INVALID_ARGUMENT');
    await fails('a,b\n1,2\n', /^readCsv: options\.delimiter must be one character/, { delimiter: ';;' }, 'INVALID_ARGUMENT');
    await fails('a,b\n1,2\n', /^readCsv: options\.columns must be a non-empty array/, { columns: [] }, 'INVALID_ARGUMENT');
    await fails('a,b\n1,x\n', /^readCsv: options\.columns\[1\]\.categories must be two or more distinct strings/,
      { columns: [{ name: 'a', kind: 'numeric', start: 0, width: 1 }, { name: 'b', kind: 'categorical', categories: ['x', 'x'], start: 1, width: 2 }] }, 'INVALID_ARGUMENT');
    await fails('a,b\n1,2\n', /^readCsv: options\.columns\[1\] \("b"\) must start at 1 with width 1/,
      { columns: [{ name: 'a', kind: 'numeric', start: 0, width: 1 }, { name: 'b', kind: 'numeric', start: 2, width: 1 }] }, 'INVALID_ARGUMENT');
    await fails(new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0xff, 0x2c, 0x31, 0x0a]), /^readCsv: the bytes are not UTF-8 text$/);
  });
});
