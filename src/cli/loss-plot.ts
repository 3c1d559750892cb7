// The loss curve of a run as SVG: training and validation loss per epoch, drawn by Vega-Lite (rendered headless
// by Vega's own SVG renderer, so no browser or canvas is needed).
import { compile } from 'vega-lite';
import { parse, View } from 'vega';
import type { EpochLog } from '../types.js';

export async function lossCurveSvg(history: EpochLog[]): Promise<string> {
  const values = history.flatMap((log) => [
    { epoch: log.epoch, loss: log.loss, series: 'train' },
    ...(log.valLoss === undefined ? [] : [{ epoch: log.epoch, loss: log.valLoss, series: 'validation' }]),
  ]);
  const spec = compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'negative ELBO (nats per example)',
    width: 480, height: 280,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
      y: { field: 'loss', type: 'quantitative', scale: { zero: false }, title: 'loss' },
      color: { field: 'series', type: 'nominal', title: null },
    },
  }).spec;
  const view = new View(parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
