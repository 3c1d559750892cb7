// The loss curve of a run as a standalone SVG: training and validation loss per epoch, with axes, ticks and a
// legend. Written by hand rather than drawn by a charting library: for one line plot, Vega-Lite bundled into the
// CLI cost about 1 MB of dist/cli.js and a minute of build time; this costs a few kilobytes.
import type { EpochLog } from '../types.js';

const WIDTH = 560, HEIGHT = 340;
const PLOT = { left: 64, right: 24, top: 40, bottom: 48 };
const SERIES = [
  // The negative ELBO of both (β = 1), whatever β trained: the same quantity, so the curves compare.
  { name: 'train', color: '#4c78a8', value: (log: EpochLog) => log.reconstruction + log.kl },
  { name: 'validation', color: '#f58518', value: (log: EpochLog) => log.valLoss },
];

export function lossCurveSvg(history: EpochLog[]): string {
  const series = SERIES.map((s) => ({ ...s, points: history.flatMap((log) => {
    const y = s.value(log);
    return y !== undefined && Number.isFinite(y) ? [[log.epoch, y] as const] : [];
  }) })).filter((s) => s.points.length > 0);
  const xs = history.map((log) => log.epoch), ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const xTicks = niceTicks(Math.min(...xs), Math.max(...xs), 8, true);
  const yTicks = niceTicks(Math.min(...ys), Math.max(...ys), 6, false);
  const x = scale(xTicks[0], xTicks[xTicks.length - 1], PLOT.left, WIDTH - PLOT.right);
  const y = scale(yTicks[0], yTicks[yTicks.length - 1], HEIGHT - PLOT.bottom, PLOT.top);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
      'font-family="sans-serif" font-size="11">',
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="13" font-weight="bold">negative ELBO (nats per example)</text>`,
    ...yTicks.map((t) => `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>` +
      `<text x="${PLOT.left - 6}" y="${y(t) + 4}" text-anchor="end">${label(t)}</text>`),
    ...xTicks.map((t) => `<text x="${x(t)}" y="${HEIGHT - PLOT.bottom + 16}" text-anchor="middle">${label(t)}</text>`),
    `<path d="M${PLOT.left},${PLOT.top}V${HEIGHT - PLOT.bottom}H${WIDTH - PLOT.right}" fill="none" stroke="#888"/>`,
    `<text x="${(PLOT.left + WIDTH - PLOT.right) / 2}" y="${HEIGHT - 10}" text-anchor="middle">epoch</text>`,
    `<text transform="translate(16 ${(PLOT.top + HEIGHT - PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle">loss</text>`,
  ];
  series.forEach((s, i) => {
    const d = s.points.map(([ex, ey], j) => `${j === 0 ? 'M' : 'L'}${x(ex)},${y(ey)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`,
      ...s.points.map(([ex, ey]) => `<circle cx="${x(ex)}" cy="${y(ey)}" r="3" fill="${s.color}"/>`),
      `<path d="M${WIDTH - PLOT.right - 110},${PLOT.top + 8 + 16 * i}h18" stroke="${s.color}" stroke-width="2"/>` +
      `<text x="${WIDTH - PLOT.right - 86}" y="${PLOT.top + 12 + 16 * i}">${s.name}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** Maps [from, to] onto [a, b], rounded to 0.1 px to keep the file small. */
function scale(from: number, to: number, a: number, b: number): (v: number) => number {
  const span = to - from || 1;
  return (v) => Math.round((a + ((v - from) / span) * (b - a)) * 10) / 10;
}

/** Ticks at 1, 2 or 5 × 10^k that cover [min, max] in about `count` steps (whole numbers when `integer`). */
export function niceTicks(min: number, max: number, count: number, integer: boolean): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) { min -= integer ? 1 : Math.abs(min) * 0.05 || 1; max += integer ? 1 : Math.abs(max) * 0.05 || 1; }
  const raw = (max - min) / count, power = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  if (integer) step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  for (let t = Math.floor(min / step) * step; t < max + step * 0.5; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

function label(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
