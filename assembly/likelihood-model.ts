// A model's likelihood table (builds with asc --use LIKELIHOOD_BLOCKS=1; abi.ts LIKELIHOOD_TABLE): which columns of x
// each block takes, where its parameters sit in the decoder's output row (P values), and the tensor decoder.logvar of
// the VARIANCE_SHARED and VARIANCE_FEATURE blocks. Its record follows the model's Layout record in memory, so that
// model_attach finds it from M alone and the dense build's Layout keeps its size. The per-row math is in
// jobs/likelihood-rows.ts.
import { M, Layout, field, outLayer, FAN_OUT } from './model';
import { arena_alloc } from './arena';
import {
  BLOCK_FIELDS, BLOCK_KIND, BLOCK_WIDTH, BLOCK_VARIANCE, BLOCK_BERNOULLI, BLOCK_CATEGORICAL, BLOCK_GAUSSIAN,
  VARIANCE_UNIT, VARIANCE_SHARED, VARIANCE_FEATURE, VARIANCE_OUTPUT,
} from './abi';

// @ts-ignore: LIKELIHOOD_BLOCKS is asc's --use constant (asconfig.json); where it is not given (the dense build), false
export const LIKELIHOODS: bool = isDefined(LIKELIHOOD_BLOCKS) ? <bool>LIKELIHOOD_BLOCKS : false;

/** The table's record. blocks == 0: the model has no table, and Layout.likelihood says everything. */
@unmanaged export class Likelihoods {
  blocks: i32;
  width: i32;        // P: the decoder's output values per example
  logvarFloats: i32; // decoder.logvar's length (0: the model has no such tensor)
  logvarAt: i32;     // its offset in floats in the parameter block (and in the gradient and Adam blocks)
  table: usize;      // RECORD i32 per block
  dsRows: usize;     // (B, logvarFloats) f32: each row's gradient of decoder.logvar, summed over rows in row order
  uniforms: usize;   // (B, D) f32: sample()'s uniform draws
}

/** Bytes the record adds after Layout's: none in a build without the blocks. */
export const LIKELIHOOD_RECORD_BYTES: usize = LIKELIHOODS ? offsetof<Likelihoods>() : 0;

// A block's record: the ABI's three fields, then where the block starts in x, in the output row and in decoder.logvar.
export const KIND = 0, WIDTH = 1, VARIANCE = 2, DATA_AT = 3, PARAM_AT = 4, LOGVAR_AT = 5;
const RECORD = 6;

export function likelihoods(): Likelihoods {
  return changetype<Likelihoods>(changetype<usize>(M) + offsetof<Layout>());
}

/** Whether the model has a likelihood table (always false in a build without the blocks). */
export function hasBlocks(): bool {
  return LIKELIHOODS && likelihoods().blocks > 0;
}

export function blockField(b: i32, f: i32): i32 {
  return load<i32>(likelihoods().table + ((<usize>(b * RECORD + f)) << 2));
}

/**
 * Reads the table at `at` (model_init's, after the layer records) and places decoder.logvar at float `offset` of the
 * parameter block. Returns the offset past it, or -1 when the table is malformed: an unknown kind or variance, widths
 * that do not sum to the input's, or parameters that are not what the decoder's out layer gives.
 */
export function likelihoodInit(at: usize, offset: i32): i32 {
  const X = likelihoods(), count = load<i32>(at);
  if (count <= 0 || (X.table = arena_alloc(<usize>(count * RECORD) << 2)) == 0) return -1;
  let data = 0, param = 0, lv = 0;
  for (let b = 0; b < count; b++) {
    const r = at + 4 + ((<usize>(b * BLOCK_FIELDS)) << 2);
    const kind = load<i32>(r + (<usize>BLOCK_KIND << 2)), width = load<i32>(r + (<usize>BLOCK_WIDTH << 2));
    const variance = kind == BLOCK_GAUSSIAN ? load<i32>(r + (<usize>BLOCK_VARIANCE << 2)) : VARIANCE_UNIT;
    if (width <= 0 || kind < BLOCK_BERNOULLI || kind > BLOCK_GAUSSIAN || variance < VARIANCE_UNIT || variance > VARIANCE_OUTPUT) return -1;
    if (kind == BLOCK_CATEGORICAL && width < 2) return -1;
    const rec = X.table + ((<usize>(b * RECORD)) << 2);
    store<i32>(rec, kind); store<i32>(rec + 4, width); store<i32>(rec + 8, variance);
    store<i32>(rec + 12, data); store<i32>(rec + 16, param); store<i32>(rec + 20, lv);
    data += width;
    param += variance == VARIANCE_OUTPUT ? 2 * width : width;
    lv += variance == VARIANCE_SHARED ? 1 : variance == VARIANCE_FEATURE ? width : 0;
  }
  if (data != M.inputDim || param != <i32>field(outLayer(), FAN_OUT)) return -1;
  X.blocks = count; X.width = param; X.logvarFloats = lv; X.logvarAt = offset;
  return offset + ((lv + 3) & ~3); // tensors start 16-byte aligned
}

/** Tensors the table adds after the layers' (decoder.logvar, when a block learns a log-variance of its own). */
export function tableTensors(): i32 {
  return hasBlocks() && likelihoods().logvarFloats > 0 ? 1 : 0;
}

/** Where decoder.logvar sits in the block at `base` (the parameters, their gradients, or one of Adam's moments). */
export function logvarIn(base: usize): usize {
  return base + (<usize>likelihoods().logvarAt << 2);
}
