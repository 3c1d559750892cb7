// Checking a configuration's likelihood and variance (src/types.ts Likelihood, GaussianVariance), and what follows
// from them: the wasm likelihood table (assembly/abi.ts LIKELIHOOD_TABLE), the decoder's output width P and the
// length of the tensor decoder.logvar.
import * as abi from '../../build/abi.js';
import type { GaussianVariance, Likelihood, LikelihoodBlock, VAEConfig } from '../types.js';

type Fail = (what: string, expected: string, value: unknown) => never;

export const VARIANCES: readonly GaussianVariance[] = ['unit', 'shared', 'feature', 'output'];
const KINDS = ['gaussian', 'categorical', 'bernoulli'] as const;
const MAX_BLOCKS = 1 << 16;
const VARIANCE_CODES: Readonly<Record<GaussianVariance, number>> = {
  unit: abi.VARIANCE_UNIT, shared: abi.VARIANCE_SHARED, feature: abi.VARIANCE_FEATURE, output: abi.VARIANCE_OUTPUT,
};
const KIND_CODES = { gaussian: abi.BLOCK_GAUSSIAN, categorical: abi.BLOCK_CATEGORICAL, bernoulli: abi.BLOCK_BERNOULLI } as const;

/** A checked, frozen copy of a likelihood list; its widths sum to `inputDim`. */
export function resolveBlocks(value: readonly unknown[], inputDim: number, fail: Fail): readonly LikelihoodBlock[] {
  if (value.length === 0 || value.length > MAX_BLOCKS) fail('likelihood', `'bernoulli', 'gaussian' or a list of 1 to ${MAX_BLOCKS} blocks`, value);
  const blocks = value.map((block, i) => resolveBlock(block, `likelihood[${i}]`, fail));
  const widths = blocks.map(blockWidth), total = widths.reduce((a, b) => a + b, 0);
  if (total !== inputDim) {
    fail("likelihood's block widths", `integers summing to inputDim (${inputDim})`, `${widths.join(' + ')} = ${total}`);
  }
  return Object.freeze(blocks);
}

function resolveBlock(block: unknown, name: string, fail: Fail): LikelihoodBlock {
  const expected = `one of { gaussian: w, variance? }, { categorical: k } or { bernoulli: w }`;
  if (typeof block !== 'object' || block === null || Array.isArray(block)) fail(name, expected, block);
  const o = block as Record<string, unknown>;
  const kinds = KINDS.filter((k) => o[k] !== undefined);
  if (kinds.length !== 1) fail(name, expected, block);
  const kind = kinds[0];
  for (const key of Object.keys(o)) {
    if (key !== kind && !(kind === 'gaussian' && key === 'variance') && o[key] !== undefined) {
      fail(`${name}.${key}`, kind === 'gaussian' ? 'absent (a Gaussian block has gaussian and variance)' : `absent (a ${kind} block has only ${kind})`, o[key]);
    }
  }
  const width = o[kind], least = kind === 'categorical' ? 2 : 1;
  if (!Number.isInteger(width) || (width as number) < least) {
    fail(`${name}.${kind}`, `an integer >= ${least}${kind === 'categorical' ? ' (a categorical block needs k >= 2 classes)' : ''}`, width);
  }
  if (kind !== 'gaussian') return Object.freeze({ [kind]: width } as LikelihoodBlock);
  if (o.variance === undefined) return Object.freeze({ gaussian: width as number });
  return Object.freeze({ gaussian: width as number, variance: checkVariance(o.variance, `${name}.variance`, fail) });
}

export function checkVariance(value: unknown, name: string, fail: Fail): GaussianVariance {
  if (!VARIANCES.includes(value as GaussianVariance)) fail(name, `one of ${VARIANCES.map((v) => `'${v}'`).join(', ')}`, value);
  return value as GaussianVariance;
}

const blockWidth = (b: LikelihoodBlock): number => ('gaussian' in b ? b.gaussian : 'categorical' in b ? b.categorical : b.bernoulli);

/** The likelihood as blocks: a list as it is, 'gaussian' as one block of every column with the config's variance. */
export function blocksOf(c: Pick<VAEConfig, 'likelihood' | 'variance' | 'inputDim'>): readonly LikelihoodBlock[] {
  if (Array.isArray(c.likelihood)) return c.likelihood;
  const D = c.inputDim;
  return c.likelihood === 'gaussian' ? [{ gaussian: D, variance: c.variance ?? 'unit' }] : [{ bernoulli: D }];
}

/** Whether the model needs the wasm likelihood table: a list, or a learned variance. */
export function hasTable(c: Pick<VAEConfig, 'likelihood' | 'variance'>): boolean {
  return Array.isArray(c.likelihood) || (c.variance !== undefined && c.variance !== 'unit');
}

/** [offset, width, block] of each block, in column order. */
export function blockColumns(c: Pick<VAEConfig, 'likelihood' | 'variance' | 'inputDim'>): Array<{ at: number; width: number; block: LikelihoodBlock }> {
  let at = 0;
  return blocksOf(c).map((block) => { const width = blockWidth(block); at += width; return { at: at - width, width, block }; });
}

const varianceOf = (b: LikelihoodBlock): GaussianVariance => ('gaussian' in b ? b.variance ?? 'unit' : 'unit');

/** P: the values per example the decoder gives (inputDim, plus each 'output' block's log-variances). */
export function outputWidthOf(c: Pick<VAEConfig, 'likelihood' | 'variance' | 'inputDim'>): number {
  return blocksOf(c).reduce((p, b) => p + blockWidth(b) * (varianceOf(b) === 'output' ? 2 : 1), 0);
}

/** decoder.logvar's length: one per 'shared' block, one per column of a 'feature' block (0: no such tensor). */
export function logvarLengthOf(c: Pick<VAEConfig, 'likelihood' | 'variance' | 'inputDim'>): number {
  return blocksOf(c).reduce((n, b) => n + (varianceOf(b) === 'shared' ? 1 : varianceOf(b) === 'feature' ? blockWidth(b) : 0), 0);
}

/** The table model_init reads after the layer records: the block count, then abi.BLOCK_FIELDS u32 per block. */
export function likelihoodTableOf(c: VAEConfig): Uint32Array | null {
  if (!hasTable(c)) return null;
  const blocks = blocksOf(c), F = abi.BLOCK_FIELDS, table = new Uint32Array(1 + blocks.length * F);
  table[0] = blocks.length;
  blocks.forEach((b, i) => {
    const kind = KINDS.find((k) => k in b)!, r = 1 + i * F;
    table[r + abi.BLOCK_KIND] = KIND_CODES[kind];
    table[r + abi.BLOCK_WIDTH] = blockWidth(b);
    table[r + abi.BLOCK_VARIANCE] = VARIANCE_CODES[varianceOf(b)];
  });
  return table;
}

/** The likelihood as text for messages and logs: 'gaussian', or the list in JSON. */
export function likelihoodName(likelihood: Likelihood): string {
  return typeof likelihood === 'string' ? likelihood : JSON.stringify(likelihood);
}
