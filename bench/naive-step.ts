// The peer for the training-step benchmark: one VAE training step written naively in plain JavaScript
// from the test oracle's kernels (float64, no SIMD, allocation per call), 784-400-20 relu Bernoulli.
import { adamRef, denseBackwardRef, denseForwardRef } from '../tests/reference/kernels.js';

export class NaiveStep {
  readonly params: Float64Array[];
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;

  constructor(readonly dims: Array<[number, number]>) { // [in, out]: fc1, mean, logvar, fc3, fc4
    this.params = dims.flatMap(([i, o]) => [Float64Array.from({ length: o * i }, () => (Math.random() - 0.5) / Math.sqrt(i)), new Float64Array(o)]);
    this.m = this.params.map((p) => new Float64Array(p.length));
    this.v = this.params.map((p) => new Float64Array(p.length));
  }

  step(x: Float32Array, batch: number, eps: Float64Array): number {
    const P = this.params, [[D, H], [, L]] = this.dims;
    const h = denseForwardRef(x, P[0], P[1], batch, D, H).map((a) => Math.max(0, a));
    const mu = denseForwardRef(h, P[2], P[3], batch, H, L), lv = denseForwardRef(h, P[4], P[5], batch, H, L);
    const z = mu.map((m, i) => m + Math.exp(0.5 * lv[i]) * eps[i]);
    const g = denseForwardRef(z, P[6], P[7], batch, L, H).map((a) => Math.max(0, a));
    const logits = denseForwardRef(g, P[8], P[9], batch, H, D);
    let loss = 0;
    const dlogits = logits.map((l, i) => {
      loss += Math.max(l, 0) - l * x[i] + Math.log1p(Math.exp(-Math.abs(l)));
      return (1 / (1 + Math.exp(-l)) - x[i]) / batch;
    });
    const out = denseBackwardRef(dlogits, g, P[8], batch, H, D);
    const dg = out.dx.map((d, i) => (g[i] > 0 ? d : 0));
    const dec = denseBackwardRef(dg, z, P[6], batch, L, H);
    const dmu = mu.map((m, i) => m / batch + dec.dx[i]);
    const dlv = lv.map((l, i) => 0.5 * (Math.exp(l) - 1) / batch + dec.dx[i] * eps[i] * 0.5 * Math.exp(0.5 * l));
    for (let i = 0; i < mu.length; i++) loss += -0.5 * (1 + lv[i] - mu[i] ** 2 - Math.exp(lv[i]));
    const bm = denseBackwardRef(dmu, h, P[2], batch, H, L), bl = denseBackwardRef(dlv, h, P[4], batch, H, L);
    const dh = bm.dx.map((d, i) => (h[i] > 0 ? d + bl.dx[i] : 0));
    const enc = denseBackwardRef(dh, x, P[0], batch, D, H);
    const grads = [enc.dw, enc.db, bm.dw, bm.db, bl.dw, bl.db, dec.dw, dec.db, out.dw, out.db];
    this.t++;
    grads.forEach((gr, k) => adamRef(P[k], gr, this.m[k], this.v[k], 1e-3, 0.9, 0.999, 1e-8, this.t));
    return loss / batch;
  }
}
