// The likelihood, variance and scaling of a new run's model, from the flags and the data: a CSV's columns imply
// the likelihood (gaussian, or a list of gaussian and categorical blocks: wasm-vae/data's readCsv), and tabular
// data (a CSV, a float .npy) gets a learned per-column variance and standardisation unless the flags say
// otherwise. Images keep today's defaults (bernoulli, no variance or scaling keys).
// The variance, normalize and block-list options come with the issue 20 work on other branches: a default this
// library's VAE.create does not take yet is left out, with a note; a key given by flag is always passed.
import { VAE, VAEError, type VAEOptions } from '../index.js';
import type { TrainCommand } from './args.js';
import type { DataFile } from './data-file.js';

export interface ModelKeys {
  likelihood: unknown;
  variance?: string;
  normalize?: string;
}

/** The keys for VAE.create, and notes for the run's summary (defaults this library lacks). */
export async function modelKeys(cmd: TrainCommand, train: DataFile): Promise<{ keys: ModelKeys; notes: string[] }> {
  const tabular = train.table !== undefined || (train.dtype !== undefined && train.dtype !== 'uint8');
  const categorical = train.table?.columns.filter((c) => c.kind === 'categorical').map((c) => c.name) ?? [];
  let likelihood: unknown = cmd.likelihood;
  if (cmd.likelihood === 'auto') {
    likelihood = train.table ? train.table.likelihood : tabular ? 'gaussian' : 'bernoulli';
  } else if (categorical.length > 0) {
    throw new Error(`--likelihood ${cmd.likelihood}: the CSV has categorical columns (${categorical.join(', ')}), which need their own ` +
      'likelihood blocks: leave --likelihood out (or give auto), or --ignore those columns');
  }
  const notes: string[] = [];
  if (Array.isArray(likelihood) && !(await accepts({ inputDim: 3, likelihood: [{ gaussian: 1 }, { categorical: 2 }] }))) {
    throw new Error(`the CSV has categorical columns (${categorical.join(', ')}); this wasm-vae has no likelihood blocks for them yet: ` +
      'train without them (--ignore them)');
  }
  const keys: ModelKeys = { likelihood };
  const gaussian = likelihood === 'gaussian';
  const variance = cmd.variance ?? (tabular && gaussian ? 'feature' : undefined);
  if (variance !== undefined) {
    if (cmd.variance !== undefined || (await accepts({ inputDim: 1, likelihood: 'gaussian', variance }))) keys.variance = variance;
    else notes.push(`this wasm-vae has no variance option yet: unit variance`);
  }
  const normalize = cmd.normalize ?? (tabular && (gaussian || Array.isArray(likelihood)) ? 'standardize' : undefined);
  if (normalize !== undefined) {
    if (cmd.normalize !== undefined || (await accepts({ inputDim: 1, likelihood: 'gaussian', normalize }))) keys.normalize = normalize;
    else notes.push(`this wasm-vae has no normalize option yet: the data's own scale`);
  }
  return { keys, notes };
}

/** Whether VAE.create takes `options` (a tiny model, disposed at once): false on an INVALID_CONFIG error. */
async function accepts(options: Record<string, unknown>): Promise<boolean> {
  try {
    (await VAE.create({ hiddenDims: [], latentDim: 1, ...options } as unknown as VAEOptions)).dispose();
    return true;
  } catch (error) {
    if (error instanceof VAEError && error.code === 'INVALID_CONFIG') return false;
    throw error;
  }
}

/** A likelihood as the run's summary shows it: "gaussian (variance feature)", "gaussian 10 + categorical 4". */
export function describeLikelihood(config: { likelihood: unknown; variance?: unknown; normalize?: unknown }): string {
  const blocks = Array.isArray(config.likelihood)
    ? (config.likelihood as Array<Record<string, unknown>>).map((b) => Object.entries(b).map(([k, v]) => (k === 'variance' ? `(variance ${v})` : `${k} ${v}`)).join(' ')).join(' + ')
    : `${String(config.likelihood)}${config.variance !== undefined ? ` (variance ${String(config.variance)})` : ''}`;
  return `${blocks}${config.normalize !== undefined ? `, normalize ${String(config.normalize)}` : ''}`;
}
