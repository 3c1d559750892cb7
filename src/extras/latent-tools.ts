// The latent-space arithmetic behind interpolate() and latentGrid(): pure functions over Float32Arrays.

/**
 * steps points from a to b (both ends included): linear, or spherical (slerp; Shoemake 1985, proposed for
 * generative models' latent spaces by White 2016, "Sampling Generative Networks"), which keeps the norm typical of
 * a Gaussian sample instead of passing near the origin. Slerp falls back to linear when a and b are parallel.
 */
export function interpolatePoints(a: Float32Array, b: Float32Array, steps: number, spherical: boolean): Float32Array {
  const L = a.length, out = new Float32Array(steps * L);
  let dot = 0, na = 0, nb = 0;
  for (let j = 0; j < L; j++) { dot += a[j] * b[j]; na += a[j] * a[j]; nb += b[j] * b[j]; }
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb))));
  const slerp = spherical && na > 0 && nb > 0 && Math.sin(omega) > 1e-6;
  for (let i = 0; i < steps; i++) {
    const t = steps === 1 ? 0 : i / (steps - 1);
    const wa = slerp ? Math.sin((1 - t) * omega) / Math.sin(omega) : 1 - t;
    const wb = slerp ? Math.sin(t * omega) / Math.sin(omega) : t;
    for (let j = 0; j < L; j++) out[i * L + j] = wa * a[j] + wb * b[j];
  }
  return out;
}

/**
 * The standard normal quantile Φ⁻¹(p), 0 < p < 1: Acklam's rational approximation (relative error < 1.2e-9),
 * ample for placing a grid.
 */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * The n × n grid of 2-D latent codes of Kingma & Welling's Figure 4: coordinates at the normal quantiles of n
 * evenly spaced probabilities in [lo, 1 − lo]. Row-major from the top-left: z₁ grows to the right, z₂ grows upward
 * (so the first row has the largest z₂), as a plot of the latent plane reads.
 */
export function latentGridPoints(n: number, lo: number): Float32Array {
  const q = Array.from({ length: n }, (_, i) => normalQuantile(n === 1 ? 0.5 : lo + ((1 - 2 * lo) * i) / (n - 1)));
  const out = new Float32Array(n * n * 2);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      out[2 * (row * n + col)] = q[col];
      out[2 * (row * n + col) + 1] = q[n - 1 - row];
    }
  }
  return out;
}
