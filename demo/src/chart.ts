// The live loss chart (uPlot): per epoch, train and validation loss, and the reconstruction and KL terms.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { EpochLog } from 'wasm-vae';

const SERIES = [
  { label: 'train loss', stroke: '#0b57d0' },
  { label: 'validation loss', stroke: '#b3261e', dash: [6, 4] },
  { label: 'reconstruction', stroke: '#146c2e' },
  { label: 'KL', stroke: '#7a4b00' },
];

export class LossChart {
  #plot: uPlot;
  #data: number[][] = [[], [], [], [], []];

  constructor(readonly element: HTMLElement) {
    this.#plot = new uPlot({
      width: this.#width(), height: 240,
      scales: { x: { time: false } },
      axes: [{ label: 'epoch', incrs: [1, 2, 5, 10, 20, 50] }, { label: 'nats' }],
      series: [{ label: 'epoch' }, ...SERIES.map((s) => ({ ...s, width: 2, points: { show: true } }))],
    }, this.#data as uPlot.AlignedData, element);
    new ResizeObserver(() => this.#plot.setSize({ width: this.#width(), height: 240 })).observe(element);
  }

  #width(): number {
    return Math.max(260, this.element.clientWidth);
  }

  clear(): void {
    this.#data = [[], [], [], [], []];
    this.#plot.setData(this.#data as uPlot.AlignedData);
    this.element.dataset.points = '0';
  }

  add(log: EpochLog): void {
    const values = [log.epoch, log.loss, log.valLoss ?? NaN, log.reconstruction, log.kl];
    values.forEach((v, i) => this.#data[i].push(v));
    this.#plot.setData(this.#data as uPlot.AlignedData);
    this.element.dataset.points = String(this.#data[0].length);
  }
}
