// wasm-vae/anomaly: threshold, rocAuc and precisionRecall against naive references (an O(n²) pair count for the
// AUC, a direct count for precision and recall, numpy's quantile and scikit-learn's roc_auc_score when Debian's
// python3 has them), and their typed errors.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { precisionRecall, rocAuc, threshold } from '../../src/anomaly/index.js';
import { expectVAEError } from '../helpers/errors.js';
import { mulberry32 as uniform } from '../helpers/random.js';
import { PYTHON, sklearnAvailable } from './harness.js';


/** Scores on a coarse grid (many ties) and labels, anomalies scoring a little higher on average. */
function randomCase(seed: number, n: number, levels = 20): { scores: number[], labels: number[] } {
  const u = uniform(seed);
  const labels = Array.from({ length: n }, () => (u() < 0.2 ? 1 : 0));
  labels[0] = 1; labels[1] = 0;
  const scores = labels.map((y) => Math.floor((u() + 0.3 * y) * levels) / levels);
  return { scores, labels };
}

/** P(score of an anomaly > score of a normal row) + ½ P(equal), over every pair: the definition, in float64. */
function naiveAuc(scores: number[], labels: number[]): number {
  let sum = 0, pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      sum += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      pairs++;
    }
  }
  return sum / pairs;
}

const sklearn = sklearnAvailable;

describe('rocAuc', () => {
  it('equals the O(n²) pair count, ties at one half, on random cases', () => {
    let maxDiff = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const { scores, labels } = randomCase(seed, 50 + seed * 17, seed % 2 ? 5 : 1000);
      maxDiff = Math.max(maxDiff, Math.abs(rocAuc(scores, labels) - naiveAuc(scores, labels)));
    }
    console.log(`rocAuc vs the pair count: max |difference| ${maxDiff.toExponential(2)} over 20 cases`);
    expect(maxDiff).toBeLessThan(1e-12);
  });

  it('gives 1 for a perfect ranking, 0 for the reverse, ½ when every score ties; takes booleans and typed arrays', () => {
    expect(rocAuc([0.1, 0.2, 0.9, 0.8], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc(new Float64Array([0.9, 0.8, 0.1, 0.2]), new Uint8Array([0, 0, 1, 1]))).toBe(0);
    expect(rocAuc([3, 3, 3, 3], [true, false, false, true])).toBe(0.5);
    expect(rocAuc([-Infinity, 0, Infinity, Infinity], [0, 0, 1, 0])).toBeCloseTo(naiveAuc([-Infinity, 0, Infinity, Infinity], [0, 0, 1, 0]), 15);
  });

  it.skipIf(!sklearn)('agrees with scikit-learn\'s roc_auc_score', () => {
    const cases = Array.from({ length: 5 }, (_, k) => randomCase(100 + k, 2000, k % 2 ? 7 : 100_000));
    const py = spawnSync(PYTHON, ['-c', 'import json, sys\nfrom sklearn.metrics import roc_auc_score\n' +
      'print(json.dumps([roc_auc_score(c["labels"], c["scores"]) for c in json.load(sys.stdin)]))'], { input: JSON.stringify(cases), encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const theirs: number[] = JSON.parse(py.stdout);
    const diffs = cases.map((c, k) => Math.abs(rocAuc(c.scores, c.labels) - theirs[k]));
    console.log(`rocAuc vs sklearn roc_auc_score: max |difference| ${Math.max(...diffs).toExponential(2)} over 5 cases of 2,000`);
    expect(Math.max(...diffs)).toBeLessThan(1e-12);
  });
});

describe('threshold', () => {
  it('is the linearly interpolated (1 − rate) quantile: 100 of 10,000 distinct scores above it at 0.01', () => {
    const u = uniform(7);
    const scores = Float64Array.from({ length: 10_000 }, () => u() * 100);
    const t = threshold(scores, { contamination: 0.01 });
    expect(scores.filter((s) => s > t).length).toBe(100);
    const sorted = [...scores].sort((a, b) => a - b);
    const h = 9999 * 0.99; // definition 7 of Hyndman & Fan, by hand
    expect(t).toBe(sorted[Math.floor(h)] + (h - Math.floor(h)) * (sorted[Math.floor(h) + 1] - sorted[Math.floor(h)]));
    const fpr = threshold(scores, { falsePositiveRate: 0.001 });
    expect(scores.filter((s) => s > fpr).length).toBe(10);
    expect(threshold([1, 2, 3, 4, 5], { contamination: 0.25 })).toBe(4); // h = 3 exactly
    expect(threshold([1, 2, 3, 4, 5], { falsePositiveRate: 0.5 })).toBe(3);
    expect(threshold([0, 1, 1, 1, Infinity], { contamination: 0.5 })).toBe(1);
  });

  it.skipIf(!sklearn)('agrees with numpy.quantile (linear) to the last bits', () => {
    const u = uniform(11);
    const scores = Array.from({ length: 3333 }, () => Math.exp(4 * u()));
    const rates = [0.5, 0.1, 0.01, 0.003, 0.001];
    const py = spawnSync(PYTHON, ['-c', 'import json, sys, numpy as np\nd = json.load(sys.stdin)\n' +
      'print(json.dumps([float(np.quantile(d["s"], 1 - r)) for r in d["r"]]))'], { input: JSON.stringify({ s: scores, r: rates }), encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const theirs: number[] = JSON.parse(py.stdout);
    const rel = rates.map((r, k) => Math.abs(threshold(scores, { contamination: r }) - theirs[k]) / theirs[k]);
    console.log(`threshold vs numpy.quantile: max relative difference ${Math.max(...rel).toExponential(2)}`);
    expect(Math.max(...rel)).toBeLessThan(1e-14);
  });
});

describe('precisionRecall', () => {
  it('counts rows strictly above the threshold against a direct count', () => {
    const { scores, labels } = randomCase(5, 1000, 10);
    const t = 0.6;
    const r = precisionRecall(scores, labels, t);
    const tp = scores.filter((s, i) => s > t && labels[i] === 1).length;
    const flagged = scores.filter((s) => s > t).length, positives = labels.filter((y) => y === 1).length;
    expect(r.truePositives).toBe(tp);
    expect(r.falsePositives).toBe(flagged - tp);
    expect(r.falseNegatives).toBe(positives - tp);
    expect(r.trueNegatives).toBe(1000 - flagged - positives + tp);
    expect(r.precision).toBe(tp / flagged);
    expect(r.recall).toBe(tp / positives);
    expect(r.f1).toBeCloseTo(2 * r.precision * r.recall / (r.precision + r.recall), 15);
    expect(precisionRecall([1, 2], [0, 1], 5).precision).toBeNaN(); // nothing flagged
  });
});

describe('bad input', () => {
  it('throws VAEError INVALID_ARGUMENT naming the function and the argument', async () => {
    await expectVAEError(() => threshold([], { contamination: 0.01 }), 'INVALID_ARGUMENT', /^threshold: referenceScores must be a non-empty/);
    await expectVAEError(() => threshold([1, NaN, 2], { contamination: 0.5 }), 'INVALID_ARGUMENT', /^threshold: referenceScores must hold numbers, not NaN; received NaN at index 1/);
    await expectVAEError(() => threshold([1, 2], { contamination: 0 }), 'INVALID_ARGUMENT', /options\.contamination must be a number in \(0, 1\); received 0/);
    await expectVAEError(() => threshold([1, 2], { falsePositiveRate: 1 }), 'INVALID_ARGUMENT', /options\.falsePositiveRate must be a number in \(0, 1\)/);
    await expectVAEError(() => threshold([1, 2], { contamination: 0.5, falsePositiveRate: 0.5 } as never), 'INVALID_ARGUMENT', /exactly one of .*received both/);
    await expectVAEError(() => threshold([1, 2], {} as never), 'INVALID_ARGUMENT', /exactly one of .*received neither/);
    await expectVAEError(() => threshold([1, 2], { rate: 0.5 } as never), 'INVALID_ARGUMENT', /options\.rate is not an option of threshold/);
    await expectVAEError(() => threshold(new Float64Array(999), { falsePositiveRate: 0.001 }), 'INVALID_ARGUMENT', /needs at least 1000 reference scores; received 999/);
    await expectVAEError(() => threshold('1,2' as never, { contamination: 0.5 }), 'INVALID_ARGUMENT', /referenceScores must be an array or typed array/);
    await expectVAEError(() => rocAuc([1, 2, 3], [0, 1]), 'INVALID_ARGUMENT', /^rocAuc: labels must have one entry per score \(3\); received an array of length 2/);
    await expectVAEError(() => rocAuc([1, 2], [0, 2]), 'INVALID_ARGUMENT', /labels must hold 0 \(normal\) or 1 \(anomaly\); received 2 at index 1/);
    await expectVAEError(() => rocAuc([1, 2], [1, 1]), 'INVALID_ARGUMENT', /both classes.*no 0/);
    await expectVAEError(() => rocAuc(new Float32Array([1, NaN]), [0, 1]), 'INVALID_ARGUMENT', /^rocAuc: scores must hold numbers, not NaN/);
    await expectVAEError(() => precisionRecall([1, 2], [0, 1], NaN), 'INVALID_ARGUMENT', /^precisionRecall: threshold must be a number; received NaN/);
    await expectVAEError(() => precisionRecall([1, 2], new Uint8Array(3), 1), 'INVALID_ARGUMENT', /^precisionRecall: labels must have one entry per score/);
  });
});
