// The likelihood, variance and scaling of a new run's model, from the flags and the data: a CSV's columns imply
// the likelihood (gaussian, or a list of gaussian and categorical blocks: wasm-vae/data's readCsv), and tabular
// data (a CSV, a float .npy) gets a learned per-column variance and standardisation unless the flags say
// otherwise. Images keep today's defaults (bernoulli, no variance or scaling keys).
import type { TrainCommand } from './args.js';
import type { DataFile } from './data-file.js';

export interface ModelKeys {
  likelihood: unknown;
  variance?: string;
  normalize?: string;
}

/** The keys for VAE.create: the likelihood (a CSV's own), and for tabular data a learned per-column variance and standardisation unless the flags say otherwise. */
export function modelKeys(cmd: TrainCommand, train: DataFile): ModelKeys {
  const tabular = train.table !== undefined || (train.dtype !== undefined && train.dtype !== 'uint8');
  const categorical = train.table?.columns.filter((c) => c.kind === 'categorical').map((c) => c.name) ?? [];
  let likelihood: unknown = cmd.likelihood;
  if (cmd.likelihood === 'auto') {
    likelihood = train.table ? train.table.likelihood : tabular ? 'gaussian' : 'bernoulli';
  } else if (categorical.length > 0) {
    throw new Error(`--likelihood ${cmd.likelihood}: the CSV has categorical columns (${categorical.join(', ')}), which need their own ` +
      'likelihood blocks: leave --likelihood out (or give auto), or --ignore those columns');
  }
  // A list carries each Gaussian block's variance itself: --variance sets theirs.
  const blocks = Array.isArray(likelihood) ? (likelihood as Array<Record<string, unknown>>) : null;
  if (blocks && cmd.variance !== undefined) likelihood = blocks.map((b) => ('gaussian' in b ? { ...b, variance: cmd.variance } : b));
  const keys: ModelKeys = { likelihood };
  const variance = blocks ? undefined : cmd.variance ?? (tabular && likelihood === 'gaussian' ? 'feature' : undefined);
  if (variance !== undefined) keys.variance = variance;
  // Standardisation scales Gaussian columns: a table of categories alone has none to scale.
  const gaussian = likelihood === 'gaussian' || (blocks?.some((b) => 'gaussian' in b) ?? false);
  const normalize = cmd.normalize ?? (tabular && gaussian ? 'standardize' : undefined);
  if (normalize !== undefined) keys.normalize = normalize;
  return keys;
}

/** A likelihood as the run's summary shows it: "gaussian (variance feature)", "gaussian 10 + categorical 4". */
export function describeLikelihood(config: { likelihood: unknown; variance?: unknown; normalize?: unknown }): string {
  const blocks = Array.isArray(config.likelihood)
    ? (config.likelihood as Array<Record<string, unknown>>).map((b) => Object.entries(b).map(([k, v]) => (k === 'variance' ? `(variance ${v})` : `${k} ${v}`)).join(' ')).join(' + ')
    : `${String(config.likelihood)}${config.variance !== undefined ? ` (variance ${String(config.variance)})` : ''}`;
  return `${blocks}${config.normalize !== undefined ? `, normalize ${String(config.normalize)}` : ''}`;
}
