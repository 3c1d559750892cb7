// Tensor names in a model file. Ours are `<layer>.weight` and `<layer>.bias` with the layer names of ./layout.ts
// (encoder.0 …, encoder.mean, encoder.logvar, decoder.0 …, decoder.out). The other namings map each of our layers
// to the prefix of a PyTorch module, whose state dict then holds `<prefix>.weight` and `<prefix>.bias`:
// pytorch/examples' vae/main.py (fc1, fc21, fc22, fc3, fc4), or a map the user gives, e.g. { 'encoder.0': 'enc.0' }
// for `self.enc = nn.Sequential(nn.Conv2d(…), …)`. A file stores a map as naming "custom" and the map, as JSON, in
// __metadata__.names. A model with learned log-variances has one more tensor, decoder.logvar (no layer's): a map may
// give it a parameter name of its own under that key, e.g. { …, 'decoder.logvar': 'log_sigma2' }.
import { VAEError, type VAEErrorCode } from '../errors.js';
import { logvarLengthOf } from '../checks/likelihood.js';
import { layersOf } from './layout.js';
import { shown } from './safetensors.js';
import type { TensorNaming, VAEConfig } from '../types.js';

/** How a file names its tensors: one of the fixed namings, or a complete map from our layers to module prefixes. */
export type Naming = TensorNaming | Readonly<Record<string, string>>;

/** What __metadata__.naming says for each naming. */
export const NAMINGS: readonly string[] = ['wasm-vae', 'pytorch-examples', 'custom'];

/** Prefixes of the optimizer's copies in a checkpoint (./model-file.ts): a module path may not start with them. */
export const OPTIMIZER_PREFIX = { m: 'optimizer.adam_m.', v: 'optimizer.adam_v.', best: 'early_stopping.best.' } as const;

// pytorch/examples vae/main.py: fc1 784→400, fc21/fc22 400→20 (μ, log σ²), fc3 20→400, fc4 400→784.
const PYTORCH_EXAMPLES: Record<string, string> = {
  'encoder.0': 'fc1', 'encoder.mean': 'fc21', 'encoder.logvar': 'fc22', 'decoder.0': 'fc3', 'decoder.out': 'fc4',
};

// A PyTorch module path: names joined by dots (as named_parameters() prints them), none of them empty, and not
// under a checkpoint's optimizer prefixes (OPTIMIZER_PREFIX), whose tensor names would then collide.
const MODULE_PATH = /^(?!optimizer\.adam_[mv]\.|early_stopping\.best\.)[^.]+(\.[^.]+)*$/;

/** The file's name of each tensor, in the wasm tensor order (our names with each layer's prefix replaced). */
export function fileNames(config: VAEConfig, naming: Naming, method: string): string[] {
  const layers = layersOf(config).map((l) => l.name);
  const prefixes = naming === 'wasm-vae' ? null : typeof naming === 'string' ? pytorchExamples(config, method) : naming;
  const names = layers.flatMap((layer) => {
    const prefix = prefixes === null ? layer : prefixes[layer];
    return [`${prefix}.weight`, `${prefix}.bias`];
  });
  if (logvarLengthOf(config) > 0) names.push(typeof naming === 'object' ? naming[LOGVAR] ?? LOGVAR : LOGVAR);
  return names;
}

/** The learned log-variances' tensor (files/layout.ts), which a name map may rename. */
const LOGVAR = 'decoder.logvar';

function pytorchExamples(config: VAEConfig, method: string): Record<string, string> {
  if (config.hiddenDims?.length !== 1 || config.conditionDim !== 0) {
    throw new VAEError('INVALID_ARGUMENT', `${method}: options.names "pytorch-examples" needs exactly one hidden layer, ` +
      `and no condition, as pytorch/examples' VAE has; this model has ${config.hiddenDims ? `hiddenDims [${config.hiddenDims}]` : 'encoder and decoder lists'} and conditionDim ${config.conditionDim}`);
  }
  return PYTORCH_EXAMPLES;
}

/** options.names of save() and load(), before the configuration is known: a fixed naming, or an object (a map). */
export function checkNamingKind(value: unknown, method: string): TensorNaming | object {
  if (value === 'wasm-vae' || value === 'pytorch-examples') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new VAEError('INVALID_ARGUMENT', `${method}: options.names must be "wasm-vae", "pytorch-examples" or a map from our ` +
      `layer names to your modules'; received ${shown(value)}`);
  }
  return value;
}

/** options.names checked against the model's configuration: a map is checked by checkNameMap. */
export function resolveNaming(value: TensorNaming | object, config: VAEConfig, method: string): Naming {
  return typeof value === 'string' ? value : checkNameMap(value, config, method, 'options.names', 'INVALID_ARGUMENT');
}

/**
 * A map from our layer names to module prefixes, complete and one-to-one: every layer of `config` named exactly
 * once, each by a dotted module path (a string) that no other layer has and that is not one of a checkpoint's
 * optimizer prefixes. Returns a copy in our layer order, so that a file's bytes do not depend on the keys' order.
 */
export function checkNameMap(value: unknown, config: VAEConfig, method: string, subject: string, code: VAEErrorCode): Readonly<Record<string, string>> {
  const fail = (expected: string, received: string): never => {
    throw new VAEError(code, `${method}: ${subject} must ${expected}; received ${received}`);
  };
  const layers = layersOf(config).map((l) => l.name), optional = logvarLengthOf(config) > 0 ? [LOGVAR] : [];
  const every = `name every layer of this model exactly once (${layers.join(', ')})` +
    (optional.length > 0 ? `, and may name the tensor ${LOGVAR}` : '');
  const plain = typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value));
  if (!plain) fail(every, typeof value !== 'object' || !value || Array.isArray(value) ? shown(value) : `a ${value.constructor?.name}`);
  const map = value as Record<string, unknown>;
  const unknown = Object.keys(map).filter((k) => !layers.includes(k) && !optional.includes(k));
  const missing = layers.filter((l) => !Object.prototype.hasOwnProperty.call(map, l));
  if (unknown.length > 0 || missing.length > 0) {
    fail(every, [unknown.length > 0 ? `${listed(unknown)}, not ${unknown.length === 1 ? 'a layer' : 'layers'} of it` : '',
      missing.length > 0 ? `no entry for ${listed(missing)}` : ''].filter(Boolean).join(', and '));
  }
  const seen = new Map<string, string>(), out: Record<string, string> = {};
  for (const layer of layers) {
    const t = map[layer];
    if (typeof t !== 'string' || !MODULE_PATH.test(t)) {
      fail('map each layer to a module path: a string of names joined by dots, such as "enc.0" (not under optimizer.adam_m, ' +
        'optimizer.adam_v or early_stopping.best, which a checkpoint uses)', `${shown(t)} for "${layer}"`);
    }
    const other = seen.get(t as string);
    if (other !== undefined) fail('map each layer to a different module', `${shown(t)} for both "${other}" and "${layer}"`);
    seen.set(t as string, layer);
    out[layer] = t as string;
  }
  if (optional.length > 0 && map[LOGVAR] !== undefined) {
    const t = map[LOGVAR], taken = new Set(Object.values(out).flatMap((p) => [`${p}.weight`, `${p}.bias`]));
    if (typeof t !== 'string' || !MODULE_PATH.test(t)) fail(`map ${LOGVAR} to a parameter name: a string of names joined by dots`, `${shown(t)} for "${LOGVAR}"`);
    if (taken.has(t as string)) fail(`map ${LOGVAR} to a name no layer's weight or bias has`, `${shown(t)}`);
    out[LOGVAR] = t as string;
  }
  return Object.freeze(out);
}

/** A few names for a message, each as JSON (or as they are), then how many more. */
export function listed(names: readonly string[], max = 6, quoted = true): string {
  const head = names.slice(0, max).map((n) => (quoted ? shown(n) : n)).join(', ');
  return names.length > max ? `${head} and ${names.length - max} more` : head;
}
