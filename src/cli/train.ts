// The main job: train a VAE on IDX images (MNIST by default) with a progress bar and a line per epoch,
// checkpointing as it goes (./checkpoint.ts), then write the model and pictures (./outputs.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { VAE } from '../index.js';
import type { Activation, EpochLog, Likelihood } from '../types.js';
import type { TrainCommand } from './args.js';
import { CHECKPOINT_FILE, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { oneHot } from '../index.js';
import { mnistPaths, readIdxImages, readIdxLabels } from './idx.js';
import { writeOutputs } from './outputs.js';

export async function runTrain(given: TrainCommand): Promise<void> {
  const resumed = given.resume ? await readCheckpoint(given) : null;
  const cmd = resumed?.cmd ?? given;
  const paths = cmd.data ? { train: cmd.data, test: cmd.testData } : { ...mnistPaths(), ...(cmd.testData ? { test: cmd.testData } : {}) };
  const train = readIdxImages(paths.train);
  const test = paths.test ? readIdxImages(paths.test) : undefined;
  const inputDim = train.shape.reduce((a, b) => a * b, 1);
  if (test && test.shape.reduce((a, b) => a * b, 1) !== inputDim) {
    throw new Error(`test images are ${test.shape.join('×')}, training images ${train.shape.join('×')}`);
  }
  const count = Math.min(train.count, cmd.limit ?? train.count);
  const data = train.data.subarray(0, count * inputDim);
  const labels = cmd.conditional ? readLabels(cmd, count, test?.count) : null;

  const vae = resumed?.vae ?? await VAE.create({
    inputDim, hiddenDims: cmd.hiddenDims, latentDim: cmd.latentDim, seed: cmd.seed,
    activation: cmd.activation as Activation, likelihood: cmd.likelihood as Likelihood, conditionDim: labels?.classes ?? 0,
  }, { threads: cmd.threads });
  const conditions = labels ? oneHot(labels.train, labels.classes) : undefined;
  const testConditions = labels?.test ? oneHot(labels.test, labels.classes) : undefined;
  if (cmd.patience > 0 && !test) throw new Error('--patience watches the test loss: it needs test images (--test-data)');
  if (vae.config.inputDim !== inputDim) throw new Error(`the checkpoint's model takes ${vae.config.inputDim} values per image; the data has ${inputDim}`);
  const history: EpochLog[] = resumed ? [...resumed.history] : [];
  const arch = [inputDim, ...cmd.hiddenDims, cmd.latentDim].join('-');
  console.log(`wasm-vae: ${count} training${test ? ` and ${test.count} test` : ''} images of ${train.shape.join('×')}; ` +
    `model ${arch}${labels ? `, conditional on ${labels.classes} classes` : ''}, ${cmd.activation}, ${cmd.likelihood}, ` +
    `${vae.parameterCount} parameters; Adam lr ${cmd.learningRate}, batch ${cmd.batchSize}, ${cmd.epochs} epochs, seed ${cmd.seed}, ` +
    `${vae.threads} thread${vae.threads > 1 ? 's' : ''}` +
    (cmd.klWarmup > 0 ? `, KL warm-up ${cmd.klWarmup} steps` : '') + (cmd.freeBits > 0 ? `, free bits ${cmd.freeBits}` : '') +
    (cmd.patience > 0 ? `, early stopping (patience ${cmd.patience}, restore best)` : ''));
  if (resumed) console.log(`resuming ${given.resume} after ${history.length} complete epochs`);
  console.log('losses are nats per example (negative ELBO = reconstruction + KL)');

  mkdirSync(cmd.out, { recursive: true });
  const checkpointPath = join(cmd.out, CHECKPOINT_FILE);
  const checkpoint = () => writeCheckpoint(checkpointPath, vae, cmd, history);

  // Ctrl-C stops at the next batch boundary; the checkpoint, the model and the images are still written.
  const stop = new AbortController();
  const onSigint = () => { console.log('\nstopping after this batch…'); stop.abort(); };
  process.once('SIGINT', onSigint);
  const bar = new cliProgress.SingleBar({
    format: 'epoch {epoch} [{bar}] {percentage}% | {value}/{total} batches | loss {loss} | {eta_formatted} left',
    hideCursor: true, clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  let barEpoch = 0;

  let logs: EpochLog[];
  try {
    logs = await vae.fit(data, {
      epochs: cmd.epochs, batchSize: cmd.batchSize, learningRate: cmd.learningRate, beta: cmd.beta,
      validationData: test?.data, signal: stop.signal, resume: resumed !== null,
      conditions, validationConditions: testConditions, klWarmup: cmd.klWarmup, freeBits: cmd.freeBits,
      earlyStopping: cmd.patience > 0 ? { patience: cmd.patience, restoreBest: true } : undefined,
      onBatchEnd: (log) => {
        if (barEpoch !== log.epoch) { barEpoch = log.epoch; bar.start(log.batches, log.batch - 1, { epoch: `${log.epoch}/${cmd.epochs}`, loss: '…' }); }
        bar.update(log.batch, { loss: log.skipped ? 'skipped' : log.loss.toFixed(2) });
        if (cmd.checkpointEvery > 0 && log.batch % cmd.checkpointEvery === 0 && log.batch < log.batches) checkpoint();
      },
      onEpochEnd: (log) => {
        bar.stop();
        console.log(epochLine(log, cmd.epochs, cmd.klWarmup > 0));
        if (!log.aborted) { history.push(log); checkpoint(); }
      },
    });
  } finally {
    bar.stop();
    process.off('SIGINT', onSigint);
  }
  const partial = logs.filter((log) => log.aborted);
  if (stop.signal.aborted) {
    checkpoint();
    console.log(`checkpoint written: continue with  wasm-vae train --resume ${checkpointPath}`);
  }
  const pictures = test ? { ...test, conditions: testConditions } : { ...train, conditions };
  const written = await writeOutputs(cmd.out, vae, [...history, ...partial], pictures);
  console.log(`wrote ${written.join(', ')}, ${checkpointPath}`);
  vae.dispose();
}

/** The labels of a conditional run: MNIST's label files unless --labels / --test-labels name others. */
function readLabels(cmd: TrainCommand, count: number, testCount: number | undefined): { train: Uint8Array; test?: Uint8Array; classes: number } {
  const mnist = mnistPaths();
  if (cmd.data && !cmd.labels) throw new Error('--conditional with --data needs --labels FILE (IDX labels of the training images)');
  if (cmd.testData && !cmd.testLabels) throw new Error('--conditional with --test-data needs --test-labels FILE');
  const train = readIdxLabels(cmd.labels ?? mnist.trainLabels).subarray(0, count);
  if (train.length < count) throw new Error(`${train.length} training labels for ${count} images`);
  const test = testCount === undefined ? undefined : readIdxLabels(cmd.testLabels ?? mnist.testLabels).subarray(0, testCount);
  if (test && test.length < testCount!) throw new Error(`${test.length} test labels for ${testCount} images`);
  let classes = 0;
  for (const l of train) classes = Math.max(classes, l + 1);
  return { train, test, classes };
}

function epochLine(log: EpochLog, epochs: number, showBeta: boolean): string {
  const parts = [`epoch ${String(log.epoch).padStart(String(epochs).length)}/${epochs}`,
    `train loss ${log.loss.toFixed(2)} (rec ${log.reconstruction.toFixed(2)}, kl ${log.kl.toFixed(2)})`];
  if (log.valLoss !== undefined) parts.push(`test loss ${log.valLoss.toFixed(2)} (rec ${log.valReconstruction!.toFixed(2)}, kl ${log.valKl!.toFixed(2)})`);
  if (showBeta) parts.push(`β ${log.beta.toFixed(3)}`);
  if (log.skipped > 0) parts.push(`${log.skipped} steps skipped (non-finite)`);
  if (log.stoppedEarly) parts.push(`early stop: best epoch ${log.bestEpoch}${log.restoredEpoch ? ', its weights restored' : ''}`);
  parts.push(`${log.seconds.toFixed(1)} s${log.aborted ? ' (stopped early)' : ''}`);
  return parts.join('  ');
}
