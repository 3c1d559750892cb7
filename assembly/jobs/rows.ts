// The per-row math of a job: a row's forward pass, its losses and its input gradients read only that row, so a
// thread runs the whole pipeline on its row chunk without waiting for the others. Layers in order (model.ts):
// encoder → (μ, log σ²) → z = μ + σ·ε → decoder → the likelihood's parameters.
import {
  M, field, isDense, transposedWeight, logvarLayer, firstDecoderLayer, outLayer,
  FAN_IN, FAN_OUT, BIAS, INPUT, OUTPUT, INPUT_GRAD, OUTPUT_GRAD, ACTIVATED, ACCUMULATE_DX, WEIGHT, LOGVAR_MIN, LOGVAR_MAX,
} from '../model';
import { convForwardRows, convBackwardInputRows } from './conv-layers';
import { LIKELIHOOD_BERNOULLI as BERNOULLI } from '../abi';
import { dense_forward_transposed, dense_backward_input } from '../kernels/dense';
import { EPILOGUE_NONE, EPILOGUE_RELU, EPILOGUE_LEAKY_RELU } from '../kernels/gemm';
import { activation_forward, activation_backward, clamp_forward, clamp_backward, fusable, RELU, SIGMOID } from '../kernels/activations';
import { reparameterize_forward, reparameterize_backward } from '../kernels/gaussian';
import { bernoulli_logits_loss, gaussian_unit_loss, kl_backward } from '../kernels/losses';
import { kl_rows, concat_rows, take_columns } from '../kernels/estimators';
import { rowAt, rowLists } from './schedule';
import { LIKELIHOODS, hasBlocks } from '../likelihood-model';
import { tableLossRows, tableMeanRows } from './likelihood-rows';

function layerForwardRows(l: i32, r0: i32, r1: i32): void {
  const inDim = <i32>field(l, FAN_IN), outDim = <i32>field(l, FAN_OUT), rows = r1 - r0;
  // ReLU and leaky ReLU are applied by gemm to each finished tile (no second pass over y); tanh and sigmoid after.
  const act = field(l, ACTIVATED) != 0, fused = act && fusable(M.activation);
  const epilogue = !fused ? EPILOGUE_NONE : M.activation == RELU ? EPILOGUE_RELU : EPILOGUE_LEAKY_RELU;
  const y = field(l, OUTPUT) + rowAt(r0, outDim);
  // @ts-ignore: CONV_LAYERS is asc's --use constant (asconfig.json); 0 compiles the convolution layers out
  if (CONV_LAYERS && !isDense(l)) convForwardRows(l, r0, r1, epilogue);
  else dense_forward_transposed(y, field(l, INPUT) + rowAt(r0, inDim), transposedWeight(l), field(l, BIAS), rowLists(r0), rows, inDim, outDim, epilogue, M.skipPolicy);
  if (act && !fused) activation_forward(M.activation, y, rows * outDim);
}

/** The row part of a layer's backward: the activation's mask on dy, then dx = dy·W for rows [r0, r1). */
function layerBackwardRows(l: i32, r0: i32, r1: i32): void {
  const inDim = <i32>field(l, FAN_IN), outDim = <i32>field(l, FAN_OUT), rows = r1 - r0;
  const dy = field(l, OUTPUT_GRAD) + rowAt(r0, outDim);
  if (field(l, ACTIVATED) != 0) activation_backward(M.activation, dy, field(l, OUTPUT) + rowAt(r0, outDim), rows * outDim);
  if (field(l, INPUT_GRAD) == 0) return;
  // @ts-ignore: asc's --use constant
  if (CONV_LAYERS && !isDense(l)) convBackwardInputRows(l, r0, r1);
  else dense_backward_input(field(l, INPUT_GRAD) + rowAt(r0, inDim), dy, field(l, WEIGHT), rows, inDim, outDim, field(l, ACCUMULATE_DX) != 0);
}

/** Encoder for rows [r0, r1): x → (μ, logVar), logVar clamped (see model.ts, the divergence guard). */
export function encodeRows(r0: i32, r1: i32): void {
  const C = M.conditionDim, L = M.latentDim, join = M.joinAt;
  for (let l = 0; l <= logvarLayer(); l++) {
    if (C > 0 && l == join) {
      // [x, c] before the encoder's first dense layer (x: the input, or the flattened output of the layer before)
      const width = <i32>field(join, FAN_IN) - C, from = join == 0 ? M.xBuf : field(join - 1, OUTPUT);
      concat_rows(M.joinedX + rowAt(r0, width + C), from + rowAt(r0, width), width, M.conditions + rowAt(r0, C), C, r1 - r0);
    }
    layerForwardRows(l, r0, r1);
  }
  clamp_forward(M.logvar + rowAt(r0, L), (r1 - r0) * L, LOGVAR_MIN, LOGVAR_MAX);
}

/**
 * Decoder for rows [r0, r1): z → logits (or Gaussian means); with `mean`, the likelihood's mean applied (a likelihood
 * table's means go to the input buffer, D per row: likelihood-rows.ts).
 */
export function decodeRows(r0: i32, r1: i32, mean: bool): void {
  const D = M.inputDim, C = M.conditionDim, L = M.latentDim;
  if (C > 0) concat_rows(M.joinedZ + rowAt(r0, L + C), M.z + rowAt(r0, L), L, M.conditions + rowAt(r0, C), C, r1 - r0);
  for (let l = firstDecoderLayer(); l <= outLayer(); l++) layerForwardRows(l, r0, r1);
  if (LIKELIHOODS && mean && hasBlocks()) tableMeanRows(r0, r1);
  else if (mean && M.likelihood == BERNOULLI) activation_forward(SIGMOID, M.logits + rowAt(r0, D), (r1 - r0) * D);
}

/** z = μ + σ·ε for rows [r0, r1). */
export function reparameterizeRows(r0: i32, r1: i32): void {
  const L = M.latentDim, o = rowAt(r0, L);
  reparameterize_forward(M.z + o, M.mu + o, M.logvar + o, M.eps + o, (r1 - r0) * L);
}

/** rowNll[r] = −log p(x_r | z_r) from the last decode's logits, and its gradient ×scale into dlogits. */
export function reconstructionRows(r0: i32, r1: i32, scale: f32): void {
  if (LIKELIHOODS && hasBlocks()) { tableLossRows(r0, r1, scale); return; }
  const D = M.inputDim;
  for (let r = r0; r < r1; r++) {
    const o = rowAt(r, D);
    const nll = M.likelihood == BERNOULLI
      ? bernoulli_logits_loss(M.dlogits + o, M.logits + o, M.xBuf + o, D, scale)
      : gaussian_unit_loss(M.dlogits + o, M.logits + o, M.xBuf + o, D, scale);
    store<f64>(M.rowNll + (<usize>r << 3), nll);
  }
}

/** One posterior sample per row through the losses: rowNll and rowKl for rows [r0, r1) (ε already drawn). */
export function forwardLossRows(r0: i32, r1: i32, scale: f32): void {
  encodeRows(r0, r1);
  reparameterizeRows(r0, r1);
  decodeRows(r0, r1, false);
  reconstructionRows(r0, r1, scale);
  kl_rows(M.rowKl + (<usize>r0 << 3), M.mu + rowAt(r0, M.latentDim), M.logvar + rowAt(r0, M.latentDim), r1 - r0, M.latentDim);
}

/** The backward of rows [r0, r1) up to the latent gradients: decoder, then the KL's gradient. */
export function decoderBackwardRows(r0: i32, r1: i32, scale: f32): void {
  const L = M.latentDim, C = M.conditionDim, o = rowAt(r0, L), rows = r1 - r0;
  for (let l = outLayer(); l >= firstDecoderLayer(); l--) layerBackwardRows(l, r0, r1);
  if (C > 0) take_columns(M.dz + o, M.djoinedZ + rowAt(r0, L + C), rows, L + C, L);
  kl_backward(M.dmu + o, M.dlogvar + o, M.mu + o, M.logvar + o, rows * L, M.beta * scale);
}

/** The rest of the backward of rows [r0, r1): through the reparameterisation and the clamp, then the encoder. */
export function encoderBackwardRows(r0: i32, r1: i32): void {
  const L = M.latentDim, o = rowAt(r0, L), n = (r1 - r0) * L;
  reparameterize_backward(M.dmu + o, M.dlogvar + o, M.dz + o, M.logvar + o, M.eps + o, n);
  clamp_backward(M.dlogvar + o, M.logvar + o, n, LOGVAR_MIN, LOGVAR_MAX);
  const C = M.conditionDim, join = M.joinAt;
  for (let l = logvarLayer(); l >= 0; l--) {
    layerBackwardRows(l, r0, r1);
    if (C > 0 && l == join && join > 0) {
      const width = <i32>field(join, FAN_IN) - C; // the joined input's gradient, less the condition's columns
      take_columns(field(join - 1, OUTPUT_GRAD) + rowAt(r0, width), M.djoinedX + rowAt(r0, width + C), r1 - r0, width + C, width);
    }
  }
}
