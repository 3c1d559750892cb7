// A dense layer y = x·Wᵀ + b with W in PyTorch's (out, in) layout, forward and backward, as GEMM forms.
// Argument order follows llm.c: outputs first, then inputs, then dimensions. Gradients of W and b accumulate.
import { gemm, INIT_ACCUMULATE, INIT_BIAS, INIT_ZERO } from './gemm';
import { LANES, vload, vstore, vadd } from '~lib/lanes';

/** out(cols, rows) = in(rows, cols)ᵀ. Overwrites out; out and in must not overlap. */
export function transpose(out: usize, inp: usize, rows: i32, cols: i32): void {
  // 8×8 blocks keep both the reads and the writes within a few cache lines.
  for (let i0 = 0; i0 < rows; i0 += 8) {
    const i1 = min(i0 + 8, rows);
    for (let j0 = 0; j0 < cols; j0 += 8) {
      const j1 = min(j0 + 8, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) {
          store<f32>(out + ((<usize>j * rows + i) << 2), load<f32>(inp + ((<usize>i * cols + j) << 2)));
        }
      }
    }
  }
}

/**
 * y = x·Wᵀ + b. Overwrites y. `wt` is scratch of in·out floats that receives Wᵀ, so that the product runs in
 * the broadcast form of `gemm` (bias fused as the accumulators' initial value).
 */
export function dense_forward(
  y: usize,     // (B, out)
  x: usize,     // (B, in)
  w: usize,     // (out, in)
  b: usize,     // (out)
  wt: usize,    // (in, out) scratch
  batch: i32, inDim: i32, outDim: i32
): void {
  transpose(wt, w, outDim, inDim);
  gemm(y, outDim, x, inDim, 1, wt, outDim, b, batch, outDim, inDim, INIT_BIAS);
}

/** dx = dy·W, overwriting dx, or adding into it when `accumulate` (two heads reading one input). */
export function dense_backward_input(
  dx: usize,    // (B, in)
  dy: usize,    // (B, out)
  w: usize,     // (out, in)
  batch: i32, inDim: i32, outDim: i32, accumulate: bool
): void {
  gemm(dx, inDim, dy, outDim, 1, w, inDim, 0, batch, inDim, outDim, accumulate ? INIT_ACCUMULATE : INIT_ZERO);
}

/** dW += dyᵀ·x and db += Σ_batch dy (accumulate). */
export function dense_backward_params(
  dw: usize,    // (out, in)
  db: usize,    // (out)
  dy: usize,    // (B, out)
  x: usize,     // (B, in)
  batch: i32, inDim: i32, outDim: i32
): void {
  gemm(dw, inDim, dy, 1, outDim, x, inDim, 0, outDim, inDim, batch, INIT_ACCUMULATE);
  column_sums_accumulate(db, dy, batch, outDim);
}

/** out(cols) += Σ_rows m(rows, cols). */
export function column_sums_accumulate(out: usize, m: usize, rows: i32, cols: i32): void {
  const whole = cols - cols % LANES;
  let j = 0;
  for (; j < whole; j += LANES) {
    let acc = vload(out + (<usize>j << 2));
    let p = m + (<usize>j << 2);
    for (let i = 0; i < rows; i++) {
      acc = vadd(acc, vload(p));
      p += <usize>cols << 2;
    }
    vstore(out + (<usize>j << 2), acc);
  }
  for (; j < cols; j++) {
    let acc = load<f32>(out + (<usize>j << 2));
    for (let i = 0; i < rows; i++) acc += load<f32>(m + ((<usize>i * cols + j) << 2));
    store<f32>(out + (<usize>j << 2), acc);
  }
}
