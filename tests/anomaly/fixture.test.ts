// The tabular anomaly fixture has what issue 20's benchmark asks for, and is the same data on every run: ≥ 10,000
// rows of ≥ 10 columns, column spreads over about five orders of magnitude, 1% anomalies in each split, the three
// kinds in thirds, and a pinned SHA-256 of its CSV.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ANOMALY_KINDS, tabularAnomalies, tabularCsv } from '../fixtures/tabular-anomalies.js';

const data = tabularAnomalies();

describe('the tabular anomaly fixture', () => {
  it('has 20,000 rows of 12 columns, split in halves, each with exactly 1% anomalies in three kinds of a third', () => {
    expect(data.dim).toBe(12);
    for (const split of [data.train, data.test]) {
      expect(split.x.length).toBe(10_000 * 12);
      expect(split.labels.reduce((a, b) => a + b, 0)).toBe(100);
      expect(split.kinds.every((k, i) => (k === null) === (split.labels[i] === 0))).toBe(true);
      const counts = ANOMALY_KINDS.map((kind) => split.kinds.filter((k) => k === kind).length);
      expect(counts).toEqual([34, 33, 33]);
    }
  });

  it('spreads its columns over about five orders of magnitude', () => {
    const n = data.train.labels.length, D = data.dim;
    const sd = Array.from({ length: D }, (_, j) => {
      let s = 0, s2 = 0;
      for (let i = 0; i < n; i++) { const v = data.train.x[i * D + j]; s += v; s2 += v * v; }
      return Math.sqrt(s2 / n - (s / n) ** 2);
    });
    const orders = Math.log10(Math.max(...sd) / Math.min(...sd));
    console.log(`column standard deviations ${sd.map((v) => v.toPrecision(3)).join(', ')}: ${orders.toFixed(2)} orders of magnitude`);
    expect(orders).toBeGreaterThan(4.5);
    expect(data.scales[11] / data.scales[0]).toBe(60_000);
  });

  it('is the same data on every run (SHA-256 of its CSV)', () => {
    const csv = tabularCsv(data);
    const hash = createHash('sha256').update(csv).digest('hex');
    console.log(`tabular.csv: ${csv.length} bytes, sha256 ${hash}`);
    expect(hash).toBe('4bc1a80a8d195a09913c588b0c41344a684b3feb9e2c8ab5df399964a1808031');
    // every value written parses back to the float32 the tests train on
    const first = csv.split('\n')[1].split(',').slice(0, 12).map((v) => Math.fround(Number(v)));
    expect(first).toEqual(Array.from(data.train.x.subarray(0, 12)));
  });
});
