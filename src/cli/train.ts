// The main job: train a VAE on IDX images (MNIST by default) with a progress bar and a line per epoch,
// then write the model, a grid of samples and input-vs-reconstruction pairs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { VAE } from '../index.js';
import type { Activation, EpochLog, Likelihood } from '../types.js';
import type { TrainCommand } from './args.js';
import { mnistPaths, readIdxImages } from './idx.js';
import { tilesOf, writeGrid } from './images.js';

const SAMPLES = 64, PAIRS = 32, COLUMNS = 8;

export async function runTrain(cmd: TrainCommand): Promise<void> {
  const paths = cmd.data ? { train: cmd.data, test: cmd.testData } : { ...mnistPaths(), ...(cmd.testData ? { test: cmd.testData } : {}) };
  const train = readIdxImages(paths.train);
  const test = paths.test ? readIdxImages(paths.test) : undefined;
  const inputDim = train.shape.reduce((a, b) => a * b, 1);
  if (test && test.shape.reduce((a, b) => a * b, 1) !== inputDim) {
    throw new Error(`test images are ${test.shape.join('×')}, training images ${train.shape.join('×')}`);
  }
  const count = Math.min(train.count, cmd.limit ?? train.count);
  const data = train.data.subarray(0, count * inputDim);

  const vae = await VAE.create({
    inputDim, hiddenDims: cmd.hiddenDims, latentDim: cmd.latentDim, seed: cmd.seed,
    activation: cmd.activation as Activation, likelihood: cmd.likelihood as Likelihood,
  });
  const arch = [inputDim, ...cmd.hiddenDims, cmd.latentDim].join('-');
  console.log(`wasm-vae: ${count} training${test ? ` and ${test.count} test` : ''} images of ${train.shape.join('×')}; ` +
    `model ${arch}, ${cmd.activation}, ${cmd.likelihood}, ${vae.parameterCount} parameters; ` +
    `Adam lr ${cmd.learningRate}, batch ${cmd.batchSize}, ${cmd.epochs} epochs, seed ${cmd.seed}`);
  console.log('losses are nats per example (negative ELBO = reconstruction + KL)');

  // Ctrl-C stops at the next batch boundary; the model and images are still written.
  const stop = new AbortController();
  const onSigint = () => { console.log('\nstopping after this batch…'); stop.abort(); };
  process.once('SIGINT', onSigint);
  const bar = new cliProgress.SingleBar({
    format: 'epoch {epoch} [{bar}] {percentage}% | {value}/{total} batches | loss {loss} | {eta_formatted} left',
    hideCursor: true, clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);

  const history = await vae.fit(data, {
    epochs: cmd.epochs, batchSize: cmd.batchSize, learningRate: cmd.learningRate, beta: cmd.beta,
    validationData: test?.data, signal: stop.signal,
    onBatchEnd: (log) => {
      if (log.batch === 1) bar.start(log.batches, 0, { epoch: `${log.epoch}/${cmd.epochs}`, loss: '…' });
      bar.update(log.batch, { loss: log.loss.toFixed(2) });
    },
    onEpochEnd: (log) => { bar.stop(); console.log(epochLine(log, cmd.epochs)); },
  });
  bar.stop();
  process.off('SIGINT', onSigint);

  mkdirSync(cmd.out, { recursive: true });
  const modelPath = join(cmd.out, 'model.safetensors');
  writeFileSync(modelPath, vae.save());
  writeFileSync(join(cmd.out, 'history.json'), `${JSON.stringify({ config: vae.config, history }, null, 2)}\n`);
  const written = [modelPath, join(cmd.out, 'history.json')];
  if (train.shape.length === 2) {
    const [height, width] = train.shape;
    const samplesPath = join(cmd.out, 'samples.png');
    writeGrid(samplesPath, tilesOf(vae.sample(SAMPLES), inputDim), height, width, COLUMNS);
    // Rows alternate: COLUMNS inputs, then their reconstructions.
    const source = (test ?? train).data.subarray(0, PAIRS * inputDim);
    const inputs = tilesOf(source, inputDim), recons = tilesOf(vae.reconstruct(source), inputDim);
    const tiles: Float32Array[] = [];
    for (let r = 0; r < PAIRS; r += COLUMNS) tiles.push(...inputs.slice(r, r + COLUMNS), ...recons.slice(r, r + COLUMNS));
    const pairsPath = join(cmd.out, 'reconstructions.png');
    writeGrid(pairsPath, tiles, height, width, COLUMNS);
    written.push(samplesPath, pairsPath);
  }
  console.log(`wrote ${written.join(', ')}`);
  vae.dispose();
}

function epochLine(log: EpochLog, epochs: number): string {
  const parts = [`epoch ${String(log.epoch).padStart(String(epochs).length)}/${epochs}`,
    `train loss ${log.loss.toFixed(2)} (rec ${log.reconstruction.toFixed(2)}, kl ${log.kl.toFixed(2)})`];
  if (log.valLoss !== undefined) parts.push(`test loss ${log.valLoss.toFixed(2)} (rec ${log.valReconstruction!.toFixed(2)}, kl ${log.valKl!.toFixed(2)})`);
  parts.push(`${log.seconds.toFixed(1)} s${log.aborted ? ' (stopped early)' : ''}`);
  return parts.join('  ');
}
