// The data files of a training run, as a checkpoint records them: absolute path, size and SHA-256 of the bytes
// (for a folder of images, of the images' names and bytes: ./image-folder.ts).
// A resume reads the files from their recorded paths (so it works from any directory) or from paths given again,
// and refuses bytes that are not the run's, since training on them would silently continue a different run.
import { resolve } from 'node:path';
import type { Digest } from './image-folder.js';

export interface FileIdentity { path: string; size: number; sha256: string }

/** The files a run reads, by the TrainCommand field that names them. */
export const FILE_FLAGS = { data: '--data', testData: '--test-data', labels: '--labels', testLabels: '--test-labels' } as const;
export type FileRole = keyof typeof FILE_FLAGS;
export type RunFiles = Partial<Record<FileRole, FileIdentity>>;

export function identify(path: string, digest: Digest): FileIdentity {
  return { path: resolve(path), ...digest };
}

/** Throws unless `found` has the bytes of `expected` (the run's file); `given`: the path was typed on this resume. */
export function checkSameFile(role: FileRole, found: FileIdentity, expected: FileIdentity | undefined, given: boolean): void {
  if (!expected || (found.size === expected.size && found.sha256 === expected.sha256)) return;
  const about = (f: FileIdentity) => `${f.size} bytes, sha256 ${f.sha256.slice(0, 16)}…`;
  const sizes = `expected ${about(expected)}; found ${about(found)}`;
  throw new Error(given
    ? `${FILE_FLAGS[role]} ${found.path} is not the file this run trained on (${expected.path}): ${sizes}`
    : `${FILE_FLAGS[role]} ${found.path} has changed since the run began: ${sizes}; give ${FILE_FLAGS[role]} FILE with the run's bytes`);
}

/** Parses a checkpoint's record of its files; anything malformed counts as absent (an old checkpoint). */
export function parseRunFiles(value: unknown): RunFiles | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const files: RunFiles = {};
  for (const role of Object.keys(FILE_FLAGS) as FileRole[]) {
    const f = (value as Record<string, unknown>)[role] as Partial<FileIdentity> | undefined;
    if (f && typeof f.path === 'string' && Number.isInteger(f.size) && typeof f.sha256 === 'string') files[role] = { path: f.path, size: f.size!, sha256: f.sha256 };
  }
  return files;
}
