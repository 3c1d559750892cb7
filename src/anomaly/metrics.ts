// Ranking and flagging metrics for anomaly scores against known labels (1 = anomaly): what a benchmark reports.
import { checkLabels, checkScores, checkThresholdValue, type Numbers } from './checks.js';
import { VAEError } from '../index.js';

/**
 * Area under the ROC curve: the probability that a random anomaly scores above a random normal row, ties counting
 * one half. Computed as the Mann–Whitney U statistic over midranks (Hanley & McNeil 1982):
 * AUC = (R₁ − n₁(n₁ + 1)/2) / (n₁·n₀), R₁ the sum of the anomalies' ranks, tied scores sharing the mean of their
 * ranks. O(n log n); the same value as scikit-learn's roc_auc_score. Both classes must be present.
 */
export function rocAuc(scores: Numbers, labels: ArrayLike<number | boolean>): number {
  const fn = 'rocAuc';
  const s = checkScores(fn, 'scores', scores);
  const y = checkLabels(fn, labels, s.length);
  const n = s.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i];
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new VAEError('INVALID_ARGUMENT', `${fn}: labels must hold both classes, 0 and 1; received ${positives === 0 ? 'no 1' : 'no 0'}`);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => s[i] - s[j] || 0);
  let rankSum = 0; // of the anomalies, ranks 1-based
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && s[order[end]] === s[order[start]]) end++;
    const midrank = (start + 1 + end) / 2; // mean of ranks start+1 … end
    for (let k = start; k < end; k++) if (y[order[k]] === 1) rankSum += midrank;
    start = end;
  }
  return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
}

/** What flagging `score > threshold` gives against the labels. */
export interface PrecisionRecall {
  /** Flagged anomalies / flagged rows; NaN when nothing is flagged. */
  precision: number;
  /** Flagged anomalies / anomalies; NaN when there are no anomalies. */
  recall: number;
  /** Harmonic mean of precision and recall; NaN when either is NaN, 0 when both are 0. */
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
}

/** Precision and recall of flagging the rows whose score is strictly above `threshold` (as threshold() means it). */
export function precisionRecall(scores: Numbers, labels: ArrayLike<number | boolean>, threshold: number): PrecisionRecall {
  const fn = 'precisionRecall';
  const s = checkScores(fn, 'scores', scores);
  const y = checkLabels(fn, labels, s.length);
  const t = checkThresholdValue(fn, threshold);
  let tp = 0, fp = 0, fn_ = 0, tn = 0;
  for (let i = 0; i < s.length; i++) {
    const flagged = s[i] > t;
    if (y[i] === 1) { if (flagged) tp++; else fn_++; } else if (flagged) fp++; else tn++;
  }
  const precision = tp + fp === 0 ? NaN : tp / (tp + fp);
  const recall = tp + fn_ === 0 ? NaN : tp / (tp + fn_);
  const f1 = precision + recall === 0 ? 0 : 2 * precision * recall / (precision + recall);
  return { precision, recall, f1, truePositives: tp, falsePositives: fp, falseNegatives: fn_, trueNegatives: tn };
}
