// The oracle: naive float64 versions of every wasm kernel, written for obviousness, not speed.
// Matrices are flat row-major arrays; shapes in comments.

export type Vec = ArrayLike<number>;

/** C(m,n) = A(m,k)·B(k,n) + init, with A addressed by strides like the wasm gemm. */
export function gemmRef(a: Vec, sam: number, sak: number, b: Vec, ldb: number, m: number, n: number, k: number,
  init: (i: number, j: number) => number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = init(i, j);
      for (let p = 0; p < k; p++) s += a[i * sam + p * sak] * b[p * ldb + j];
      c[i * n + j] = s;
    }
  }
  return c;
}

/** y(B,out) = x(B,in)·Wᵀ + b, W (out,in). */
export function denseForwardRef(x: Vec, w: Vec, bias: Vec, batch: number, inDim: number, outDim: number): Float64Array {
  const y = new Float64Array(batch * outDim);
  for (let r = 0; r < batch; r++) {
    for (let o = 0; o < outDim; o++) {
      let s = bias[o];
      for (let i = 0; i < inDim; i++) s += x[r * inDim + i] * w[o * inDim + i];
      y[r * outDim + o] = s;
    }
  }
  return y;
}

/** dx = dy·W; dW = dyᵀ·x; db = Σ_batch dy. */
export function denseBackwardRef(dy: Vec, x: Vec, w: Vec, batch: number, inDim: number, outDim: number) {
  const dx = new Float64Array(batch * inDim), dw = new Float64Array(outDim * inDim), db = new Float64Array(outDim);
  for (let r = 0; r < batch; r++) {
    for (let o = 0; o < outDim; o++) {
      const g = dy[r * outDim + o];
      db[o] += g;
      for (let i = 0; i < inDim; i++) {
        dx[r * inDim + i] += g * w[o * inDim + i];
        dw[o * inDim + i] += g * x[r * inDim + i];
      }
    }
  }
  return { dx, dw, db };
}

export const ACTIVATION_KINDS = ['relu', 'leakyRelu', 'tanh', 'sigmoid'] as const;
export type ActivationKind = (typeof ACTIVATION_KINDS)[number];

export function activationRef(kind: ActivationKind, x: number): number {
  switch (kind) {
    case 'relu': return Math.max(0, x);
    case 'leakyRelu': return x > 0 ? x : 0.01 * x;
    case 'tanh': return Math.tanh(x);
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
  }
}

/** d f(x)/dx written from x (the wasm writes it from the output; both must agree). */
export function activationDerivRef(kind: ActivationKind, x: number): number {
  switch (kind) {
    case 'relu': return x > 0 ? 1 : 0;
    case 'leakyRelu': return x > 0 ? 1 : 0.01;
    case 'tanh': return 1 - Math.tanh(x) ** 2;
    case 'sigmoid': { const s = 1 / (1 + Math.exp(-x)); return s * (1 - s); }
  }
}

/** Σ Bernoulli NLL of targets x under logits l: −[x ln σ(l) + (1−x) ln(1−σ(l))], computed stably. */
export function bernoulliRef(logits: Vec, x: Vec): number {
  let s = 0;
  for (let i = 0; i < logits.length; i++) {
    const l = logits[i];
    s += Math.max(l, 0) - l * x[i] + Math.log1p(Math.exp(-Math.abs(l)));
  }
  return s;
}

/** Σ ½(x − μ)² + ½ ln 2π. */
export function gaussianRef(mu: Vec, x: Vec): number {
  let s = 0;
  for (let i = 0; i < mu.length; i++) s += 0.5 * (x[i] - mu[i]) ** 2 + 0.5 * Math.log(2 * Math.PI);
  return s;
}

/** Σ −½(1 + lv − μ² − e^lv)  (Kingma & Welling 2014, App. B). */
export function klRef(mu: Vec, logvar: Vec): number {
  let s = 0;
  for (let i = 0; i < mu.length; i++) s += -0.5 * (1 + logvar[i] - mu[i] ** 2 - Math.exp(logvar[i]));
  return s;
}

/** z = μ + e^{½lv}·ε. */
export function reparameterizeRef(mu: Vec, logvar: Vec, eps: Vec): Float64Array {
  return Float64Array.from(mu, (m, i) => m + Math.exp(0.5 * logvar[i]) * eps[i]);
}

/** One Adam step in PyTorch's arrangement (Kingma & Ba 2015), updating p, m, v in place. */
export function adamRef(p: Float64Array, g: Vec, m: Float64Array, v: Float64Array, lr: number, b1: number, b2: number,
  eps: number, t: number): void {
  const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    p[i] -= (lr / bc1) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
  }
}

/** Central finite differences of f at x, coordinate by coordinate (x is restored). */
export function finiteDifferences(f: () => number, x: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const keep = x[i];
    x[i] = keep + h; const up = f();
    x[i] = keep - h; const down = f();
    x[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** max |a − b| over all elements. */
export function maxAbsDiff(a: Vec, b: Vec): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** max |a − b| / max(1, |b|): absolute near zero, relative for large values. */
export function maxScaledDiff(a: Vec, b: Vec): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return d;
}
