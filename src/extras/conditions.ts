// Conditions for a conditional VAE: one-hot rows from class labels.
import { describe, VAEError } from '../errors.js';

/** n × classes one-hot rows for n integer labels in [0, classes): the conditions of a class-conditional VAE. */
export function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  if (!Number.isInteger(classes) || classes < 1) {
    throw new VAEError('INVALID_ARGUMENT', `oneHot: classes must be a positive integer; received ${describe(classes)}`);
  }
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new VAEError('INVALID_ARGUMENT', `oneHot: labels must be integers in [0, ${classes}); received ${describe(label)} at index ${i}`);
    }
    out[i * classes + label] = 1;
  }
  return out;
}
