// The data of a training run: images (MNIST by default; IDX files or folders of PNGs and JPEGs), a CSV or an
// .npy (./data-file.ts), the test data or a held-out share of the training rows (--validation-split), and for
// --conditional the labels, each file's identity recorded for the checkpoint and, on --resume, checked against
// the run's (./run-files.ts).
import { oneHot } from '../index.js';
import type { Table } from '../data/types.js';
import type { TrainCommand } from './args.js';
import type { InputShape } from '../types.js';
import { dataKind, describeTable, readDataFile, type DataFile } from './data-file.js';
import { mnistPaths, readIdxLabels } from './idx.js';
import { describeShape, digestOf, type Digest } from './image-folder.js';
import { checkSameFile, FILE_FLAGS, identify, type FileRole, type RunFiles } from './run-files.js';

export interface TrainData {
  train: DataFile;
  test?: DataFile;
  inputDim: number;
  /** The images' [channels, height, width] when they come from a folder (the model's inputShape). */
  inputShape?: InputShape;
  /** The training rows used (--limit, less any --validation-split). */
  count: number;
  data: Float32Array;
  /** A CSV's table: its columns, kept in the model file (__metadata__.columns). */
  table?: Table;
  /** The rows in words, for the run's summary: "images of 28×28", "rows of 12 columns (…)". */
  what: string;
  labels: { train: Uint8Array; test?: Uint8Array; classes: number } | null;
  conditions?: Float32Array;
  testConditions?: Float32Array;
  files: RunFiles;
}

/** `recorded`: a resumed run's files (undefined for a new run or an old checkpoint). */
export function readTrainData(cmd: TrainCommand, recorded: RunFiles | undefined): TrainData {
  const files: RunFiles = {};
  /** Records (and on resume checks) the identity of the bytes read for `role`. */
  const note = (role: FileRole, path: string) => (digest: Digest) => {
    files[role] = identify(path, digest);
    checkSameFile(role, files[role]!, recorded?.[role], cmd.given.includes(FILE_FLAGS[role].slice(2)));
  };
  if (cmd.validationSplit !== undefined && cmd.testData !== undefined) throw new Error('--validation-split holds out test rows: give it or --test-data, not both');
  if (cmd.validationSplit !== undefined && cmd.conditional) throw new Error('--validation-split does not split labels yet: with --conditional, give --test-data and --test-labels');
  const csvFlags = (['categorical', 'numeric', 'ignore'] as const).filter((k) => cmd[k] !== undefined);
  if (csvFlags.length > 0 && (cmd.data === undefined || dataKind(cmd.data) !== 'csv')) throw new Error(`--${csvFlags[0]} names CSV columns: --data must be a .csv file`);
  const paths = cmd.data ? { train: cmd.data, test: cmd.testData } : { ...mnistPaths(), ...(cmd.testData || cmd.validationSplit ? { test: cmd.testData } : {}) };
  const file = readDataFile(paths.train, '--data', note('data', paths.train), cmd);
  const table = file.table;
  let test = paths.test ? readDataFile(paths.test, '--test-data', note('testData', paths.test), { columns: table?.columns, ignore: cmd.ignore }) : undefined;
  const inputDim = file.shape.reduce((a, b) => a * b, 1);
  if (test && (test.shape.reduce((a, b) => a * b, 1) !== inputDim || (test.inputShape && file.inputShape && describeShape(test) !== describeShape(file)))) {
    throw new Error(`test ${file.table || file.dtype ? 'rows' : 'images'} are ${describeShape(test)}, training ${file.table || file.dtype ? 'rows' : 'images'} ${describeShape(file)}`);
  }
  const limited = Math.min(file.count, cmd.limit ?? file.count);
  let train: DataFile = { ...file, count: limited, data: file.data.subarray(0, limited * inputDim) };
  if (cmd.validationSplit !== undefined) [train, test] = splitRows(train, inputDim, cmd.validationSplit, cmd.seed);
  const count = train.count;
  const labels = cmd.conditional ? readLabels(cmd, count, test?.count, note) : null;
  const what = table ? `rows of ${describeTable(table)}` : file.dtype ? `rows of ${describeShape(file)} (${file.dtype})` : `images of ${describeShape(file)}`;
  return {
    train, test, inputDim, inputShape: file.inputShape, count, data: train.data, table, what, labels, files,
    conditions: labels ? oneHot(labels.train, labels.classes) : undefined,
    testConditions: labels?.test ? oneHot(labels.test, labels.classes) : undefined,
  };
}

/**
 * --validation-split: a Fisher–Yates shuffle of the row indices, driven by a PRNG seeded by --seed (mulberry32),
 * holds out the last round(share × count) of them as test rows; each part keeps the file's order.
 */
export function splitRows(rows: DataFile, inputDim: number, share: number, seed: number): [DataFile, DataFile] {
  const n = rows.count, held = Math.round(share * n);
  if (held < 1 || held >= n) throw new Error(`--validation-split ${share} of ${n} rows holds out ${held}: each part needs at least one row`);
  const order = Array.from({ length: n }, (_, i) => i), random = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const part = (indices: number[]): DataFile => {
    indices.sort((a, b) => a - b);
    const data = new Float32Array(indices.length * inputDim);
    indices.forEach((r, k) => data.set(rows.data.subarray(r * inputDim, (r + 1) * inputDim), k * inputDim));
    return { ...rows, count: indices.length, data };
  };
  return [part(order.slice(0, n - held)), part(order.slice(n - held))];
}

/** mulberry32 (Tommy Ettinger's 32-bit generator): uniform numbers in [0, 1) from a 32-bit seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The labels of a conditional run: MNIST's label files unless --labels / --test-labels name others. */
function readLabels(cmd: TrainCommand, count: number, testCount: number | undefined,
  note: (role: FileRole, path: string) => (digest: Digest) => void): NonNullable<TrainData['labels']> {
  const mnist = () => mnistPaths();
  if (cmd.data && !cmd.labels) throw new Error('--conditional with --data needs --labels FILE (IDX labels of the training images)');
  if (cmd.testData && !cmd.testLabels) throw new Error('--conditional with --test-data needs --test-labels FILE');
  const trainPath = cmd.labels ?? mnist().trainLabels;
  const train = readIdxLabels(trainPath, '--labels', (bytes) => note('labels', trainPath)(digestOf(bytes))).subarray(0, count);
  if (train.length < count) throw new Error(`${train.length} training labels for ${count} images`);
  const testPath = testCount === undefined ? undefined : cmd.testLabels ?? mnist().testLabels;
  const test = testPath === undefined ? undefined : readIdxLabels(testPath, '--test-labels', (bytes) => note('testLabels', testPath)(digestOf(bytes))).subarray(0, testCount);
  if (test && test.length < testCount!) throw new Error(`${test.length} test labels for ${testCount} images`);
  let classes = 0;
  for (const l of train) classes = Math.max(classes, l + 1);
  return { train, test, classes };
}
