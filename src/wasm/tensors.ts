// The model's tensors in wasm memory: where each weight tensor and its two Adam moments live, copies out and back,
// and the resumable training state that save({ includeOptimizer }) writes and load restores.
import type { Engine } from './instance.js';
import { VAEError } from '../errors.js';
import type { ModelFile } from '../files/model-file.js';
import { copyPosition, hasBestWeights, STATE_RECORD_BYTES, type FitPosition, type TrainingState } from '../train/state.js';

/** The three blocks laid out alike, tensor by tensor: the parameters, then Adam's m and v. */
export const PARAMETERS = 0, ADAM_M = 1, ADAM_V = 2;

function tensorIndices(e: Engine): number[] {
  return Array.from({ length: e.wasm.model_tensor_count() }, (_, t) => t);
}

/** Tensor t of the parameter block, or of the same place in Adam's m or v block. */
function tensorPtr(e: Engine, t: number, block: number): number {
  const w = e.wasm;
  const offset = w.model_tensor_ptr(t) - w.model_parameters();
  return [w.model_parameters(), w.model_adam_m(), w.model_adam_v()][block] + offset;
}

function readTensor(e: Engine, t: number, block: number): Float32Array {
  const w = e.wasm;
  return e.read(tensorPtr(e, t, block), w.model_tensor_floats(t));
}

/** Copies of every tensor of `block`, in the wasm tensor order. */
export function readTensors(e: Engine, block: number): Float32Array[] {
  return tensorIndices(e).map((t) => readTensor(e, t, block));
}

/** Writes tensors (in the wasm tensor order, each of its tensor's size) into `block`. */
export function writeTensors(e: Engine, tensors: Float32Array[], block: number): void {
  tensors.forEach((data, t) => e.write(tensorPtr(e, t, block), data));
}

/** Everything a resume needs beyond the weights; the best weights only where the position will restore them. */
export function readTrainingState(e: Engine, position: FitPosition | null, bestWeights: Float32Array[] | null): TrainingState {
  return {
    state: e.bytes(e.wasm.model_state(), STATE_RECORD_BYTES),
    m: readTensors(e, ADAM_M), v: readTensors(e, ADAM_V),
    fit: position && copyPosition(position),
    best: hasBestWeights(position) ? bestWeights : null,
  };
}

/** Writes a checked file's tensors and, when it has one, its training state (returned for the position it holds). */
export function restoreFile(e: Engine, file: ModelFile): TrainingState | null {
  if (e.wasm.model_state_bytes() !== STATE_RECORD_BYTES) {
    throw new VAEError('INVALID_ARGUMENT', `VAE.load: expected a wasm build with a ${STATE_RECORD_BYTES}-byte state record; this one has ${e.wasm.model_state_bytes()}`);
  }
  writeTensors(e, file.tensors, PARAMETERS);
  if (!file.training) return null;
  writeTensors(e, file.training.m, ADAM_M);
  writeTensors(e, file.training.v, ADAM_V);
  e.writeBytes(e.wasm.model_state(), file.training.state);
  return file.training;
}
