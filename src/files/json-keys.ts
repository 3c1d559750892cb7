// One linear pass over a safetensors header's text, before JSON.parse: it counts what the parse would build (so
// that ./header-limits.ts can refuse a header of millions of keys without building it) and finds the first key
// repeated within one object (JSON.parse keeps the last of two equal keys without a word; the format forbids
// them). The text may be anything: on invalid JSON the pass still ends, its counts are only approximate, and
// JSON.parse reports the syntax error.
import type { HeaderCounts } from './header-limits.js';

export interface HeaderScan extends HeaderCounts {
  /** The first key that appears twice in the same object, looked for while `entries` is within the key budget. */
  duplicate: string | null;
}

const ARRAY = 0, OBJECT = 1, METADATA = 2; // METADATA: the object under the top level's "__metadata__"

/** Whether the quote at `at` is escaped: an odd run of backslashes before it, not looking before `from`. */
function escaped(text: string, at: number, from: number): boolean {
  let i = at - 1;
  while (i >= from && text.charCodeAt(i) === 0x5c) i--;
  return (at - 1 - i) % 2 === 1;
}

/** Counts keys and array elements; stops at `maxDepth`; tracks keys for duplicates while entries ≤ `keyBudget`. */
export function scanHeader(text: string, maxDepth = Infinity, keyBudget = Infinity): HeaderScan {
  const kinds: number[] = [], keys: Array<Set<string> | null> = [];
  let topKeys = 0, metadataKeys = 0, metadataEntries = 0, entries = 0, duplicate: string | null = null;
  let expectKey = false, firstElement = false, lastTopKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (firstElement) {
      firstElement = false;
      if (c !== 0x5d) entries++; // a non-empty array's first element
    }
    const depth = kinds.length;
    if (c === 0x22) { // a string: jump to its closing quote
      let end = text.indexOf('"', i + 1);
      while (end > 0 && escaped(text, end, i + 1)) end = text.indexOf('"', end + 1);
      if (end < 0) break; // unterminated
      if (expectKey && depth > 0 && kinds[depth - 1] !== ARRAY) {
        expectKey = false;
        entries++;
        if (depth === 1) topKeys++;
        else if (kinds[depth - 1] === METADATA) metadataEntries++;
        const set = keys[depth - 1];
        if (depth === 1 || (set && duplicate === null)) {
          const key = keyText(text, i, end);
          if (depth === 1 && key !== null) {
            lastTopKey = key;
            if (key === '__metadata__') metadataKeys++;
          }
          if (set && key !== null && duplicate === null && entries <= keyBudget) {
            if (set.has(key)) duplicate = key;
            else set.add(key);
          }
        }
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) { // { [
      if (depth >= maxDepth) return { tensors: topKeys - metadataKeys, metadataEntries, entries, tooDeep: true, duplicate };
      const object = c === 0x7b;
      kinds.push(!object ? ARRAY : depth === 1 && lastTopKey === '__metadata__' ? METADATA : OBJECT);
      keys.push(object && entries <= keyBudget ? new Set() : null);
      expectKey = object;
      firstElement = !object;
    } else if (c === 0x7d || c === 0x5d) { // } ]
      kinds.pop();
      keys.pop();
      expectKey = false;
    } else if (c === 0x2c && depth > 0) { // ,
      if (kinds[depth - 1] === ARRAY) entries++;
      else expectKey = true;
    }
  }
  return { tensors: topKeys - metadataKeys, metadataEntries, entries, tooDeep: false, duplicate };
}

/** The key of the string literal text[start..end] (quotes included), unescaped; null if its escapes are invalid. */
function keyText(text: string, start: number, end: number): string | null {
  const raw = text.slice(start + 1, end);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(start, end + 1)) as string;
  } catch {
    return null;
  }
}

/** The first key that appears twice in the same object of `json`, or null. */
export function duplicateKey(json: string): string | null {
  return scanHeader(json).duplicate;
}
