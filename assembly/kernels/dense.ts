// A dense layer y = x·Wᵀ + b with W in PyTorch's (out, in) layout, forward and backward, as GEMM forms.
// Argument order follows llm.c: outputs first, then inputs, then dimensions; scratch and options last.
//
// The forward product and the weight gradient both read x, which is mostly exact zeros for MNIST pixels.
// Each call decides from this batch's measured density whether skipping them pays (./skip-zeros.ts); the
// result has the same bits either way, so the choice never changes training, only its speed.
import { gemm, INIT_ACCUMULATE, INIT_BIAS, INIT_ZERO } from './gemm';
import { nonzero_fraction, row_block_lists, panel_lists, gemm_listed_rows, gemm_listed_panels } from './skip-zeros';
import { LANES, vsplat, vload, vstore, vadd, transpose4x4 } from '~lib/lanes';

/**
 * Zero-skipping policy: decide per batch (the default), never skip, or always skip (tests, benchmarks). SKIP_LISTS
 * is AUTO with the density already found low by the caller (a chunk of a weight gradient, jobs/columns.ts): build the
 * lists without scanning x again, and use them if they drop enough steps.
 */
export const SKIP_AUTO: i32 = 0;
export const SKIP_NEVER: i32 = 1;
export const SKIP_ALWAYS: i32 = 2;
export const SKIP_LISTS: i32 = 3;

// Thresholds: at full density the listed tile costs ≈ 10% more per k step than the dense one (measured beside it
// when it was written; `npm run bench` shows both paths on MNIST pixels), so a list must drop at least 20% of the
// steps. Lists are unions over 4 rows or 2·LANES columns, so an operand more than half non-zero never gets there
// and is not even scanned for lists.
const MAX_NONZERO_FRACTION: f64 = 0.5;
const MAX_LISTED_FRACTION: f64 = 0.8;

/** Whether x (n values) is sparse enough that listing its non-zeros may pay (AUTO's first test, made once). */
export function sparse_enough(x: usize /* (n) */, n: i32): bool {
  return nonzero_fraction(x, n) <= MAX_NONZERO_FRACTION;
}

// @ts-ignore: decorator
@inline function worthListing(policy: i32, lists: usize, x: usize, n: i32): bool {
  if (lists == 0 || policy == SKIP_NEVER) return false;
  return policy == SKIP_ALWAYS || policy == SKIP_LISTS || nonzero_fraction(x, n) <= MAX_NONZERO_FRACTION;
}

/** out(cols, rows) = in(rows, cols)ᵀ. Overwrites out; out and in must not overlap. Bit-exact moves. */
export function transpose(out: usize, inp: usize, rows: i32, cols: i32): void {
  transpose_rows(out, rows, inp, rows, cols);
}

/**
 * The first `rows` columns of out(cols, ldo) = in(rows, cols)ᵀ: transpose for a band of rows, written into the
 * matching band of columns of a wider transpose (a thread's share). Overwrites only those columns.
 */
export function transpose_rows(out: usize, ldo: i32, inp: usize, rows: i32, cols: i32): void {
  // 4×4 blocks through the lanes' block transpose, column strips of 8 blocks so the writes stay in a few
  // cache lines; the ragged right and bottom edges float by float.
  const rows4 = rows & ~3, cols4 = cols & ~3, inRowB = <usize>cols << 2, outRowB = <usize>ldo << 2;
  for (let j0 = 0; j0 < cols4; j0 += 32) {
    const j1 = min(j0 + 32, cols4);
    for (let i = 0; i < rows4; i += 4) {
      for (let j = j0; j < j1; j += 4) {
        transpose4x4(out + <usize>j * outRowB + (<usize>i << 2), outRowB, inp + <usize>i * inRowB + (<usize>j << 2), inRowB);
      }
    }
  }
  for (let i = 0; i < rows; i++) {
    const j0 = i < rows4 ? cols4 : 0;
    for (let j = j0; j < cols; j++) store<f32>(out + ((<usize>j * ldo + i) << 2), load<f32>(inp + ((<usize>i * cols + j) << 2)));
  }
}

/**
 * y = epilogue(x·Wᵀ + b) (gemm's EPILOGUE_*: none, ReLU, leaky ReLU). Overwrites y. `wt` is scratch of in·out
 * floats that receives Wᵀ, so that the product runs in the broadcast form of `gemm` (bias fused as the
 * accumulators' initial value). `lists` is scratch of skip_list_bytes(B, 0, in) bytes, or 0 for no skipping.
 * Returns the fraction of the dense product's k steps that ran (1 on the dense path).
 */
export function dense_forward(
  y: usize,     // (B, out)
  x: usize,     // (B, in)
  w: usize,     // (out, in)
  b: usize,     // (out)
  wt: usize,    // (in, out) scratch
  lists: usize, // scratch or 0
  batch: i32, inDim: i32, outDim: i32, epilogue: i32, policy: i32
): f64 {
  transpose(wt, w, outDim, inDim);
  return dense_forward_transposed(y, x, wt, b, lists, batch, inDim, outDim, epilogue, policy);
}

/** dense_forward with Wᵀ already in `wt` (in, out): the product alone, for a share of the batch's rows. */
export function dense_forward_transposed(
  y: usize,     // (B, out)
  x: usize,     // (B, in)
  wt: usize,    // (in, out)
  b: usize,     // (out)
  lists: usize, // scratch of skip_list_bytes(B, 0, in) bytes, or 0
  batch: i32, inDim: i32, outDim: i32, epilogue: i32, policy: i32
): f64 {
  const blocks = batch >> 2;
  if (blocks > 0 && worthListing(policy, lists, x, batch * inDim)) {
    const done = <f64>row_block_lists(lists, x, inDim, 1, batch, inDim) / (<f64>blocks * <f64>inDim);
    if (policy == SKIP_ALWAYS || done <= MAX_LISTED_FRACTION) {
      gemm_listed_rows(y, outDim, x, inDim, 1, wt, outDim, b, batch, outDim, inDim, INIT_BIAS, epilogue, lists);
      return done;
    }
  }
  gemm(y, outDim, x, inDim, 1, wt, outDim, b, batch, outDim, inDim, INIT_BIAS, epilogue);
  return 1;
}

/** dx = dy·W, overwriting dx, or adding into it when `accumulate` (two heads reading one input). */
export function dense_backward_input(
  dx: usize,    // (B, in)
  dy: usize,    // (B, out)
  w: usize,     // (out, in)
  batch: i32, inDim: i32, outDim: i32, accumulate: bool
): void {
  gemm(dx, inDim, dy, outDim, 1, w, inDim, 0, batch, inDim, outDim, accumulate ? INIT_ACCUMULATE : INIT_ZERO, 0);
}

/**
 * dW = dyᵀ·x and db = Σ_batch dy, overwriting both, or adding into them when `accumulate`. `lists` is scratch of
 * skip_list_bytes(0, in, B) bytes, or 0. Returns the fraction of the dense product's k steps that ran.
 */
export function dense_backward_params(
  dw: usize,    // (out, in)
  db: usize,    // (out)
  dy: usize,    // (B, out)
  x: usize,     // (B, in)
  lists: usize, // scratch or 0
  batch: i32, inDim: i32, outDim: i32, accumulate: bool, policy: i32
): f64 {
  column_sums_strided(db, dy, outDim, batch, outDim, accumulate);
  return dense_weight_gradient(dw, dy, x, lists, batch, inDim, outDim, inDim, accumulate, policy);
}

/**
 * The first `cols` columns of dW = dyᵀ·x, where x and dw have row stride `ld` (a share of dW's columns when
 * x and dw point at the share's first column). Overwrites, or adds when `accumulate`. `lists` is scratch of
 * skip_list_bytes(0, cols, B) bytes, or 0. Returns the fraction of the dense product's k steps that ran.
 */
export function dense_weight_gradient(
  dw: usize,    // (out, ld)
  dy: usize,    // (B, out)
  x: usize,     // (B, ld)
  lists: usize, // scratch or 0
  batch: i32, ld: i32, outDim: i32, cols: i32, accumulate: bool, policy: i32
): f64 {
  const mode = accumulate ? INIT_ACCUMULATE : INIT_ZERO;
  const panels = cols / (2 * LANES);
  if (panels > 0 && worthListing(policy, lists, x, batch * ld)) {
    const done = <f64>panel_lists(lists, x, ld, batch, cols) / (<f64>panels * <f64>batch);
    if (policy == SKIP_ALWAYS || done <= MAX_LISTED_FRACTION) {
      gemm_listed_panels(dw, ld, dy, 1, outDim, x, ld, 0, outDim, cols, batch, mode, 0, lists);
      return done;
    }
  }
  gemm(dw, ld, dy, 1, outDim, x, ld, 0, outDim, cols, batch, mode, 0);
  return 1;
}

/** out(cols) = Σ_rows m(rows, cols), or out += that when `accumulate`. Rows are summed in order. */
export function column_sums(out: usize, m: usize, rows: i32, cols: i32, accumulate: bool): void {
  column_sums_strided(out, m, cols, rows, cols, accumulate);
}

/** column_sums over the first `cols` columns of m, whose rows are `ld` floats apart (a share of the columns). */
export function column_sums_strided(out: usize, m: usize, ld: i32, rows: i32, cols: i32, accumulate: bool): void {
  const whole = cols - cols % LANES, rowB = <usize>ld << 2;
  let j = 0;
  for (; j < whole; j += LANES) {
    let acc = accumulate ? vload(out + (<usize>j << 2)) : vsplat(0);
    let p = m + (<usize>j << 2);
    for (let i = 0; i < rows; i++) {
      acc = vadd(acc, vload(p));
      p += rowB;
    }
    vstore(out + (<usize>j << 2), acc);
  }
  for (; j < cols; j++) {
    let acc = accumulate ? load<f32>(out + (<usize>j << 2)) : <f32>0;
    for (let i = 0; i < rows; i++) acc += load<f32>(m + <usize>i * rowB + (<usize>j << 2));
    store<f32>(out + (<usize>j << 2), acc);
  }
}
