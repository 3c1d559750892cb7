// The page: reads the controls, talks to the training Worker, and draws what it sends back. The pictures are
// drawn with the library's own helpers (gridImageData), as any app embedding wasm-vae would.
import { gridImageData, type EpochLog, type VAEConfig } from 'wasm-vae';
import { configFor, describeModel, type Architecture } from './architectures.js';
import { LossChart } from './chart.js';
import { DrawingPad } from './drawing.js';
import type { FromWorker, Grid, ToWorker, Visuals } from './protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
const chart = new LossChart($('chart'));
const DIGIT_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#5a5a5a', '#bcbd22', '#17becf'];
let model: VAEConfig | null = null, training = false, epochs = 0;

type PageState = 'loading' | 'ready' | 'training' | 'idle';

function setState(state: PageState = document.body.dataset.state as PageState): void {
  document.body.dataset.state = state;
  training = state === 'training';
  $<HTMLButtonElement>('start').disabled = state === 'loading' || training;
  $<HTMLButtonElement>('stop').disabled = !training;
  $<HTMLButtonElement>('save').disabled = model === null;
  $<HTMLButtonElement>('interp-go').disabled = model === null;
}

function status(text: string): void {
  $('status').textContent = text;
}

function drawGrid(canvasId: string, grid: Grid): void {
  const image = gridImageData(grid.values, 28, 28, { columns: grid.columns });
  const canvas = $<HTMLCanvasElement>(canvasId);
  canvas.width = image.width; canvas.height = image.height;
  canvas.getContext('2d')!.putImageData(image, 0, 0);
}

function drawScatter(scatter: NonNullable<Visuals['scatter']>): void {
  const canvas = $<HTMLCanvasElement>('manifold'), size = 420;
  canvas.width = size; canvas.height = size;
  const c = canvas.getContext('2d')!;
  c.fillStyle = '#fff';
  c.fillRect(0, 0, size, size);
  // Each axis scaled to its own range, so the spread along the second component stays visible.
  const lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
  scatter.points.forEach((v, i) => { lo[i % 2] = Math.min(lo[i % 2], v); hi[i % 2] = Math.max(hi[i % 2], v); });
  const at = (v: number, axis: number) => 10 + ((v - lo[axis]) / (hi[axis] - lo[axis] || 1)) * (size - 20);
  for (let i = 0; i < scatter.labels.length; i++) {
    c.fillStyle = DIGIT_COLOURS[scatter.labels[i]];
    c.fillRect(at(scatter.points[2 * i], 0) - 2, size - at(scatter.points[2 * i + 1], 1) - 2, 4, 4);
  }
  $('manifold-caption').textContent = `1,000 test digits: ${scatter.axes}, coloured by digit (` +
    DIGIT_COLOURS.map((_, d) => d).join(' ') + ' from blue to cyan).';
}

function showVisuals(v: Visuals): void {
  drawGrid('reconstructions', v.pairs);
  drawGrid('samples', v.samples);
  if (v.manifold) {
    drawGrid('manifold', v.manifold);
    $('manifold-caption').textContent = 'Decoded latent codes on a grid at normal quantiles: z₁ grows to the right, z₂ upwards.';
  } else if (v.scatter) {
    drawScatter(v.scatter);
  }
}

function showSpeed(imagesPerSecond: number, msPerStep: number): void {
  $('speed').textContent = `${Math.round(imagesPerSecond).toLocaleString()} images/s`;
  $('step-time').textContent = `${msPerStep.toFixed(1)} ms per step`;
}

function showModel(config: VAEConfig, parameters: number, simd: boolean, threads: number): void {
  model = config;
  const conditional = config.conditionDim > 0;
  $('model-info').textContent = `model ${describeModel(config)}` +
    `${conditional ? ', conditional' : ''}, ${config.likelihood}, ${parameters.toLocaleString()} parameters`;
  $('build').textContent = `build: ${simd ? 'SIMD' : 'scalar'} WebAssembly, ${threads} thread${threads > 1 ? 's' : ''}`;
  $('manifold-class-label').hidden = !(conditional && config.latentDim === 2);
  $('draw-class-label').hidden = !conditional;
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'ready':
      $('build').textContent = `build: ${m.simd ? 'SIMD' : 'scalar'} WebAssembly`;
      status(`Ready: ${m.train.toLocaleString()} training and ${m.test.toLocaleString()} test digits loaded. Choose a model and press Start.`);
      setState('ready');
      break;
    case 'model':
      showModel(m.config, m.parameters, m.simd, m.threads);
      showVisuals(m.visuals);
      if (m.source === 'loaded') { status('Model loaded: its samples and latent space are shown below.'); setState('idle'); }
      else setState(); // a model now exists: save and interpolate become available
      break;
    case 'progress':
      status(`Training: epoch ${m.epoch}, batch ${m.batch} of ${m.batches}, loss ${m.loss.toFixed(2)}`);
      if (m.imagesPerSecond !== undefined && m.msPerStep !== undefined) showSpeed(m.imagesPerSecond, m.msPerStep);
      break;
    case 'epoch': {
      const log: EpochLog = m.log;
      if (log.aborted) break;
      epochs++;
      document.body.dataset.epochs = String(epochs);
      chart.add(log);
      showVisuals(m.visuals);
      showSpeed(m.imagesPerSecond, m.msPerStep);
      $('epoch-time').textContent = `${log.seconds.toFixed(1)} s per epoch`;
      status(`Epoch ${log.epoch}: train ${log.loss.toFixed(2)}, validation ${log.valLoss?.toFixed(2)} nats`);
      break;
    }
    case 'finished':
      showVisuals(m.visuals);
      status(`${m.stopped ? 'Stopped after' : 'Done:'} ${epochs} epoch${epochs === 1 ? '' : 's'}.`);
      setState('idle');
      break;
    case 'reconstruction':
      drawGrid('draw-reconstruction', { values: m.pixels, columns: 1 });
      break;
    case 'interpolation':
      drawGrid('interpolation', m.strip);
      break;
    case 'manifold':
      drawGrid('manifold', m.grid);
      break;
    case 'saved': {
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([m.bytes], { type: 'application/octet-stream' }));
      link.download = 'wasm-vae.safetensors';
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      break;
    }
    case 'error':
      status(`Error: ${m.message}`);
      setState(model ? 'idle' : 'ready');
      break;
  }
};

function readConfig(): { config: VAEConfig; beta: number; learningRate: number; epochs: number; examples: number } | null {
  const form = $<HTMLFormElement>('controls');
  if (!form.reportValidity()) return null;
  const hidden = $<HTMLInputElement>('hidden').value.trim();
  const config = configFor($<HTMLSelectElement>('architecture').value as Architecture, hidden === '' ? [] : hidden.split(',').map((s) => Number(s.trim())), {
    latentDim: Number($<HTMLInputElement>('latent').value),
    likelihood: $<HTMLSelectElement>('likelihood').value as VAEConfig['likelihood'],
    conditionDim: $<HTMLInputElement>('conditional').checked ? 10 : 0,
  });
  return {
    config, beta: Number($<HTMLInputElement>('beta').value), learningRate: Number($<HTMLInputElement>('lr').value),
    epochs: Number($<HTMLInputElement>('epochs').value), examples: Number($<HTMLSelectElement>('examples').value),
  };
}

$<HTMLFormElement>('controls').addEventListener('submit', (e) => {
  e.preventDefault();
  const request = readConfig();
  if (!request || training) return;
  epochs = 0;
  document.body.dataset.epochs = '0';
  chart.clear();
  setState('training');
  status('Starting…');
  send({ type: 'train', ...request });
});
/** The hidden widths belong to the MLP; the convolutional model's layers are fixed (./architectures.ts). */
function showArchitecture(): void {
  const conv = $<HTMLSelectElement>('architecture').value === 'conv';
  $('hidden-label').hidden = conv;
  $<HTMLInputElement>('hidden').disabled = conv;
  $('conv-info').hidden = !conv;
}
$('architecture').addEventListener('change', showArchitecture);
showArchitecture();
$('stop').addEventListener('click', () => { send({ type: 'stop' }); status('Stopping after this batch…'); });
$('save').addEventListener('click', () => send({ type: 'save' }));
$<HTMLInputElement>('load').addEventListener('change', async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  status(`Loading ${file.name}…`);
  send({ type: 'load', bytes }, [bytes.buffer]);
  (e.target as HTMLInputElement).value = '';
});

for (const id of ['manifold-class', 'draw-class']) {
  $<HTMLSelectElement>(id).append(...Array.from({ length: 10 }, (_, d) => new Option(String(d), String(d))));
}
$('manifold-class').addEventListener('change', () => send({ type: 'manifold', label: Number($<HTMLSelectElement>('manifold-class').value) }));

const pad = new DrawingPad($<HTMLCanvasElement>('draw'), (pixels) => {
  if (model) send({ type: 'reconstruct', pixels, label: Number($<HTMLSelectElement>('draw-class').value) });
});
$('clear').addEventListener('click', () => pad.clear());

$<HTMLFormElement>('interp-form').addEventListener('submit', (e) => {
  e.preventDefault();
  send({ type: 'interpolate', from: Number($<HTMLInputElement>('interp-from').value), to: Number($<HTMLInputElement>('interp-to').value),
    spherical: $<HTMLInputElement>('interp-spherical').checked });
});

setState('loading');
const build = new URLSearchParams(location.search).get('build') === 'scalar' ? 'scalar' : 'auto';
send({ type: 'init', dataUrl: new URL('./', document.baseURI).href, build });
