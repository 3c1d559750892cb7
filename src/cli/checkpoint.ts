// The CLI's checkpoint: the model's whole training state (save({ includeOptimizer: true })) plus, in one
// __metadata__ entry, the run it belongs to: the complete command line (data paths absolute), the data files'
// sizes and hashes (./run-files.ts) and the epochs logged so far. Written atomically at every epoch end, every
// --checkpoint-every batches and on Ctrl-C; `--resume` reads it back.
import { dirname, resolve } from 'node:path';
import { readMetadata, VAE } from '../index.js';
import type { EpochLog } from '../types.js';
import { FLAG_FIELDS, parseTrainArgs, RESUMABLE_OPTIONS, showOption, toArgv, type TrainCommand } from './args.js';
import { writeFileAtomic } from './atomic-write.js';
import { readRegularFile } from './read-file.js';
import { FILE_FLAGS, parseRunFiles, type FileRole, type RunFiles } from './run-files.js';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
const RUN_KEY = 'wasm-vae-train';
/**
 * The run entry's largest size: about 12,000 epochs of history (≈ 300 bytes each) beside the command line. It bounds
 * the work of parsing an entry that a hostile file fills with one object of a million keys (≈ 0.5 s at this size).
 */
const MAX_RUN_ENTRY = 4 * 1024 * 1024;

/** `extra`: other __metadata__ entries the model file has too (a CSV's columns), so that the checkpoint reads data alike. */
export function writeCheckpoint(path: string, vae: VAE, cmd: TrainCommand, history: EpochLog[], files: RunFiles, extra: Record<string, string> = {}): void {
  const run = JSON.stringify({ argv: toArgv(cmd), files, history });
  if (run.length > MAX_RUN_ENTRY) {
    throw new Error(`could not write ${path}: the run's history (${history.length} epochs) is ${run.length} bytes, over the ` +
      `${MAX_RUN_ENTRY}-byte limit of a checkpoint; start a new run from the model with fewer epochs per run`);
  }
  writeFileAtomic(path, vae.save({ includeOptimizer: true, metadata: { ...extra, [RUN_KEY]: run } }));
}

export interface ResumedRun {
  vae: VAE;
  cmd: TrainCommand;
  history: EpochLog[];
  /** The run's data files; undefined for a checkpoint written before they were recorded. */
  files: RunFiles | undefined;
}

/**
 * The model and run of `cmd.resume`, with the options given now (--out, --epochs, --checkpoint-every, --threads)
 * on top. Other options given now must equal the run's; data files given now replace the recorded paths (the
 * caller checks their bytes).
 */
export async function readCheckpoint(cmd: TrainCommand): Promise<ResumedRun> {
  const path = cmd.resume!;
  const bytes = new Uint8Array(readRegularFile('--resume', path));
  let run: { argv?: unknown; history?: unknown; files?: unknown };
  const entry = readMetadata(bytes)[RUN_KEY] ?? 'null';
  if (entry.length > MAX_RUN_ENTRY) throw new Error(`${path}: its "${RUN_KEY}" entry is ${entry.length} bytes, over the ${MAX_RUN_ENTRY}-byte limit`);
  try {
    run = JSON.parse(entry) ?? {};
  } catch {
    run = {};
  }
  if (!Array.isArray(run.argv) || !run.argv.every((a) => typeof a === 'string') || !Array.isArray(run.history)) {
    throw new Error(`${path} is not a checkpoint of wasm-vae train (its __metadata__ has no valid "${RUN_KEY}" entry)`);
  }
  const saved = parseTrainArgs(run.argv as string[])!;
  const files = parseRunFiles(run.files);
  for (const flag of cmd.given) {
    const field = FLAG_FIELDS[flag];
    if (RESUMABLE_OPTIONS.includes(flag) || (field in FILE_FLAGS && files?.[field as FileRole] !== undefined)) continue; // bytes checked later
    // Paths are compared absolute (the run stored them so): the command may be retyped from another directory.
    const isPath = field in FILE_FLAGS || field === 'arch';
    const now = isPath ? resolve(cmd[field] as string) : cmd[field];
    const then = isPath && saved[field] !== undefined ? resolve(saved[field] as string) : saved[field];
    if (showOption(now) !== showOption(then)) {
      throw new Error(`--${flag} was ${showOption(then)} in the run of ${path}, ${showOption(now)} now; a resumed run keeps its options ` +
        '(only --out, --epochs, --checkpoint-every and --threads may change)');
    }
  }
  const effective: TrainCommand = {
    ...saved,
    epochs: cmd.given.includes('epochs') ? cmd.epochs : saved.epochs,
    checkpointEvery: cmd.given.includes('checkpoint-every') ? cmd.checkpointEvery : saved.checkpointEvery,
    out: cmd.given.includes('out') ? cmd.out : dirname(path),
    resume: path,
    threads: cmd.threads,
    given: cmd.given,
  };
  for (const role of Object.keys(FILE_FLAGS) as FileRole[]) {
    const flag = FILE_FLAGS[role].slice(2);
    if (cmd.given.includes(flag)) effective[role] = cmd[role];
  }
  return { vae: await VAE.load(bytes, { threads: cmd.threads }), cmd: effective, history: run.history as EpochLog[], files };
}
