// JSON.parse keeps the last of two equal keys without a word; the safetensors format forbids duplicates. This
// scanner walks text that JSON.parse has already accepted and finds the first key repeated within one object.

/** The first key that appears twice in the same object of `json` (valid JSON), or null. */
export function duplicateKey(json: string): string | null {
  const objects: Array<Set<string> | null> = []; // one entry per open container; null for arrays
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      const keys = objects[objects.length - 1];
      if (expectKey && keys) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === '{') {
      objects.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      objects.push(null);
    } else if (c === '}' || c === ']') {
      objects.pop();
    } else if (c === ',') {
      expectKey = objects[objects.length - 1] !== null;
    }
  }
  return null;
}
