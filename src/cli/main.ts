// `wasm-vae` command line: parses, runs, and turns failures into one line on stderr and exit code 1.
import { parseTrainArgs, USAGE } from './args.js';
import { runTrain } from './train.js';

export async function main(argv: string[]): Promise<number> {
  try {
    const command = parseTrainArgs(argv);
    if (command === null) {
      process.stdout.write(USAGE);
      return 0;
    }
    await runTrain(command);
    return 0;
  } catch (error) {
    console.error(`wasm-vae: ${(error as Error).message}`);
    return 1;
  }
}
