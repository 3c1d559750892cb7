// wasm-vae's model file: safetensors with PyTorch's [out, in] weights, tensor names by role, and the
// configuration plus a format version in __metadata__.
import { VAEError } from './errors.js';
import type { VAEConfig } from './types.js';

export const FORMAT = 'wasm-vae';
export const FORMAT_VERSION = '1';

/** Tensor names in the wasm parameter order: per layer its weight, then its bias. */
export function tensorNames(hiddenCount: number): string[] {
  const layers: string[] = [];
  for (let i = 0; i < hiddenCount; i++) layers.push(`encoder.${i}`);
  layers.push('encoder.mean', 'encoder.logvar');
  for (let i = 0; i < hiddenCount; i++) layers.push(`decoder.${i}`);
  layers.push('decoder.out');
  return layers.flatMap((layer) => [`${layer}.weight`, `${layer}.bias`]);
}

export function modelMetadata(config: VAEConfig): Record<string, string> {
  return { format: FORMAT, format_version: FORMAT_VERSION, config: JSON.stringify(config) };
}

/** The configuration stored in a file's metadata (still to be checked by resolveConfig). */
export function configFromMetadata(metadata: Record<string, string>): unknown {
  const fail = (detail: string): never => {
    throw new VAEError('INVALID_MODEL_FILE', `VAE.load: expected a ${FORMAT} model file; ${detail}`);
  };
  if (metadata.format !== FORMAT) fail(`__metadata__.format is ${JSON.stringify(metadata.format)}`);
  if (metadata.format_version !== FORMAT_VERSION) {
    fail(`__metadata__.format_version is ${JSON.stringify(metadata.format_version)}, this version reads "${FORMAT_VERSION}"`);
  }
  try {
    return JSON.parse(metadata.config ?? '');
  } catch {
    return fail('__metadata__.config is not JSON');
  }
}
