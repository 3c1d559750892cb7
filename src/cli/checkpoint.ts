// The CLI's checkpoint: the model's whole training state (save({ includeOptimizer: true })) plus, in one
// __metadata__ entry, the run it belongs to: the complete command line and the epochs logged so far. Written
// atomically at every epoch end, every --checkpoint-every batches and on Ctrl-C; `--resume` reads it back.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readMetadata, VAE } from '../index.js';
import type { EpochLog } from '../types.js';
import { parseTrainArgs, toArgv, type TrainCommand } from './args.js';
import { writeFileAtomic } from './atomic-write.js';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
const RUN_KEY = 'wasm-vae-train';

export function writeCheckpoint(path: string, vae: VAE, cmd: TrainCommand, history: EpochLog[]): void {
  const run = JSON.stringify({ argv: toArgv(cmd), history });
  writeFileAtomic(path, vae.save({ includeOptimizer: true, metadata: { [RUN_KEY]: run } }));
}

export interface ResumedRun {
  vae: VAE;
  cmd: TrainCommand;
  history: EpochLog[];
}

/** The model and run of `cmd.resume`, with the options given now (--out, --epochs, --checkpoint-every, --threads) on top. */
export async function readCheckpoint(cmd: TrainCommand): Promise<ResumedRun> {
  const path = cmd.resume!;
  const bytes = new Uint8Array(readFileSync(path));
  let run: { argv?: unknown; history?: unknown };
  try {
    run = JSON.parse(readMetadata(bytes)[RUN_KEY] ?? 'null') ?? {};
  } catch {
    run = {};
  }
  if (!Array.isArray(run.argv) || !run.argv.every((a) => typeof a === 'string') || !Array.isArray(run.history)) {
    throw new Error(`${path} is not a checkpoint of wasm-vae train (its __metadata__ has no valid "${RUN_KEY}" entry)`);
  }
  const saved = parseTrainArgs(run.argv as string[])!;
  const effective: TrainCommand = {
    ...saved,
    epochs: cmd.given.includes('epochs') ? cmd.epochs : saved.epochs,
    checkpointEvery: cmd.given.includes('checkpoint-every') ? cmd.checkpointEvery : saved.checkpointEvery,
    out: cmd.given.includes('out') ? cmd.out : dirname(path),
    resume: path,
    threads: cmd.threads,
    given: cmd.given,
  };
  return { vae: await VAE.load(bytes, { threads: cmd.threads }), cmd: effective, history: run.history as EpochLog[] };
}
