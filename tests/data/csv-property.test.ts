// Property: a random table written as CSV (RFC 4180 quoting, awkward categories with delimiters, quotes and line
// breaks) reads back to the same columns and float32 rows, with its kinds declared or inferred.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/data/index.js';

interface Spec { name: string; categorical: boolean; cells: string[]; values: number[][] }

/** A cell as CSV: quoted when it holds a delimiter, a quote, a line break or outer spaces. */
const cell = (s: string, d: string) => (/["\r\n]/.test(s) || s.includes(d) || s.trim() !== s ? `"${s.replaceAll('"', '""')}"` : s);

const category = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', ' ', ',', ';', '"', '\n', 'é', '1', '.', '-'), minLength: 1, maxLength: 6 })
  .map((s) => s.trim()).filter((s) => s !== '' && !/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s));
const value = fc.float({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));

const table = fc.integer({ min: 1, max: 12 }).chain((count) => fc.array(fc.oneof(
  fc.array(value, { minLength: count, maxLength: count }).map((vs) => ({ categorical: false, cells: vs.map(String), vs })),
  fc.uniqueArray(category, { minLength: 2, maxLength: 4 }).chain((cats) => fc.array(fc.nat(cats.length - 1), { minLength: count, maxLength: count })
    .map((picks) => {
      const cells = [cats[0], cats[1], ...picks.map((k) => cats[k])].slice(0, Math.max(count, 2));
      return { categorical: true, cells, vs: [] as number[] };
    })),
), { minLength: 1, maxLength: 5 }).map((cols) => {
  const n = Math.max(count, ...cols.map((c) => c.cells.length));
  return cols.map((c, j): Spec => {
    const cells = Array.from({ length: n }, (_, i) => c.cells[i % c.cells.length]);
    const sorted = [...new Set(cells)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      name: `col ${j}`, categorical: c.categorical, cells,
      values: cells.map((s) => (c.categorical ? sorted.map((k) => (k === s ? 1 : 0)) : [Math.fround(Number(s))])),
    };
  });
}));

describe('readCsv: random tables', () => {
  it('read back equal, in either delimiter, declared or inferred', () => {
    fc.assert(fc.property(table, fc.constantFrom(',', ';', '\t'), fc.boolean(), fc.boolean(), (specs, d, declare, crlf) => {
      const n = specs[0].cells.length, eol = crlf ? '\r\n' : '\n';
      const text = [specs.map((s) => cell(s.name, d)).join(d), ...Array.from({ length: n }, (_, i) => specs.map((s) => cell(s.cells[i], d)).join(d))].join(eol) + eol;
      const options = declare ? { delimiter: d, categorical: specs.filter((s) => s.categorical).map((s) => s.name), numeric: specs.filter((s) => !s.categorical).map((s) => s.name) } : { delimiter: d };
      const t = readCsv(text, options);
      expect(t.count).toBe(n);
      expect(t.columns.map((c) => c.kind)).toEqual(specs.map((s) => (s.categorical ? 'categorical' : 'numeric')));
      const expected = Array.from({ length: n }, (_, i) => specs.flatMap((s) => s.values[i])).flat();
      expect(Array.from(t.rows)).toEqual(expected);
      expect(t.likelihood === 'gaussian').toBe(specs.every((s) => !s.categorical));
      // The same file read with its own columns is the same table.
      expect(readCsv(text, { delimiter: d, columns: t.columns })).toEqual(t);
    }), { numRuns: 300, seed: 20 });
  });
});
