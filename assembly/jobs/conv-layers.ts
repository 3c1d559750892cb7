// The convolution layers' parts of a job (kernels/conv.ts): a row chunk's forward and input gradient (each example
// is a row of C·H·W values, NCHW), and the weight gradient in chunks of the weight's first dimension (Conv2d's
// output channels, ConvTranspose2d's input channels), which sums over every image. Each thread has its own scratch.
// Compiled only where asc's --use CONV_LAYERS=1 (asconfig.json): the dense-only build leaves them out.
import {
  M, field, specOf, FAN_IN, FAN_OUT, WEIGHT, BIAS, WEIGHT_GRAD, BIAS_GRAD, INPUT, OUTPUT, INPUT_GRAD, OUTPUT_GRAD,
  WEIGHT_FLOATS, ACCUMULATE_DX, GRADIENT_LIMIT,
} from '../model';
import { first_outside } from '../kernels/checks';
import { LAYER_CONV2D } from '../abi';
import {
  conv2d_forward, conv2d_backward_input, conv2d_backward_weight_rows, conv2d_scratch_floats,
  conv_transpose2d_forward, conv_transpose2d_backward_input, conv_transpose2d_backward_weight_rows, conv_transpose2d_scratch_floats,
} from '../kernels/conv';
import { rowAt, threads, tid } from './schedule';

function isConv2d(l: i32): bool { return specOf(l).kind == LAYER_CONV2D; }

/** PyTorch's fan-in for the initial weights: in·kH·kW (Conv2d), out·kH·kW (ConvTranspose2d's weight's dim 1). */
export function convFanIn(l: i32): i32 {
  const d = specOf(l);
  return (isConv2d(l) ? d.inC : d.outC) * d.kernelH * d.kernelW;
}

/** Bytes of one thread's scratch for layer l's kernels, 16-byte aligned. */
export function convScratchBytes(l: i32): usize {
  const d = specOf(l);
  const n = isConv2d(l) ? conv2d_scratch_floats(d.inC, d.inH, d.inW, d.outC, d.kernelH, d.kernelW, d.stride, d.padding)
    : conv_transpose2d_scratch_floats(d.inC, d.inH, d.inW, d.outC, d.kernelH, d.kernelW, d.stride, d.padding);
  return ((<usize>n << 2) + 15) & ~(<usize>15);
}

function scratch(): usize { return M.convScratch + <usize>tid * M.convScratchBytes; }

/** y = epilogue(conv(x) + b) for rows [r0, r1): the layer's output overwritten. */
export function convForwardRows(l: i32, r0: i32, r1: i32, epilogue: i32): void {
  const d = specOf(l);
  const y = field(l, OUTPUT) + rowAt(r0, <i32>field(l, FAN_OUT)), x = field(l, INPUT) + rowAt(r0, <i32>field(l, FAN_IN));
  if (isConv2d(l)) conv2d_forward(y, x, field(l, WEIGHT), field(l, BIAS), scratch(), r1 - r0, d.inC, d.inH, d.inW, d.outC, d.kernelH, d.kernelW, d.stride, d.padding, epilogue);
  else conv_transpose2d_forward(y, x, field(l, WEIGHT), field(l, BIAS), scratch(), r1 - r0, d.inC, d.inH, d.inW, d.outC, d.kernelH, d.kernelW, d.stride, d.padding, epilogue);
}

/** dx for rows [r0, r1) from the layer's output gradient dy (already through the activation's mask). */
export function convBackwardInputRows(l: i32, r0: i32, r1: i32): void {
  const d = specOf(l);
  const dx = field(l, INPUT_GRAD) + rowAt(r0, <i32>field(l, FAN_IN)), dy = field(l, OUTPUT_GRAD) + rowAt(r0, <i32>field(l, FAN_OUT));
  const accumulate = field(l, ACCUMULATE_DX) != 0;
  if (isConv2d(l)) conv2d_backward_input(dx, dy, field(l, WEIGHT), scratch(), r1 - r0, d.inC, d.inH, d.inW, d.outC, d.kernelH, d.kernelW, d.stride, d.padding, accumulate);
  else conv_transpose2d_backward_input(dx, dy, field(l, WEIGHT), scratch(), r1 - r0, d.inC, d.inH, d.inW, d.outC, d.kernelH, d.kernelW, d.stride, d.padding, accumulate);
}

/** Rows of the weight's first dimension: the unit a weight-gradient chunk splits. */
function weightRows(l: i32): i32 { return isConv2d(l) ? specOf(l).outC : specOf(l).inC; }

/**
 * Rows per weight-gradient chunk: every row on one thread (each chunk builds the whole batch's patch rows, so fewer
 * chunks repeat less), else about two chunks per thread, so a faster core can take more.
 */
function chunkRows(l: i32): i32 {
  const rows = weightRows(l);
  return threads == 1 ? rows : max(1, (rows + 2 * threads - 1) / (2 * threads));
}

/** Weight-gradient chunks of layer l. */
export function convWeightChunks(l: i32): i32 { const n = chunkRows(l); return (weightRows(l) + n - 1) / n; }

/**
 * Chunk c of layer l's weight gradient over the whole batch, overwritten, with its share of the bias gradient
 * (Conv2d: the chunk's own output channels; ConvTranspose2d: all of it, in the chunk at row 0). Returns whether
 * what it wrote holds a value beyond ±GRADIENT_LIMIT (the divergence guard, model.ts).
 */
export function convWeightGradientChunk(l: i32, c: i32, batch: i32): bool {
  const d = specOf(l);
  const n = chunkRows(l), r0 = c * n, r1 = min(weightRows(l), r0 + n), perRow = <i32>field(l, WEIGHT_FLOATS) / weightRows(l);
  const dw = field(l, WEIGHT_GRAD), db = field(l, BIAS_GRAD), dy = field(l, OUTPUT_GRAD), x = field(l, INPUT);
  let biasFrom = 0, biasTo = 0;
  if (isConv2d(l)) {
    conv2d_backward_weight_rows(dw, db, dy, x, scratch(), batch, d.inC, d.inH, d.inW, d.outC, d.kernelH, d.kernelW, d.stride, d.padding, r0, r1, false);
    biasFrom = r0; biasTo = r1;
  } else {
    conv_transpose2d_backward_weight_rows(dw, db, dy, x, scratch(), batch, d.inC, d.inH, d.inW, d.outC, d.kernelH, d.kernelW, d.stride, d.padding, r0, r1, false);
    if (r0 == 0) biasTo = d.outC;
  }
  return first_outside(dw + rowAt(r0, perRow), (r1 - r0) * perRow, -GRADIENT_LIMIT, GRADIENT_LIMIT) >= 0 ||
    first_outside(db + (<usize>biasFrom << 2), biasTo - biasFrom, -GRADIENT_LIMIT, GRADIENT_LIMIT) >= 0;
}
