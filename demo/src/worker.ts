// The training Worker: holds the data and the model, trains with fit() (so the page stays responsive), and
// answers the page's requests for pictures. Stop aborts fit at the next batch boundary through its AbortSignal.
import { oneHot, VAE, type VAEConfig } from 'wasm-vae';
import { loadMnist, type Mnist } from './data.js';
import type { FromWorker, Grid, ToWorker, TrainRequest, Visuals } from './protocol.js';

const D = 784, BATCH = 128, CLASSES = 10, PAIRS = 8, SAMPLE_COLUMNS = 8, MANIFOLD = 12, SCATTER = 1000, VALIDATION = 1000;
let train: Mnist, test: Mnist, vae: VAE | null = null, stop: AbortController | null = null, manifoldLabel = 0;
let training: Promise<void> | null = null, build: 'auto' | 'scalar' = 'auto';

const post = (message: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

/** Fixed standard normals from the model's seed (mulberry32 + Box–Muller): the same model shows the same samples. */
function fixedNormals(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

const conditional = (m: VAE) => m.config.conditionDim > 0;
const labelsOf = (from: number, n: number) => test.labels.subarray(from, from + n);
const conditionsFor = (m: VAE, labels: ArrayLike<number>) => (conditional(m) ? oneHot(labels, CLASSES) : undefined);

function visuals(m: VAE): Visuals {
  const L = m.config.latentDim;
  const inputs = test.images.subarray(0, PAIRS * D);
  const recon = m.reconstruct(inputs, { conditions: conditionsFor(m, labelsOf(0, PAIRS)) });
  const pairs = new Float32Array(2 * PAIRS * D);
  pairs.set(inputs); pairs.set(recon, PAIRS * D);
  const rows = conditional(m) ? CLASSES : 4, n = rows * SAMPLE_COLUMNS;
  const sampleLabels = Array.from({ length: n }, (_, i) => Math.floor(i / SAMPLE_COLUMNS));
  const samples = m.decode(fixedNormals(n * L, m.config.seed + 1), { conditions: conditionsFor(m, sampleLabels) });
  const v: Visuals = { pairs: { values: pairs, columns: PAIRS }, samples: { values: samples, columns: SAMPLE_COLUMNS } };
  if (L === 2) v.manifold = manifold(m);
  else v.scatter = scatter(m);
  return v;
}

function manifold(m: VAE): Grid {
  return { values: m.latentGrid(MANIFOLD, { conditions: conditionsFor(m, [manifoldLabel]) }), columns: MANIFOLD };
}

/** The test means in 2-D: their first two principal components (power iteration on the L × L covariance). */
function scatter(m: VAE): Visuals['scatter'] {
  const L = m.config.latentDim;
  const { mean } = m.encode(test.images.subarray(0, SCATTER * D), { conditions: conditionsFor(m, labelsOf(0, SCATTER)) });
  const centre = new Float64Array(L);
  for (let i = 0; i < SCATTER; i++) for (let j = 0; j < L; j++) centre[j] += mean[i * L + j] / SCATTER;
  const cov = new Float64Array(L * L);
  for (let i = 0; i < SCATTER; i++) {
    for (let j = 0; j < L; j++) for (let k = 0; k < L; k++) cov[j * L + k] += (mean[i * L + j] - centre[j]) * (mean[i * L + k] - centre[k]);
  }
  const components: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let v = Float64Array.from({ length: L }, (_, j) => 1 + j * 0.01);
    for (let it = 0; it < 100; it++) {
      const w = new Float64Array(L);
      for (let j = 0; j < L; j++) for (let k = 0; k < L; k++) w[j] += cov[j * L + k] * v[k];
      for (const u of components) { const d = w.reduce((s, x, j) => s + x * u[j], 0); for (let j = 0; j < L; j++) w[j] -= d * u[j]; }
      const norm = Math.hypot(...w) || 1;
      v = w.map((x) => x / norm);
    }
    components.push(v);
  }
  const points = new Float32Array(2 * SCATTER);
  for (let i = 0; i < SCATTER; i++) {
    for (let c = 0; c < 2; c++) points[2 * i + c] = components[c].reduce((s, u, j) => s + u * (mean[i * L + j] - centre[j]), 0);
  }
  return { points, labels: labelsOf(0, SCATTER).slice(), axes: 'first two principal components of the test means' };
}

/**
 * Every core where the page is cross-origin isolated (the demo's servers send COOP/COEP), else one thread: the
 * library's 'auto'. The scalar build runs one thread.
 */
function engineOptions(): { wasm: 'auto' | 'scalar'; threads: 'auto' | 1 } {
  return { wasm: build, threads: build === 'scalar' ? 1 : 'auto' };
}

function announce(m: VAE, source: 'trained' | 'loaded'): void {
  post({ type: 'model', config: m.config as VAEConfig, parameters: m.parameterCount, simd: m.simd, threads: m.threads, visuals: visuals(m), source });
}

async function runTraining(request: TrainRequest): Promise<void> {
  vae?.dispose();
  const examples = Math.min(request.examples, train.count);
  const conditions = request.config.conditionDim ? oneHot(train.labels.subarray(0, examples), CLASSES) : undefined;
  vae = await VAE.create(request.config, engineOptions());
  const model = vae;
  announce(model, 'trained');
  stop = new AbortController();
  // The running speed is timed from the end of each epoch's first step, so it leaves out that step's warm-up.
  let firstStepEnd = performance.now(), seen = 0;
  const logs = await model.fit(train.images.subarray(0, examples * D), {
    epochs: request.epochs, batchSize: BATCH, learningRate: request.learningRate, beta: request.beta, signal: stop.signal, conditions,
    validationData: test.images.subarray(0, VALIDATION * D), validationConditions: conditionsFor(model, labelsOf(0, VALIDATION)),
    onBatchEnd: (log) => {
      if (log.batch === 1) { firstStepEnd = performance.now(); seen = 0; }
      else seen += Math.min(BATCH, examples - (log.batch - 1) * BATCH);
      if (log.batch % 10 === 0 || log.batch === log.batches) {
        const ms = performance.now() - firstStepEnd, steps = log.batch - 1;
        post({ type: 'progress', epoch: log.epoch, batch: log.batch, batches: log.batches, loss: log.loss,
          ...(steps > 0 ? { imagesPerSecond: seen / (ms / 1000), msPerStep: ms / steps } : {}) });
      }
    },
    onEpochEnd: (log) => post({ type: 'epoch', log, imagesPerSecond: log.examples / log.seconds,
      msPerStep: (1000 * log.seconds) / Math.max(1, Math.ceil(log.examples / BATCH)), visuals: visuals(model) }),
  });
  post({ type: 'finished', stopped: logs.some((l) => l.aborted) || stop.signal.aborted, visuals: visuals(model) });
  stop = null;
}

/** Aborts a running fit and waits until it has returned (at its next batch boundary). */
async function stopTraining(): Promise<void> {
  stop?.abort();
  await training?.catch(() => undefined);
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      build = message.build;
      [train, test] = await Promise.all([loadMnist(message.dataUrl, 'train'), loadMnist(message.dataUrl, 'test')]);
      const probe = await VAE.create({ inputDim: 1, hiddenDims: [], latentDim: 1 }, { wasm: build });
      post({ type: 'ready', simd: probe.simd, train: train.count, test: test.count });
      probe.dispose();
      return;
    }
    case 'train': {
      await stopTraining();
      training = runTraining(message).finally(() => { training = null; });
      return training;
    }
    case 'stop': stop?.abort(); return;
    case 'reconstruct': {
      if (!vae) return;
      const conditions = conditionsFor(vae, [message.label]);
      post({ type: 'reconstruction', pixels: vae.reconstruct(message.pixels, { conditions }) });
      return;
    }
    case 'interpolate': {
      if (!vae) return;
      const at = (i: number) => test.images.subarray(i * D, (i + 1) * D);
      const strip = vae.interpolate(at(message.from), at(message.to), 10, {
        spherical: message.spherical, space: 'input', conditions: conditionsFor(vae, [test.labels[message.from]]),
      });
      post({ type: 'interpolation', strip: { values: strip, columns: 10 } });
      return;
    }
    case 'manifold': {
      manifoldLabel = message.label;
      if (vae && vae.config.latentDim === 2) post({ type: 'manifold', grid: manifold(vae) });
      return;
    }
    case 'save': {
      if (!vae) return;
      const bytes = vae.save();
      post({ type: 'saved', bytes }, [bytes.buffer]);
      return;
    }
    case 'load': {
      const loaded = await VAE.load(message.bytes, engineOptions());
      if (loaded.config.inputDim !== D) { loaded.dispose(); throw new Error(`this page shows 28×28 digits; the model takes ${loaded.config.inputDim} values`); }
      if (loaded.config.conditionDim !== 0 && loaded.config.conditionDim !== CLASSES) {
        loaded.dispose();
        throw new Error(`this page conditions on the 10 digit classes; the model has conditionDim ${loaded.config.conditionDim}`);
      }
      await stopTraining();
      vae?.dispose();
      vae = loaded;
      announce(loaded, 'loaded');
    }
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch((error: unknown) => post({ type: 'error', message: (error as Error).message ?? String(error) }));
};
