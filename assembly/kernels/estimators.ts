// Per-example estimates beside the batch losses: the importance-weighted bound of Burda, Grosse & Salakhutdinov
// (2016, "Importance Weighted Autoencoders"), and the per-dimension KL that free bits needs (Kingma et al. 2016,
// "Improved Variational Inference with Inverse Autoregressive Flow", §C.8). Latent-sized work is scalar: it is
// small, and scalar code gives the same bits in the SIMD and the scalar build. Sums are f64; exp and log are
// f32 (Mathf, relative error ~1e-7): the f64 versions carry ~6 KB of lookup tables into the module.
//
// IWAE: log p(x) ≥ L_k = E[log (1/k) Σᵢ wᵢ], wᵢ = p(x|zᵢ) p(zᵢ) / q(zᵢ|x), zᵢ = μ + σ·εᵢ. With z = μ + σε,
//   log p(z) − log q(z|x) = Σⱼ [−½zⱼ² + ½εⱼ² + ½·logVarⱼ]   (the ½ log 2π terms cancel),
// and the k weights are combined by a running log-sum-exp per example, so no exp can overflow.

/** KL(N(μ, e^lv) ‖ N(0, 1)) of one latent coordinate at `at` (Kingma & Welling 2014, Appendix B). */
// @ts-ignore: decorator
@inline function klTerm(mu: usize, logvar: usize, at: usize): f64 {
  const m = <f64>load<f32>(mu + at), lv = <f64>load<f32>(logvar + at);
  return -0.5 * (1 + lv - m * m - <f64>Mathf.exp(<f32>lv));
}

/** out[r] = Σⱼ KL(q(z_rj|x) ‖ N(0,1)) = Σⱼ −½(1 + lv − μ² − e^lv) per row. */
export function kl_rows(out: usize /* (rows) f64 */, mu: usize, logvar: usize /* (rows, L) */, rows: i32, L: i32): void {
  for (let r = 0; r < rows; r++) {
    let s: f64 = 0;
    for (let j = 0; j < L; j++) s += klTerm(mu, logvar, (<usize>(r * L + j)) << 2);
    store<f64>(out + (<usize>r << 3), s);
  }
}

/** out[r] = −recNll[r] + Σⱼ [−½z² + ½ε² + ½·logVar]: log wᵢ of one importance sample per row. */
export function log_weight_rows(
  out: usize, recNll: usize,          // each (rows) f64
  z: usize, eps: usize, logvar: usize, // each (rows, L)
  rows: i32, L: i32
): void {
  for (let r = 0; r < rows; r++) {
    let s: f64 = -load<f64>(recNll + (<usize>r << 3));
    for (let j = 0; j < L; j++) {
      const at = (<usize>(r * L + j)) << 2;
      const zz = <f64>load<f32>(z + at), e = <f64>load<f32>(eps + at);
      s += 0.5 * (e * e - zz * zz + <f64>load<f32>(logvar + at));
    }
    store<f64>(out + (<usize>r << 3), s);
  }
}

/** Running log-sum-exp per row: (max, sum) ← the pair that also counts logw. Start with max = −∞, sum = 0. */
export function logsumexp_update(maxes: usize, sums: usize, logw: usize /* each (rows) f64 */, rows: i32): void {
  for (let r = 0; r < rows; r++) {
    const at = <usize>r << 3;
    const m = load<f64>(maxes + at), w = load<f64>(logw + at);
    if (w > m) {
      store<f64>(sums + at, load<f64>(sums + at) * <f64>Mathf.exp(<f32>(m - w)) + 1);
      store<f64>(maxes + at, w);
    } else {
      store<f64>(sums + at, load<f64>(sums + at) + <f64>Mathf.exp(<f32>(w - m)));
    }
  }
}

/** out[r] = max + ln(sum) − ln k: log of the mean of the k weights. */
export function logmeanexp_finish(out: usize, maxes: usize, sums: usize /* each (rows) f64 */, rows: i32, k: i32): void {
  const logK = <f64>Mathf.log(<f32>k);
  for (let r = 0; r < rows; r++) {
    const at = <usize>r << 3;
    store<f64>(out + at, load<f64>(maxes + at) + <f64>Mathf.log(<f32>load<f64>(sums + at)) - logK);
  }
}

/**
 * Free bits: KLⱼ = (1/rows)·Σ_r KL_rj per latent dimension; where KLⱼ < λ the objective uses λ instead, a constant,
 * so the KL gradient of that dimension (already in dmu, dlogvar) is zeroed. Returns Σⱼ max(λ, KLⱼ).
 */
export function free_bits_backward(
  dmu: usize, dlogvar: usize,  // each (rows, L), KL gradient, masked in place
  mu: usize, logvar: usize,    // each (rows, L)
  rows: i32, L: i32, lambda: f64
): f64 {
  let objective: f64 = 0;
  for (let j = 0; j < L; j++) {
    let s: f64 = 0;
    for (let r = 0; r < rows; r++) s += klTerm(mu, logvar, (<usize>(r * L + j)) << 2);
    const kl = s / <f64>rows;
    if (kl < lambda) {
      for (let r = 0; r < rows; r++) {
        const at = (<usize>(r * L + j)) << 2;
        store<f32>(dmu + at, 0);
        store<f32>(dlogvar + at, 0);
      }
    }
    objective += max(kl, lambda);
  }
  return objective;
}

/** out = rows of [a (aCols) | b (bCols)]: the condition joined to an input or a latent code. */
export function concat_rows(out: usize, a: usize, aCols: i32, b: usize, bCols: i32, rows: i32): void {
  const aBytes = <usize>aCols << 2, bBytes = <usize>bCols << 2;
  for (let r = 0; r < rows; r++) {
    const o = out + <usize>r * (aBytes + bBytes);
    memory.copy(o, a + <usize>r * aBytes, aBytes);
    memory.copy(o + aBytes, b + <usize>r * bBytes, bBytes);
  }
}

/** out (rows, cols) = the first cols columns of each row of inp (rows, inCols). */
export function take_columns(out: usize, inp: usize, rows: i32, inCols: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) memory.copy(out + (<usize>(r * cols) << 2), inp + (<usize>(r * inCols) << 2), <usize>cols << 2);
}
