// The main job: train a VAE on images (MNIST by default; IDX files or folders of PNGs and JPEGs) with a progress bar and a line per epoch,
// checkpointing as it goes (./checkpoint.ts), then write the model and pictures (./outputs.ts).
// Ctrl-C (or SIGTERM) at any instant ends the command with exit code 0 and every file whole: before training it
// writes nothing; in training it stops at the next batch boundary and writes the checkpoint and outputs; during
// the final writes it finishes them. Signals after the first only get a word that the run is finishing.
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { VAE, VAEError } from '../../index.js';
import type { EpochLog, VAEOptions } from '../../types.js';
import type { TrainCommand } from '../args.js';
import { describeArchitecture, modelOptions } from '../architecture.js';
import { CHECKPOINT_FILE, readCheckpoint, writeCheckpoint } from '../checkpoint.js';
import { CheckpointSchedule } from '../checkpoint-schedule.js';
import { claimOut } from '../out-dir.js';
import { OUTPUT_FILES, writeOutputs } from '../outputs.js';
import { removeTemporaries } from '../atomic-write.js';
import { routeSignals } from '../signals.js';
import { describeShape } from '../image-folder.js';
import { readTrainData } from '../train-data.js';
import { describeLikelihood, modelKeys } from '../model-keys.js';

type Phase = 'starting' | 'training' | 'finishing';
const ON_SIGNAL: Record<Phase, [first: string, later: string]> = {
  starting: ['\nstopping before training starts…', 'still stopping before training starts…'],
  training: ['\nstopping after this batch…', 'still stopping after this batch, then finishing the writes…'],
  finishing: ['\nfinishing the writes…', 'still finishing the writes…'],
};

export async function runTrain(given: TrainCommand): Promise<void> {
  const stop = new AbortController();
  let phase: Phase = 'starting';
  const release = routeSignals(() => {
    console.log(ON_SIGNAL[phase][stop.signal.aborted ? 1 : 0]);
    stop.abort();
  });
  let vae: VAE | undefined;
  let unlock = () => {};
  try {
    const resumed = given.resume ? await readCheckpoint(given) : null;
    vae = resumed?.vae;
    const cmd: TrainCommand = { ...(resumed?.cmd ?? given) };
    const input = readTrainData(cmd, resumed?.files);
    // A new run's model is built before --out is claimed, so that a bad --arch file leaves nothing behind.
    vae ??= await createModel(cmd, input);
    for (const role of ['data', 'testData', 'labels', 'testLabels', 'arch'] as const) if (cmd[role] !== undefined) cmd[role] = resolve(cmd[role]!);
    const { train, test, inputDim, inputShape, count, labels } = input;
    unlock = claimOut(cmd.out);
    const stale = removeTemporaries(cmd.out, [...OUTPUT_FILES, CHECKPOINT_FILE]);
    if (stale.length > 0) console.log(`removed ${stale.length} temporary file${stale.length > 1 ? 's' : ''} an interrupted run left in ${cmd.out}`);
    if (cmd.patience > 0 && !test) throw new Error('--patience watches the test loss: it needs test images (--test-data)');
    if (vae.config.inputDim !== inputDim) throw new Error(`the checkpoint's model takes ${vae.config.inputDim} values per image; the data has ${inputDim}`);
    const modelShape = vae.config.inputShape;
    if (modelShape && inputShape && modelShape.some((d, i) => d !== inputShape[i])) {
      throw new Error(`the checkpoint's model takes images of ${describeShape({ shape: modelShape, inputShape: modelShape })}; the data's are ${describeShape(train)}`);
    }
    const history: EpochLog[] = resumed ? [...resumed.history] : [];
    const arch = describeArchitecture(vae.config);
    console.log(`wasm-vae: ${count} training${test ? ` and ${test.count} test` : ''} ${input.what}; ` +
      `model ${arch}${labels ? `, conditional on ${labels.classes} classes` : ''}, ${cmd.activation}, ${describeLikelihood(vae.config)}, ` +
      `${vae.parameterCount} parameters; Adam lr ${cmd.learningRate}, batch ${cmd.batchSize}, ${cmd.epochs} epochs, seed ${cmd.seed}, ` +
      `${vae.threads} thread${vae.threads > 1 ? 's' : ''}` +
      (cmd.klWarmup > 0 ? `, KL warm-up ${cmd.klWarmup} steps` : '') + (cmd.freeBits > 0 ? `, free bits ${cmd.freeBits}` : '') +
      (cmd.patience > 0 ? `, early stopping (patience ${cmd.patience}, restore best)` : ''));
    if (resumed) console.log(`resuming ${given.resume} after ${history.length} complete epochs`);
    console.log(cmd.beta === 1 && cmd.klWarmup === 0 ? 'losses are nats per example (negative ELBO = reconstruction + KL)'
      : 'losses are nats per example: train loss = reconstruction + β·KL (the objective), test loss = reconstruction + KL (negative ELBO)');
    if (stop.signal.aborted) {
      console.log('interrupted before training began: nothing written');
      return;
    }

    phase = 'training';
    const checkpointPath = join(cmd.out, CHECKPOINT_FILE);
    const model = vae;
    const columns = input.table && { columns: JSON.stringify(input.table.columns) }; // a CSV's columns, to read later CSVs as the model's rows
    // Weights and Adam's two moments, and early stopping's best weights: the checkpoint's size, near enough.
    const schedule = new CheckpointSchedule(cmd.checkpointEvery, (cmd.patience > 0 ? 16 : 12) * model.parameterCount);
    const checkpoint = () => {
      writeCheckpoint(checkpointPath, model, cmd, history, input.files, columns);
      schedule.written();
    };
    const logs = await fitWithBar(model, cmd, input, stop.signal, resumed !== null, history, checkpoint, schedule);

    phase = 'finishing';
    const partial = logs.filter((log) => log.aborted);
    if (stop.signal.aborted && (partial.length > 0 || history.length < cmd.epochs) && !history.at(-1)?.stoppedEarly) {
      checkpoint();
      console.log(`checkpoint written: continue with  wasm-vae train --resume ${checkpointPath}`);
    }
    const pictures = test ? { ...test, conditions: input.testConditions } : { ...train, conditions: input.conditions };
    const written = await writeOutputs(cmd.out, vae, [...history, ...partial], pictures, columns);
    console.log(`wrote ${written.join(', ')}, ${checkpointPath}`);
  } finally {
    vae?.dispose();
    unlock();
    release();
  }
}

/** The model of a new run (./architecture.ts); the library's complaints about an --arch file name the file. */
async function createModel(cmd: TrainCommand, input: ReturnType<typeof readTrainData>): Promise<VAE> {
  const base = modelOptions(cmd, { inputDim: input.inputDim, shape: input.train.shape, inputShape: input.inputShape }, input.labels?.classes ?? 0);
  // After modelOptions, which takes an --arch file's likelihood into cmd: the data's likelihood, variance, scaling.
  const keys = modelKeys(cmd, input.train);
  const options = { ...base, ...keys } as VAEOptions;
  try {
    return await VAE.create(options, { threads: cmd.threads });
  } catch (error) {
    if (cmd.arch === undefined || !(error instanceof VAEError) || error.code === 'UNSUPPORTED_ENGINE') throw error;
    throw new Error(`--arch ${cmd.arch}: ${error.message.replace(/^VAE\.create: /, '')}`);
  }
}

/** fit with the progress bar, the epoch lines and the checkpoints; a divergence is told in the CLI's flags. */
async function fitWithBar(vae: VAE, cmd: TrainCommand, input: ReturnType<typeof readTrainData>, signal: AbortSignal, resume: boolean,
  history: EpochLog[], checkpoint: () => void, schedule: CheckpointSchedule): Promise<EpochLog[]> {
  const bar = new cliProgress.SingleBar({
    format: 'epoch {epoch} [{bar}] {percentage}% | {value}/{total} batches | loss {loss} | {eta_formatted} left',
    hideCursor: true, clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  let barEpoch = 0;
  try {
    return await vae.fit(input.data, {
      epochs: cmd.epochs, batchSize: cmd.batchSize, learningRate: cmd.learningRate, beta: cmd.beta,
      validationData: input.test?.data, signal, resume,
      conditions: input.conditions, validationConditions: input.testConditions, klWarmup: cmd.klWarmup, freeBits: cmd.freeBits,
      earlyStopping: cmd.patience > 0 ? { patience: cmd.patience, restoreBest: true } : undefined,
      onBatchEnd: (log) => {
        if (barEpoch !== log.epoch) { barEpoch = log.epoch; bar.start(log.batches, log.batch - 1, { epoch: `${log.epoch}/${cmd.epochs}`, loss: '…' }); }
        bar.update(log.batch, { loss: log.skipped ? 'skipped' : log.loss.toFixed(2) });
        if (schedule.afterBatch(log.batch, log.batches)) checkpoint();
      },
      onEpochEnd: (log) => {
        bar.stop();
        console.log(epochLine(log, cmd.epochs, cmd.klWarmup > 0 || cmd.beta !== 1 || cmd.freeBits > 0));
        if (log.aborted) return;
        history.push(log);
        if (schedule.atEpochEnd(log.epoch >= cmd.epochs || log.stoppedEarly === true)) checkpoint();
      },
    });
  } catch (error) {
    if (error instanceof VAEError && error.code === 'DIVERGED') throw new Error(`training diverged: ${inFlags(error.message, cmd)}`);
    throw error;
  } finally {
    bar.stop();
  }
}

/** The library's option names (options.learningRate) as the CLI's flags (--lr), with the value given. */
const FIT_FLAGS: Record<string, [flag: string, field: keyof TrainCommand]> = {
  learningRate: ['--lr', 'learningRate'], batchSize: ['--batch-size', 'batchSize'], beta: ['--beta', 'beta'],
  klWarmup: ['--kl-warmup', 'klWarmup'], freeBits: ['--free-bits', 'freeBits'], epochs: ['--epochs', 'epochs'],
};
function inFlags(message: string, cmd: TrainCommand): string {
  return message.replace(/^VAE\.fit: /, '').replace(/options\.(\w+)/g, (text, name: string) =>
    FIT_FLAGS[name] ? `${FIT_FLAGS[name][0]} (${String(cmd[FIT_FLAGS[name][1]])} now)` : text);
}

function epochLine(log: EpochLog, epochs: number, showBeta: boolean): string {
  const parts = [`epoch ${String(log.epoch).padStart(String(epochs).length)}/${epochs}`, log.allSkipped
    ? 'train loss — (every step skipped)'
    : `train loss ${log.loss.toFixed(2)} (rec ${log.reconstruction.toFixed(2)}, kl ${log.kl.toFixed(2)})`];
  if (log.valLoss !== undefined) parts.push(`test loss ${log.valLoss.toFixed(2)} (rec ${log.valReconstruction!.toFixed(2)}, kl ${log.valKl!.toFixed(2)})`);
  // The train loss is the objective, rec + β·kl; the test loss is always the negative ELBO (β = 1). So that each
  // compares with its like, the train −ELBO and the test objective too.
  if (showBeta && !log.allSkipped) {
    parts.push(`β ${log.beta.toFixed(3)}, train −ELBO ${(log.reconstruction + log.kl).toFixed(2)}` +
      (log.valObjective === undefined ? '' : `, test objective ${log.valObjective.toFixed(2)}`));
  }
  if (log.skipped > 0) parts.push(`${log.skipped} steps skipped (non-finite)`);
  if (log.stoppedEarly) parts.push(`early stop: best epoch ${log.bestEpoch}${log.restoredEpoch ? ', its weights restored' : ''}`);
  parts.push(`${log.seconds.toFixed(1)} s${log.aborted ? ' (stopped early)' : ''}`);
  return parts.join('  ');
}
