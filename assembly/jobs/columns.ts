// The column-chunk phases of a job: each layer's Wᵀ (the forward's operand), and the weight gradients
// dW = dyᵀ·x, which sum over every row and so split the columns of dW instead of the rows of the batch.
import { M, field, isDense, transposedWeight, CHUNK_COLUMNS, FAN_IN, FAN_OUT, WEIGHT, WEIGHT_GRAD, BIAS_GRAD, INPUT, OUTPUT_GRAD, GRADIENT_LIMIT } from '../model';
import { convWeightChunks, convWeightGradientChunk } from './conv-layers';
import { transpose_rows, dense_weight_gradient, column_sums_strided, sparse_enough, SKIP_AUTO, SKIP_LISTS, SKIP_NEVER } from '../kernels/dense';
import { first_outside } from '../kernels/checks';
import { BAD, COLUMNS, TRANSPOSES, columnLists, next, rowAt, word } from './schedule';
import { LIKELIHOODS, tableTensors } from '../likelihood-model';
import { logvarGradientChunk } from './likelihood-rows';

/** Wᵀ of each layer in [first, last], in chunks of 64 rows of W (64 columns of Wᵀ: whole cache lines). */
export function transposeChunks(first: i32, last: i32): void {
  for (let c = next(TRANSPOSES); ; c = next(TRANSPOSES)) {
    // Chunk c belongs to the first layer whose chunks reach past it.
    let l = first, start = 0;
    for (; l <= last; l++) {
      const n = isDense(l) ? (<i32>field(l, FAN_OUT) + CHUNK_COLUMNS - 1) / CHUNK_COLUMNS : 0; // convolutions use W as it is
      if (c < start + n) break;
      start += n;
    }
    if (l > last) return;
    const inDim = <i32>field(l, FAN_IN), outDim = <i32>field(l, FAN_OUT);
    const r0 = (c - start) * CHUNK_COLUMNS, r1 = min(outDim, r0 + CHUNK_COLUMNS);
    transpose_rows(transposedWeight(l) + (<usize>r0 << 2), outDim, field(l, WEIGHT) + rowAt(r0, inDim), r1 - r0, inDim);
  }
}

/**
 * The column part: dW = dyᵀ·x over the whole batch, in chunks of 64 columns of one dense layer (a convolution's
 * chunks are rows of its weight: ./conv-layers.ts); the first chunk of a layer
 * also sums its bias gradient db = Σ dy. Whether a layer's x is sparse enough to skip zeros is decided once per job
 * (M.decisions), by the first thread to reach the layer: any decision gives the same bits. Each chunk then checks its
 * gradients for the divergence guard while they are still in cache (BAD), instead of a pass over the whole block.
 * A likelihood table's decoder.logvar is one more chunk after the layers'.
 */
export function weightGradientChunks(batch: i32): void {
  for (let c = next(COLUMNS); ; c = next(COLUMNS)) {
    let l = 0, start = 0;
    for (; l < M.layerCount; l++) {
      // @ts-ignore: asc's --use constant (asconfig.json)
      const n = CONV_LAYERS && !isDense(l) ? convWeightChunks(l) : (<i32>field(l, FAN_IN) + CHUNK_COLUMNS - 1) / CHUNK_COLUMNS;
      if (c < start + n) break;
      start += n;
    }
    if (l == M.layerCount) {
      if (!LIKELIHOODS || c != start || tableTensors() == 0) return;
      if (logvarGradientChunk(batch)) store<i32>(word(BAD), 1);
      continue;
    }
    // @ts-ignore: asc's --use constant
    if (CONV_LAYERS && !isDense(l)) {
      if (convWeightGradientChunk(l, c - start, batch)) store<i32>(word(BAD), 1);
      continue;
    }
    const inDim = <i32>field(l, FAN_IN), outDim = <i32>field(l, FAN_OUT);
    const c0 = (c - start) * CHUNK_COLUMNS, c1 = min(inDim, c0 + CHUNK_COLUMNS);
    const dw = field(l, WEIGHT_GRAD) + (<usize>c0 << 2);
    dense_weight_gradient(dw, field(l, OUTPUT_GRAD), field(l, INPUT) + (<usize>c0 << 2), columnLists(batch),
      batch, inDim, outDim, c1 - c0, false, skipPolicyOf(l, batch));
    let bad = beyondLimit(dw, inDim, outDim, c1 - c0);
    if (c0 == 0) {
      column_sums_strided(field(l, BIAS_GRAD), field(l, OUTPUT_GRAD), outDim, batch, outDim, false);
      bad = bad || beyondLimit(field(l, BIAS_GRAD), 0, 1, outDim);
    }
    if (bad) store<i32>(word(BAD), 1);
  }
}

/** Whether a rows × cols block (row stride ld floats) holds a value outside ±GRADIENT_LIMIT (NaN and ±∞ included). */
function beyondLimit(p: usize, ld: i32, rows: i32, cols: i32): bool {
  for (let r = 0; r < rows; r++) if (first_outside(p + rowAt(r, ld), cols, -GRADIENT_LIMIT, GRADIENT_LIMIT) >= 0) return true;
  return false;
}

/** The zero-skipping policy for layer l's weight gradient in this job. */
function skipPolicyOf(l: i32, batch: i32): i32 {
  if (M.skipPolicy != SKIP_AUTO) return M.skipPolicy;
  const at = M.decisions + (<usize>l << 2);
  let d = load<i32>(at); // written by whichever thread decided first; a stale 0 only means deciding again
  if (d == 0) {
    d = sparse_enough(field(l, INPUT), batch * <i32>field(l, FAN_IN)) ? SKIP_LISTS : SKIP_NEVER;
    store<i32>(at, d);
  }
  return d;
}
