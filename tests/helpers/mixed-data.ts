// A small mixed-column data set (issue 20's sampling target): two categorical blocks with skewed class frequencies,
// three Gaussian columns correlated through one factor (and with the first category), and one Bernoulli column.
import { randomArray } from './wasm.js';

export const MIXED_BLOCKS = [
  { categorical: 4 }, { categorical: 3 }, { gaussian: 3, variance: 'feature' }, { bernoulli: 1 },
] as const;
export const MIXED_D = 11;
export const CLASS_1 = [0.6, 0.25, 0.1, 0.05], CLASS_2 = [0.7, 0.2, 0.1];

function pick(u: number, p: readonly number[]): number {
  let c = 0;
  for (let j = 0; j < p.length; j++) { c += p[j]; if (u < c) return j; }
  return p.length - 1;
}

/** n rows of the mixed data set (deterministic for a seed). */
export function mixedData(n: number, seed = 1): Float32Array {
  const D = MIXED_D, u = randomArray(n * 6, seed, 0, 1), x = new Float32Array(n * D);
  for (let r = 0; r < n; r++) {
    const o = r * D, v = u.subarray(r * 6, r * 6 + 6);
    const a = pick(v[0], CLASS_1), b = pick(v[1], CLASS_2);
    x[o + a] = 1; x[o + 4 + b] = 1;
    // Box–Muller normals for the factor and the noise.
    const f = Math.sqrt(-2 * Math.log(v[2] + 1e-12)) * Math.cos(2 * Math.PI * v[3]);
    const e = Math.sqrt(-2 * Math.log(v[2] + 1e-12)) * Math.sin(2 * Math.PI * v[3]);
    x[o + 7] = 2 + f + 0.5 * a; x[o + 8] = -1 + 0.5 * f + 0.3 * e; x[o + 9] = 3 * f - e;
    x[o + 10] = v[4] < 0.3 ? 1 : 0;
  }
  return x;
}

/** Per column: mean and standard deviation over the rows. */
export function columnStats(x: Float32Array, D: number): { mean: number[]; sd: number[] } {
  const n = x.length / D, mean = new Array<number>(D).fill(0), sd = new Array<number>(D).fill(0);
  for (let r = 0; r < n; r++) for (let j = 0; j < D; j++) mean[j] += x[r * D + j] / n;
  for (let r = 0; r < n; r++) for (let j = 0; j < D; j++) sd[j] += (x[r * D + j] - mean[j]) ** 2 / n;
  return { mean, sd: sd.map(Math.sqrt) };
}

/** Total variation between two distributions over the same classes. */
export function totalVariation(p: readonly number[], q: readonly number[]): number {
  return 0.5 * p.reduce((s, pj, j) => s + Math.abs(pj - q[j]), 0);
}
