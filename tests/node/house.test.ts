// The house rule: every source file in src/ and assembly/ is a room with one job, at most 350 lines long. A file
// that grows past it is a sign it does two jobs and should be split, not that the limit should move.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAX_LINES = 350;
const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('source files', () => {
  it(`in src/ and assembly/ are at most ${MAX_LINES} lines each`, () => {
    const files = [...sources('src'), ...sources('assembly')];
    const lengths = files.map((file) => ({ file, lines: readFileSync(join(root, file), 'utf8').split('\n').length - 1 }));
    const longest = [...lengths].sort((a, b) => b.lines - a.lines).slice(0, 3);
    console.log(`${files.length} files; longest: ${longest.map((l) => `${l.file} (${l.lines})`).join(', ')}`);
    expect(files.length).toBeGreaterThan(40);
    expect(lengths.filter((l) => l.lines > MAX_LINES)).toEqual([]);
  });
});
