// The per-row math of a likelihood table (likelihood-model.ts): each row's negative log-likelihood and its gradient
// with respect to the decoder's output row (P values) and to decoder.logvar, the means decode returns, and the draws
// sample makes. Like rows.ts, a row reads and writes only its own values, so any split of the rows gives the same
// bits; decoder.logvar's gradient sums the rows' parts in row order (logvarGradientChunk).
import { M, LOGVAR_MIN, LOGVAR_MAX } from '../model';
import { likelihoods, blockField, logvarIn, KIND, WIDTH, VARIANCE, DATA_AT, PARAM_AT, LOGVAR_AT } from '../likelihood-model';
import { BLOCK_BERNOULLI, BLOCK_CATEGORICAL, VARIANCE_UNIT, VARIANCE_SHARED, VARIANCE_OUTPUT } from '../abi';
import { bernoulli_logits_loss, gaussian_unit_loss } from '../kernels/losses';
import {
  gaussian_learned_loss, categorical_loss, categorical_mean, categorical_draw, bernoulli_mean, bernoulli_draw, gaussian_draw,
} from '../kernels/likelihoods';
import { column_sums_strided } from '../kernels/dense';
import { first_outside } from '../kernels/checks';
import { GRADIENT_LIMIT } from '../model';
import { rowAt } from './schedule';

/** Float offset → byte offset. */
// @ts-ignore: decorator
@inline function at(floats: i32): usize { return <usize>floats << 2; }

/**
 * rowNll[r] = Σ over blocks of −log p(x_block | the row's parameters), in block order; the gradient of scale·that
 * overwrites the row of dlogits (P values) and, for the blocks with a decoder.logvar part, the row of dsRows.
 */
export function tableLossRows(r0: i32, r1: i32, scale: f32): void {
  const X = likelihoods(), D = M.inputDim, P = X.width, n = X.logvarFloats, blocks = X.blocks;
  const lv = logvarIn(M.params);
  for (let r = r0; r < r1; r++) {
    const x = M.xBuf + rowAt(r, D), p = M.logits + rowAt(r, P), dp = M.dlogits + rowAt(r, P), ds = X.dsRows + rowAt(r, n);
    let nll: f64 = 0;
    for (let b = 0; b < blocks; b++) {
      const kind = blockField(b, KIND), w = blockField(b, WIDTH), variance = blockField(b, VARIANCE);
      const xb = x + at(blockField(b, DATA_AT)), pb = p + at(blockField(b, PARAM_AT)), db = dp + at(blockField(b, PARAM_AT));
      if (kind == BLOCK_BERNOULLI) nll += bernoulli_logits_loss(db, pb, xb, w, scale);
      else if (kind == BLOCK_CATEGORICAL) nll += categorical_loss(db, pb, xb, w, scale);
      else if (variance == VARIANCE_UNIT) nll += gaussian_unit_loss(db, pb, xb, w, scale);
      else if (variance == VARIANCE_OUTPUT) {
        nll += gaussian_learned_loss(db, db + at(w), pb, pb + at(w), xb, w, false, scale, LOGVAR_MIN, LOGVAR_MAX);
      } else {
        const o = at(blockField(b, LOGVAR_AT));
        nll += gaussian_learned_loss(db, ds + o, pb, lv + o, xb, w, variance == VARIANCE_SHARED, scale, LOGVAR_MIN, LOGVAR_MAX);
      }
    }
    store<f64>(M.rowNll + (<usize>r << 3), nll);
  }
}

/** Each block's mean for rows [r0, r1) into the input buffer (D per row): σ(l), softmax(l), or μ. */
export function tableMeanRows(r0: i32, r1: i32): void {
  const X = likelihoods(), D = M.inputDim, P = X.width, blocks = X.blocks;
  for (let r = r0; r < r1; r++) {
    const out = M.xBuf + rowAt(r, D), p = M.logits + rowAt(r, P);
    for (let b = 0; b < blocks; b++) {
      const kind = blockField(b, KIND), w = blockField(b, WIDTH);
      const ob = out + at(blockField(b, DATA_AT)), pb = p + at(blockField(b, PARAM_AT));
      if (kind == BLOCK_BERNOULLI) bernoulli_mean(ob, pb, w);
      else if (kind == BLOCK_CATEGORICAL) categorical_mean(ob, pb, w);
      else memory.copy(ob, pb, at(w));
    }
  }
}

/**
 * One draw per row from each block for rows [r0, r1) into the input buffer: 0/1 (Bernoulli), a one-hot (categorical,
 * by the block's first uniform), μ + σ·ε (Gaussian). The uniforms (B, D) and normals `eps` (B, D) were drawn
 * before, by one thread, in order.
 */
export function tableDrawRows(r0: i32, r1: i32, eps: usize): void {
  const X = likelihoods(), D = M.inputDim, P = X.width, blocks = X.blocks, lv = logvarIn(M.params);
  for (let r = r0; r < r1; r++) {
    const out = M.xBuf + rowAt(r, D), p = M.logits + rowAt(r, P), u = X.uniforms + rowAt(r, D), e = eps + rowAt(r, D);
    for (let b = 0; b < blocks; b++) {
      const kind = blockField(b, KIND), w = blockField(b, WIDTH), variance = blockField(b, VARIANCE), d = at(blockField(b, DATA_AT));
      const pb = p + at(blockField(b, PARAM_AT));
      if (kind == BLOCK_BERNOULLI) bernoulli_draw(out + d, pb, u + d, w);
      else if (kind == BLOCK_CATEGORICAL) categorical_draw(out + d, pb, w, load<f32>(u + d));
      else {
        const s = variance == VARIANCE_OUTPUT ? pb + at(w) : lv + at(blockField(b, LOGVAR_AT));
        gaussian_draw(out + d, pb, s, e + d, w, variance == VARIANCE_SHARED, variance == VARIANCE_UNIT, LOGVAR_MIN, LOGVAR_MAX);
      }
    }
  }
}

/**
 * decoder.logvar's gradient: the rows' parts (dsRows) summed over the batch in row order, as a bias gradient is. One
 * chunk of the column phase (columns.ts). Returns whether it holds a value beyond the divergence guard's limit.
 */
export function logvarGradientChunk(batch: i32): bool {
  const X = likelihoods(), n = X.logvarFloats, g = logvarIn(M.grads);
  column_sums_strided(g, X.dsRows, n, batch, n, false);
  return first_outside(g, n, -GRADIENT_LIMIT, GRADIENT_LIMIT) >= 0;
}
