// `wasm-vae` command line: picks the command, runs it, and turns failures into one line on stderr and exit code 1.
// A bare `wasm-vae` prints the command list (exit 2); `wasm-vae --help` too (exit 0).
import { parseTrainArgs, USAGE as TRAIN_USAGE } from './args.js';
import type { Command } from './common.js';
import { encode } from './commands/encode.js';
import { evaluate } from './commands/eval.js';
import { interpolate } from './commands/interpolate.js';
import { manifold } from './commands/manifold.js';
import { reconstruct } from './commands/reconstruct.js';
import { sample } from './commands/sample.js';
import { score } from './commands/score.js';
import { runTrain } from './commands/train.js';

const COMMANDS: Record<string, Command> = { sample, reconstruct, eval: evaluate, encode, score, interpolate, manifold };

export { holdSignals } from './signals.js';

export const OVERVIEW = `Usage: wasm-vae <command> [options]     (wasm-vae <command> --help for its options)

Commands:
  train        train a VAE (by default on MNIST), write the model, pictures, loss curve and checkpoints
  sample       a grid of samples (one row per class for a conditional model)
  reconstruct  inputs beside their reconstructions
  eval         the negative ELBO and the importance-weighted bound (--samples K)
  encode       posterior means and log-variances as CSV
  score        anomaly scores and flags per row as CSV (--contamination, --reference, --threshold)
  interpolate  the decoded path between two images
  manifold     the 2-D latent manifold (a model trained with --latent 2)
`;

/**
 * Runs one command; the exit code: 0, 1 (the command failed: one line on stderr) or 2 (no or unknown command).
 * `interrupted`: a signal came while the CLI was loading (the bin listens from its first instant); the command
 * is then not started, and train, whose Ctrl-C always ends with 0, returns 0.
 */
export async function main(argv: string[], interrupted?: string): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(OVERVIEW);
    return 2;
  }
  if (first === 'help' || first === '--help' || first === '-h') {
    process.stdout.write(OVERVIEW);
    return 0;
  }
  if (first.startsWith('-')) {
    process.stderr.write(`wasm-vae: options need a command first: wasm-vae train ${argv.join(' ')}\n\n${OVERVIEW}`);
    return 2;
  }
  if (first !== 'train' && !COMMANDS[first]) {
    console.error(`wasm-vae: unknown command ${JSON.stringify(first)}; see wasm-vae help`);
    return 2;
  }
  if (interrupted) {
    console.error(`wasm-vae: ${interrupted} before ${first} began: nothing done`);
    return first === 'train' ? 0 : 130;
  }
  try {
    if (first === 'train') {
      const train = parseTrainArgs(rest);
      if (train === null) process.stdout.write(TRAIN_USAGE);
      else await runTrain(train);
    } else {
      await COMMANDS[first].run(rest);
    }
    return 0;
  } catch (error) {
    console.error(`wasm-vae: ${(error as Error).message}`);
    return 1;
  }
}
