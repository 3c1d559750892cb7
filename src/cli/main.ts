// `wasm-vae` command line: picks the command, runs it, and turns failures into one line on stderr and exit code 1.
import { parseTrainArgs, USAGE as TRAIN_USAGE } from './args.js';
import type { Command } from './common.js';
import { encode } from './encode.js';
import { evaluate } from './eval.js';
import { interpolate } from './interpolate.js';
import { manifold } from './manifold.js';
import { reconstruct } from './reconstruct.js';
import { sample } from './sample.js';
import { runTrain } from './train.js';

const COMMANDS: Record<string, Command> = { sample, reconstruct, eval: evaluate, encode, interpolate, manifold };

export const OVERVIEW = `Usage: wasm-vae <command> [options]     (wasm-vae <command> --help for its options)

Commands:
  train        train a VAE (by default on MNIST), write the model, pictures, loss curve and checkpoints
  sample       a grid of samples (one row per class for a conditional model)
  reconstruct  inputs beside their reconstructions
  eval         the negative ELBO and the importance-weighted bound (--samples K)
  encode       posterior means and log-variances as CSV
  interpolate  the decoded path between two images
  manifold     the 2-D latent manifold (a model trained with --latent 2)
`;

export async function main(argv: string[]): Promise<number> {
  try {
    const [first, ...rest] = argv;
    const command = first === undefined ? undefined : COMMANDS[first];
    if (command) {
      await command.run(rest);
      return 0;
    }
    if (first === 'help') {
      process.stdout.write(OVERVIEW);
      return 0;
    }
    const train = parseTrainArgs(argv);
    if (train === null) {
      process.stdout.write(`${TRAIN_USAGE}\n${OVERVIEW}`);
      return 0;
    }
    await runTrain(train);
    return 0;
  } catch (error) {
    console.error(`wasm-vae: ${(error as Error).message}`);
    return 1;
  }
}
