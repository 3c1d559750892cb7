// `wasm-vae score`: a model trained by `wasm-vae train` on a CSV scores a second CSV row by row. The flags follow
// the threshold (a quantile of the scored rows, of a reference file, or given); the columns agree with the library's
// scores and reconstructionError on the same rows; rows far off the training data are flagged; bad flags get one line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { threshold } from '../../src/anomaly/index.js';
import { readCsv } from '../../src/data/index.js';
import { readMetadata, VAE } from '../../src/index.js';
import { cli } from './cli-in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-score-'));
const path = (name: string) => join(dir, name);

/** Rows of three correlated sensors on scales 1000, 1 and 0.01, and a categorical site; `odd` rows break the pattern. */
function table(n: number, seed: number, odd: number[] = []): string {
  const lines = ['id,site,pressure,power,flow'];
  for (let i = 0; i < n; i++) {
    const t = Math.sin(i * 0.37 + seed) + 0.05 * Math.cos(i * 2.9 + seed);
    let pressure = 1000 + 50 * t, power = t * t, flow = 0.01 * (1 - t);
    if (odd.includes(i)) { pressure = 1000 - 50 * t; flow = 0.05; }
    lines.push(`${i},${['north', 'south'][i % 2]},${pressure.toFixed(3)},${power.toFixed(4)},${flow.toFixed(6)}`);
  }
  return `${lines.join('\n')}\n`;
}
const ODD = [7, 23, 41];

const readScores = (file: string) => readFileSync(file, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').map(Number));

beforeAll(async () => {
  writeFileSync(path('train.csv'), table(400, 0));
  writeFileSync(path('new.csv'), table(60, 5, ODD));
  const r = await cli('train', '--data', path('train.csv'), '--ignore', 'id', '--epochs', '20', '--hidden', '16', '--latent', '2',
    '--batch-size', '32', '--threads', '1', '--out', path('out'));
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
});

describe('wasm-vae score', () => {
  it('writes a score, a reconstruction error and a flag per row; --contamination flags that share of the rows', async () => {
    const r = await cli('score', '--model', path('out/model.safetensors'), '--data', path('new.csv'), '--contamination', '0.05', '--out', path('scores.csv'));
    expect(r.err).toBe('');
    console.log(r.out.trim());
    const rows = readScores(path('scores.csv'));
    expect(rows).toHaveLength(60);
    expect(rows.map((row) => row[0])).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // The library on the same rows (read with the model's columns, scaled by its statistics) gives the same columns.
    const bytes = new Uint8Array(readFileSync(path('out/model.safetensors')));
    const vae = await VAE.load(bytes);
    const { rows: x } = readCsv(readFileSync(path('new.csv')), { columns: JSON.parse(readMetadata(bytes).columns), ignore: ['id'] });
    const scores = vae.scores(x), errors = vae.reconstructionError(x);
    vae.dispose();
    rows.forEach((row, i) => {
      expect(row[1]).toBe(scores[i]);
      expect(row[2]).toBe(errors[i]);
    });
    const cut = threshold(scores, { contamination: 0.05 });
    expect(rows.map((row) => row[3])).toEqual(Array.from(scores, (s) => (s > cut ? 1 : 0)));
    expect(rows.filter((row) => row[3] === 1)).toHaveLength(3); // ⌈59 · 0.05⌉ of 60 distinct scores lie above the quantile
    expect(r.out).toMatch(/^60 rows scored by -log p\(x\); threshold \S+ \(contamination 0\.05 of these rows\); 3 flagged; wrote /);
    // The rows that break the sensors' pattern are the ones flagged.
    expect(rows.filter((row) => row[3] === 1).map((row) => row[0] - 1).sort((a, b) => a - b)).toEqual(ODD);
  });

  it('--threshold flags rows above it; --reference with --false-positive-rate takes the quantile of the reference rows', async () => {
    await cli('score', '--model', path('out/model.safetensors'), '--data', path('new.csv'), '--contamination', '0.05', '--out', path('base.csv'));
    const base = readScores(path('base.csv')), median = [...base.map((row) => row[1])].sort((a, b) => a - b)[30];
    const given = await cli('score', '--model', path('out/model.safetensors'), '--data', path('new.csv'), '--threshold', String(median), '--out', path('given.csv'));
    expect(given.err).toBe('');
    expect(readScores(path('given.csv')).map((row) => row[3])).toEqual(base.map((row) => (row[1] > median ? 1 : 0)));
    const ref = await cli('score', '--model', path('out/model.safetensors'), '--data', path('new.csv'), '--reference', path('train.csv'),
      '--false-positive-rate', '0.01', '--by', 'reconstruction', '--out', path('ref.csv'));
    expect(ref.err).toBe('');
    expect(ref.out).toMatch(/scored by reconstruction error; threshold \S+ \(false-positive rate 0\.01 of 400 reference rows\)/);
    const flagged = readScores(path('ref.csv')).filter((row) => row[3] === 1).map((row) => row[0] - 1);
    for (const i of ODD) expect(flagged).toContain(i);
  });

  it('refuses conflicting or missing flags in one line', async () => {
    const model = ['--model', path('out/model.safetensors')];
    expect((await cli('score', ...model)).err).toMatch(/--data FILE is required/);
    expect((await cli('score', ...model, '--data', path('new.csv'), '--contamination', '0.1', '--threshold', '3')).err).toMatch(/--contamination and --threshold conflict/);
    expect((await cli('score', ...model, '--data', path('new.csv'), '--false-positive-rate', '0.1')).err).toMatch(/--false-positive-rate needs --reference/);
    expect((await cli('score', ...model, '--data', path('new.csv'), '--by', 'kl')).err).toMatch(/--by takes score or reconstruction; received "kl"/);
    expect((await cli('score', ...model, '--data', path('new.csv'))).err).toBe('wasm-vae: --contamination 0.01 needs at least 100 reference rows; --data has 60: give a larger rate, more rows (--reference FILE), or --threshold T');
    expect((await cli('score', ...model, '--data', path('new.csv'), '--contamination', '2')).err).toMatch(/--contamination must be a number in \[0, 1\]; received "2"/);
  });
});
