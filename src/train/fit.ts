// fit: epochs of shuffled batches, the run's position (what a resumed fit continues from), the schedules
// (KL warm-up, free bits), early stopping with restore-best, the divergence guard's bookkeeping, logs and abort.
// It drives the model's wasm side (src/wasm/model.ts) directly.
import { DEFAULT_BATCH } from '../checks/options.js';
import { copyPosition, epochStartBytes, toHex, type FitPosition, type RunSettings } from './state.js';
import { describe, VAEError } from '../errors.js';
import { yieldToEventLoop } from './platform.js';
import type { BatchLog, EpochLog } from '../types.js';
import type { WasmModel } from '../wasm/model.js';

export interface FitSettings extends RunSettings {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  learningRate: number;
  resume: boolean;
  maxConsecutiveSkips: number;
  conditions?: Float32Array;
  validationData?: Float32Array;
  validationConditions?: Float32Array;
  signal?: AbortSignal;
  onBatchEnd?: (log: BatchLog) => void;
  onEpochEnd?: (log: EpochLog) => void;
}

/** KL warm-up (Bowman et al. 2016; Sønderby et al. 2016): β_s = β·min(1, s/N) at the run's step s; N = 0 is off. */
export function warmupBeta(beta: number, warmupSteps: number, step: number): number {
  return warmupSteps === 0 ? beta : beta * Math.min(1, step / warmupSteps);
}

const emptyTotals = (): FitPosition['totals'] => ({ examples: 0, loss: 0, reconstruction: 0, kl: 0, skipped: 0 });

function runSettings(s: FitSettings): RunSettings {
  return { beta: s.beta, klWarmup: s.klWarmup, freeBits: s.freeBits, earlyStopping: s.earlyStopping };
}

/** The position fit starts from: the model's own when resuming the same run, else a new run's. */
function startingPosition(method: string, model: WasmModel, n: number, s: FitSettings): FitPosition {
  const p = model.position;
  if (s.resume && p === null) {
    throw new VAEError('INVALID_ARGUMENT', `${method}: options.resume must be given to a model with a run to continue (a fit ` +
      'in this process, or a file saved with includeOptimizer after a fit); this model has none');
  }
  if (!s.resume || p === null) {
    model.bestWeights = null;
    return { epoch: 0, batch: 0, examples: n, batchSize: s.batchSize, shuffle: s.shuffle,
      epochStart: toHex(model.shuffleGenerator()), totals: emptyTotals(), consecutiveSkips: 0, step: 0,
      settings: runSettings(s), early: { best: null, bestEpoch: 0, sinceBest: 0, stopped: false } };
  }
  const mismatch = (what: string, saved: unknown, given: unknown) => new VAEError('INVALID_ARGUMENT',
    `${method}: options.resume continues a run of ${what} ${describe(saved)}; received ${describe(given)}`);
  if (p.examples !== n) throw mismatch('data rows', p.examples, n);
  if (p.batchSize !== s.batchSize) throw mismatch('options.batchSize', p.batchSize, s.batchSize);
  if (p.shuffle !== s.shuffle) throw mismatch('options.shuffle', p.shuffle, s.shuffle);
  const saved = JSON.stringify(p.settings), given = JSON.stringify(runSettings(s));
  if (saved !== given) throw mismatch('settings', saved, given);
  return copyPosition(p);
}

export async function runFit(method: string, model: WasmModel, data: Float32Array, s: FitSettings): Promise<EpochLog[]> {
  const D = model.config.inputDim, C = model.config.conditionDim, n = data.length / D;
  const position = startingPosition(method, model, n, s);
  model.position = position;
  const batches = Math.ceil(n / s.batchSize);
  const order = new Uint32Array(n);
  const logs: EpochLog[] = [];
  while (position.epoch < s.epochs && !position.early.stopped && !s.signal?.aborted) {
    model.checkAlive(method); // onEpochEnd may have disposed the model
    const epoch = position.epoch + 1;
    // The permutation of this epoch: drawn fresh at a boundary, or redrawn from the snapshot when resuming inside it.
    if (position.batch === 0) position.epochStart = toHex(model.shuffleGenerator());
    else model.setShuffleGenerator(epochStartBytes(position));
    for (let i = 0; i < n; i++) order[i] = i;
    if (s.shuffle) model.shuffle(order);

    const start = performance.now();
    let aborted = false, beta = warmupBeta(s.beta, s.klWarmup, position.step);
    const totals = position.totals;
    for (let b = position.batch; b < batches; b++) {
      if (s.signal?.aborted) { aborted = true; break; }
      const rows = Math.min(s.batchSize, n - b * s.batchSize);
      const input = model.inputRows(rows), conditionInput = C > 0 ? model.conditionRows(rows) : null;
      for (let r = 0; r < rows; r++) {
        const src = order[b * s.batchSize + r];
        input.set(data.subarray(src * D, (src + 1) * D), r * D);
        if (conditionInput) conditionInput.set(s.conditions!.subarray(src * C, (src + 1) * C), r * C);
      }
      beta = warmupBeta(s.beta, s.klWarmup, position.step);
      // On a pool this thread may not block on, the step is awaited; otherwise it runs here and now.
      const step = await (model.awaitsSteps ? model.stepAsync(method, rows, s.learningRate, beta, s.freeBits)
        : model.step(method, rows, s.learningRate, beta, s.freeBits));
      position.step++;
      if (step.skipped) {
        totals.skipped++;
        position.consecutiveSkips++;
      } else {
        // The objective the gradient is of: with free bits the KL term is Σⱼ max(λ, KLⱼ) (step.loss has the plain KL).
        totals.examples += rows; totals.loss += (step.reconstruction + beta * model.klObjective) * rows;
        totals.reconstruction += step.reconstruction * rows; totals.kl += step.kl * rows;
        position.consecutiveSkips = 0;
      }
      position.batch = b + 1;
      s.onBatchEnd?.({ epoch, batch: b + 1, batches, beta, ...step });
      if (position.consecutiveSkips >= s.maxConsecutiveSkips) {
        throw new VAEError('DIVERGED', `${method}: expected finite losses and gradients; the last ${position.consecutiveSkips} ` +
          `steps were not (epoch ${epoch}, batch ${b + 1}), so they were skipped and the model kept its last good weights. ` +
          'Lower options.learningRate, or check the data');
      }
      await yieldToEventLoop();
      model.checkAlive(method);
    }
    if (aborted && totals.examples + totals.skipped === 0) break;
    // Means over the applied steps; with none there is no loss to report (NaN, null in JSON), and the log says why.
    const mean = (sum: number) => (totals.examples > 0 ? sum / totals.examples : NaN);
    const log: EpochLog = {
      epoch, loss: mean(totals.loss), reconstruction: mean(totals.reconstruction), kl: mean(totals.kl),
      seconds: (performance.now() - start) / 1000, examples: totals.examples, skipped: totals.skipped, beta,
      negativeElbo: mean(totals.reconstruction) + mean(totals.kl),
    };
    if (totals.examples === 0) log.allSkipped = true;
    if (aborted) {
      log.aborted = true;
    } else {
      // The boundary is reached before onEpochEnd runs, so a checkpoint saved there resumes with the next epoch.
      position.epoch = epoch;
      position.batch = 0;
      position.totals = emptyTotals();
      if (s.validationData) {
        const val = model.evaluate(method, s.validationData, s.validationConditions, DEFAULT_BATCH);
        log.valLoss = val.loss; log.valReconstruction = val.reconstruction; log.valKl = val.kl;
        log.valObjective = val.reconstruction + beta * (s.freeBits > 0 ? freeBitsKl(method, model, s) : val.kl);
        if (s.earlyStopping) earlyStoppingStep(model, position, s, log);
      }
    }
    logs.push(log);
    s.onEpochEnd?.(log);
    if (aborted) break;
  }
  return logs;
}

/**
 * The validation data's KL term under free bits (Kingma et al. 2016), Σⱼ max(λ, KLⱼ), KLⱼ the mean over the whole
 * set of KL(q(zⱼ|x) ‖ N(0, 1)) = −½(1 + log σ² − μ² − σ²), from the posterior that evaluate's KL is of.
 */
function freeBitsKl(method: string, model: WasmModel, s: FitSettings): number {
  const { mean, logVar } = model.encode(method, s.validationData!, s.validationConditions, false), L = model.config.latentDim;
  const kl = new Float64Array(L);
  mean.forEach((m, i) => { kl[i % L] -= 0.5 * (1 + logVar[i] - m * m - Math.exp(logVar[i])); });
  return kl.reduce((sum, k) => sum + Math.max(s.freeBits, k / (mean.length / L)), 0);
}

/** After an epoch's validation: keep the best (and its weights), count epochs since, stop after `patience`. */
function earlyStoppingStep(model: WasmModel, position: FitPosition, s: FitSettings, log: EpochLog): void {
  const { patience, minDelta, restoreBest } = s.earlyStopping!, early = position.early, loss = log.valLoss!;
  if (early.best === null || loss < early.best - minDelta) {
    early.best = loss; early.bestEpoch = log.epoch; early.sinceBest = 0;
    if (restoreBest) model.bestWeights = model.weights();
  } else {
    early.sinceBest++;
  }
  log.bestEpoch = early.bestEpoch;
  if (early.sinceBest >= patience) {
    early.stopped = true;
    log.stoppedEarly = true;
    if (restoreBest && model.bestWeights) {
      model.setWeights(model.bestWeights);
      log.restoredEpoch = early.bestEpoch;
    }
  }
}
