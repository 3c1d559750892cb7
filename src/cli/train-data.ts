// The data of a training run: images (MNIST by default; IDX files or folders of PNGs and JPEGs), the test images,
// and for --conditional the labels, each file's identity recorded for the checkpoint and, on --resume, checked
// against the run's (./run-files.ts).
import { oneHot } from '../index.js';
import type { TrainCommand } from './args.js';
import type { InputShape } from '../types.js';
import { mnistPaths, readIdxLabels } from './idx.js';
import { describeShape, digestOf, readImages, type Digest, type Images } from './image-folder.js';
import { checkSameFile, FILE_FLAGS, identify, type FileRole, type RunFiles } from './run-files.js';

export interface TrainData {
  train: Images;
  test?: Images;
  inputDim: number;
  /** The images' [channels, height, width] when they come from a folder (the model's inputShape). */
  inputShape?: InputShape;
  /** The training rows used (--limit). */
  count: number;
  data: Float32Array;
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
  const paths = cmd.data ? { train: cmd.data, test: cmd.testData } : { ...mnistPaths(), ...(cmd.testData ? { test: cmd.testData } : {}) };
  const train = readImages(paths.train, '--data', note('data', paths.train));
  const test = paths.test ? readImages(paths.test, '--test-data', note('testData', paths.test)) : undefined;
  const inputDim = train.shape.reduce((a, b) => a * b, 1);
  if (test && (test.shape.reduce((a, b) => a * b, 1) !== inputDim || (test.inputShape && train.inputShape && describeShape(test) !== describeShape(train)))) {
    throw new Error(`test images are ${describeShape(test)}, training images ${describeShape(train)}`);
  }
  const count = Math.min(train.count, cmd.limit ?? train.count);
  const labels = cmd.conditional ? readLabels(cmd, count, test?.count, note) : null;
  return {
    train, test, inputDim, inputShape: train.inputShape, count, data: train.data.subarray(0, count * inputDim), labels, files,
    conditions: labels ? oneHot(labels.train, labels.classes) : undefined,
    testConditions: labels?.test ? oneHot(labels.test, labels.classes) : undefined,
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
