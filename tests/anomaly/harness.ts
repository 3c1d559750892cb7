// The tabular anomaly benchmark's measuring side: metrics of a model's scores on the fixture's test split, and the
// scikit-learn peers (bench/peers/sklearn_anomaly.py) run in a child process on the same split, written as CSV.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { precisionRecall, rocAuc, threshold } from '../../src/anomaly/index.js';
import { ANOMALY_KINDS, tabularCsv, type TabularData } from '../fixtures/tabular-anomalies.js';

/** Debian's python3, which has scikit-learn from apt; the peer is skipped without it. */
export const PYTHON = '/usr/bin/python3';
/** Whether the peers can run here: Debian's python3 with numpy and scikit-learn. */
export const sklearnAvailable = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy, sklearn'], { encoding: 'utf8' }).status === 0;
const PEER = fileURLToPath(new URL('../../bench/peers/sklearn_anomaly.py', import.meta.url));

export interface Figures {
  auc: number;
  threshold: number;
  precision: number;
  recall: number;
  /** AUC of each kind of anomaly against the normal rows. */
  aucByKind: Record<string, number>;
}

/** AUC on the test split; precision and recall at the threshold the training scores give for the contamination. */
export function figures(data: TabularData, trainScores: ArrayLike<number>, testScores: ArrayLike<number>, contamination = 0.01): Figures {
  const t = threshold(trainScores, { contamination });
  const { precision, recall } = precisionRecall(testScores, data.test.labels, t);
  const aucByKind: Record<string, number> = {};
  for (const kind of ANOMALY_KINDS) {
    const rows = data.test.kinds.flatMap((k, i) => (k === kind || k === null ? [i] : []));
    aucByKind[kind] = rocAuc(rows.map((i) => testScores[i]), rows.map((i) => data.test.labels[i]));
  }
  return { auc: rocAuc(testScores, data.test.labels), threshold: t, precision, recall, aucByKind };
}

/**
 * A plain reconstruction error per row, for comparison with scores: Σⱼ ((x − x̂)/sⱼ)², sⱼ each column's standard
 * deviation over the training split, so that no column dominates by its units.
 */
export function reconstructionErrors(data: TabularData, x: Float32Array, reconstruction: Float32Array): Float64Array {
  const D = data.dim, train = data.train.x, n = train.length / D;
  const mean = new Float64Array(D), variance = new Float64Array(D);
  for (let k = 0; k < train.length; k++) mean[k % D] += train[k] / n;
  for (let k = 0; k < train.length; k++) variance[k % D] += (train[k] - mean[k % D]) ** 2 / n;
  const errors = new Float64Array(x.length / D);
  for (let k = 0; k < x.length; k++) errors[Math.floor(k / D)] += (x[k] - reconstruction[k]) ** 2 / variance[k % D];
  return errors;
}

export interface PeerFigures {
  sklearn: string;
  pca: { byComponents: Record<string, { auc: number, precision: number, recall: number }>, k95: number, best: string, bestAuc: number };
  isolationForest: { auc: number, precision: number, recall: number };
}

/** The peers' figures on `data`, or the reason they were skipped (no python3, or no scikit-learn in it). */
export function runPeer(data: TabularData, contamination = 0.01): PeerFigures | { skipped: string } {
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} not found` };
  const csv = join(mkdtempSync(join(tmpdir(), 'wasm-vae-anomaly-')), 'tabular.csv');
  writeFileSync(csv, tabularCsv(data));
  const run = spawnSync(PYTHON, [PEER, csv, '--contamination', String(contamination)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${PEER} failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

export const fmt = (v: number) => v.toFixed(4);
