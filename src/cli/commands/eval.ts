// `wasm-vae eval`: the negative ELBO of a data set, and with --samples the importance-weighted bound.
import type { Command } from '../common.js';
import { integerOption, loadModel, parseOptions, readDataset } from '../common.js';

export const evaluate: Command = {
  usage: `Usage: wasm-vae eval --model FILE [options]

Prints the negative ELBO (reconstruction + KL) in nats per example and, with --samples K, the
importance-weighted bound on -log p(x) of Burda et al. (2016): an upper bound on the negative
log-likelihood that tightens as K grows (K = 1 is the negative ELBO).

Options:
  --model FILE    the model (.safetensors)
  --data PATH     images: an IDX file or a folder of PNGs and JPEGs (default: MNIST's test images)
  --labels FILE   their labels, for a conditional model (default: MNIST's test labels)
  --limit N       the first N images only
  --samples K     importance samples per image (e.g. 1, 10, 100, 1000)
`,
  async run(argv) {
    const o = parseOptions(argv, { model: { type: 'string' }, data: { type: 'string' }, labels: { type: 'string' },
      limit: { type: 'string' }, samples: { type: 'string' } });
    if (o === null) { process.stdout.write(evaluate.usage); return; }
    const vae = await loadModel(o.model);
    const set = readDataset(vae, o.data, o.labels, o.limit === undefined ? undefined : integerOption('limit', o.limit, 0, 1));
    const samples = o.samples === undefined ? undefined : integerOption('samples', o.samples, 1, 1, 100_000);
    const start = performance.now();
    const e = vae.evaluate(set.data, { conditions: set.conditions, samples });
    console.log(`${set.count} images: -ELBO ${e.loss.toFixed(3)} nats (reconstruction ${e.reconstruction.toFixed(3)}, KL ${e.kl.toFixed(3)})` +
      (e.logLikelihood === undefined ? '' : `; -log p(x) <= ${(-e.logLikelihood).toFixed(3)} nats (IWAE, k = ${samples})`) +
      `  ${((performance.now() - start) / 1000).toFixed(1)} s`);
    vae.dispose();
  },
};
