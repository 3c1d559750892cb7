// `wasm-vae encode`: the posterior means (and log-variances) of a data set, as CSV.
import type { Command } from '../common.js';
import { integerOption, loadModel, parseOptions, readDataset } from '../common.js';
import { writeFileAtomic } from '../atomic-write.js';
import { readIdxLabels } from '../idx.js';

export const encode: Command = {
  usage: `Usage: wasm-vae encode --model FILE [options]

Writes the posterior q(z|x) of each image as CSV: a header, then one row per image with
mean_1..mean_L and logvar_1..logvar_L (and the label, when --labels is given or the model is conditional).

Options:
  --model FILE    the model (.safetensors)
  --data PATH     images: an IDX file or a folder of PNGs and JPEGs (default: MNIST's test images)
  --labels FILE   their labels (default for a conditional model: MNIST's test labels)
  --limit N       the first N images only
  --out FILE      the CSV (default latents.csv)
`,
  async run(argv) {
    const o = parseOptions(argv, { model: { type: 'string' }, data: { type: 'string' }, labels: { type: 'string' },
      limit: { type: 'string' }, out: { type: 'string' } });
    if (o === null) { process.stdout.write(encode.usage); return; }
    const vae = await loadModel(o.model);
    const set = readDataset(vae, o.data, o.labels, o.limit === undefined ? undefined : integerOption('limit', o.limit, 0, 1));
    const labels = typeof o.labels === 'string' ? readIdxLabels(o.labels)
      : set.conditions ? Uint8Array.from({ length: set.count }, (_, i) => set.conditions!.subarray(i * vae.config.conditionDim).indexOf(1)) : null;
    const { mean, logVar } = vae.encode(set.data, { conditions: set.conditions });
    const L = vae.config.latentDim;
    const header = [...Array.from({ length: L }, (_, j) => `mean_${j + 1}`), ...Array.from({ length: L }, (_, j) => `logvar_${j + 1}`), ...(labels ? ['label'] : [])];
    const lines = [header.join(',')];
    for (let i = 0; i < set.count; i++) {
      const row = [...mean.subarray(i * L, (i + 1) * L), ...logVar.subarray(i * L, (i + 1) * L)].map((v) => String(v));
      if (labels) row.push(String(labels[i]));
      lines.push(row.join(','));
    }
    const out = (o.out as string) ?? 'latents.csv';
    writeFileAtomic(out, `${lines.join('\n')}\n`);
    console.log(`wrote ${out}: ${set.count} rows of ${L} means and ${L} log-variances`);
    vae.dispose();
  },
};
