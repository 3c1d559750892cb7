// A CSV's columns: what each header column is (numeric, categorical or ignored), declared or inferred from the
// cells, or taken from an earlier file's columns; where each lands in a row; and the likelihood they imply.
import { argumentError, dataError, shown } from './input.js';
import type { Column, CsvOptions, GaussianVariance, LikelihoodBlock } from './types.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell (trimmed) as a decimal number, or NaN: no hex, no "Infinity", no thousands separators. */
export function numberIn(cell: string): number {
  return NUMBER.test(cell) ? Number(cell) : NaN;
}

type Kind = Column['kind'];

/**
 * The columns from the header and the cells (`cells(c)` lists column c's trimmed cells, blank lines skipped). An
 * undeclared column is numeric when more than half of its non-empty cells are numbers, categorical otherwise.
 */
export function inferColumns(header: string[], cells: (c: number) => string[], options: CsvOptions, method: string): Column[] {
  const declared = new Map<string, Kind>();
  for (const [key, kind] of [['categorical', 'categorical'], ['numeric', 'numeric'], ['ignore', 'ignored']] as const) {
    for (const name of nameList(options[key], key, method)) {
      if (!header.includes(name)) throw argumentError(method, `options.${key} names ${shown(name)}, which is not in the header (${header.map((h) => shown(h)).join(', ')})`);
      if (declared.has(name)) throw argumentError(method, `column ${shown(name)} is in options.${key} and in another list`);
      declared.set(name, kind);
    }
  }
  return layout(header.map((name, c) => {
    const kind = declared.get(name);
    if (kind === 'ignored') return { name, kind };
    const values = cells(c), filled = values.filter((v) => v !== '');
    if (kind === undefined && filled.length === 0) {
      throw dataError(method, `column ${shown(name)} is empty in every row: ignore it (options.ignore) or fill it`);
    }
    // Mostly numbers is numeric too: the other cells (such as "n/a") are then errors naming their row.
    const numbers = filled.filter((v) => !Number.isNaN(numberIn(v))).length;
    if (kind === 'numeric' || (kind === undefined && 2 * numbers > filled.length)) return { name, kind: 'numeric' };
    const categories = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (categories.length < 2) {
      throw dataError(method, `column ${shown(name)} has one category (${shown(categories[0])}) in every row, which tells the model nothing: ignore it (options.ignore)`);
    }
    return { name, kind: 'categorical', categories };
  }));
}

/**
 * The given columns (an earlier file's), checked as untrusted input (they may come from a model file's metadata)
 * and matched to this header by name: each column the header has that they lack must be in `ignore`.
 */
export function givenColumns(given: unknown, header: string[], options: CsvOptions, method: string): Column[] {
  if (options.categorical !== undefined || options.numeric !== undefined) {
    throw argumentError(method, 'options.columns already says what each column is: give it without options.categorical and options.numeric');
  }
  if (!Array.isArray(given) || given.length === 0) throw argumentError(method, `options.columns must be a non-empty array of columns; received ${shown(given)}`);
  const columns = given.map((col: unknown, i): Omit<Column, 'start' | 'width'> => {
    const what = `options.columns[${i}]`;
    if (typeof col !== 'object' || col === null) throw argumentError(method, `${what} must be a column object; received ${shown(col)}`);
    const { name, kind, categories } = col as Record<string, unknown>;
    if (typeof name !== 'string') throw argumentError(method, `${what}.name must be a string; received ${shown(name)}`);
    if (kind !== 'numeric' && kind !== 'categorical' && kind !== 'ignored') throw argumentError(method, `${what}.kind must be numeric, categorical or ignored; received ${shown(kind)}`);
    if (kind !== 'categorical') return { name, kind };
    if (!Array.isArray(categories) || categories.length < 2 || !categories.every((c) => typeof c === 'string') || new Set(categories).size !== categories.length) {
      throw argumentError(method, `${what}.categories must be two or more distinct strings; received ${shown(categories)}`);
    }
    return { name, kind, categories: [...categories] };
  });
  const ignore = nameList(options.ignore, 'ignore', method);
  const names = new Set<string>();
  for (const { name, kind } of columns) {
    if (names.has(name)) throw argumentError(method, `options.columns names ${shown(name)} twice`);
    names.add(name);
    if (!header.includes(name) && kind !== 'ignored' && !ignore.includes(name)) {
      throw dataError(method, `the header has no column ${shown(name)}, which options.columns reads`);
    }
  }
  for (const name of header) {
    if (!names.has(name) && !ignore.includes(name)) throw dataError(method, `column ${shown(name)} is not in options.columns: name it in options.ignore to skip it`);
  }
  const laid = layout(columns.map((c) => (ignore.includes(c.name) ? { name: c.name, kind: 'ignored' as const } : c)));
  given.forEach((col, i) => {
    const { start, width } = col as Partial<Column>;
    if ((start !== undefined && start !== laid[i].start) || (width !== undefined && width !== laid[i].width)) {
      throw argumentError(method, `options.columns[${i}] (${shown(laid[i].name)}) must start at ${laid[i].start} with width ${laid[i].width}, as its kind and categories place it; received start ${shown(start)}, width ${shown(width)}`);
    }
  });
  return laid;
}

/** Each column's start and width: a numeric column one value, a categorical one per category, ignored none. */
function layout(columns: Array<Omit<Column, 'start' | 'width'>>): Column[] {
  let start = 0;
  return columns.map((c) => {
    const width = c.kind === 'numeric' ? 1 : c.kind === 'categorical' ? c.categories!.length : 0;
    const column: Column = { name: c.name, kind: c.kind, ...(c.categories ? { categories: c.categories } : {}), start, width };
    start += width;
    return column;
  });
}

/** A list of column names in the options (absent: none). */
function nameList(value: unknown, key: string, method: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw argumentError(method, `options.${key} must be an array of column names; received ${shown(value)}`);
  return value;
}

/**
 * The likelihood the columns imply, in row order: 'gaussian' with a per-column variance when all are numeric;
 * otherwise one Gaussian block per run of consecutive numeric columns and one categorical block per categorical
 * column (ignored columns take no room, so the numeric columns on either side of one are one run).
 */
export function likelihoodOf(columns: readonly Column[]): { likelihood: 'gaussian' | LikelihoodBlock[]; variance?: GaussianVariance } {
  const used = columns.filter((c) => c.width > 0);
  if (used.every((c) => c.kind === 'numeric')) return { likelihood: 'gaussian', variance: 'feature' };
  const blocks: LikelihoodBlock[] = [];
  for (const c of used) {
    const last = blocks[blocks.length - 1];
    if (c.kind === 'categorical') blocks.push({ categorical: c.width });
    else if (last && 'gaussian' in last) blocks[blocks.length - 1] = { gaussian: last.gaussian + 1, variance: 'feature' };
    else blocks.push({ gaussian: 1, variance: 'feature' });
  }
  return { likelihood: blocks };
}
