// `wasm-vae manifold`: for a 2-D latent, the n × n grid of decoded codes at normal quantiles (Kingma & Welling
// 2014, Figure 4), as one PNG.
import type { Command } from '../common.js';
import { integerOption, loadModel, parseOptions, tileShape } from '../common.js';
import { oneHot } from '../../index.js';
import { tilesOf, writeGrid } from '../images.js';

export const manifold: Command = {
  usage: `Usage: wasm-vae manifold --model FILE [options]

For a model with a 2-D latent (train --latent 2): decodes the n × n grid of codes at the normal quantiles
of evenly spaced probabilities in [0.05, 0.95]; z1 grows to the right, z2 upwards.

Options:
  --model FILE    the model (.safetensors)
  --n N           grid side (default 20)
  --class C       for a conditional model: the class to draw (default 0)
  --out FILE      the PNG (default manifold.png)
`,
  async run(argv) {
    const o = parseOptions(argv, { model: { type: 'string' }, n: { type: 'string' }, class: { type: 'string' }, out: { type: 'string' } });
    if (o === null) { process.stdout.write(manifold.usage); return; }
    const vae = await loadModel(o.model);
    if (vae.config.latentDim !== 2) throw new Error(`manifold needs a model with a 2-D latent; this one has latentDim ${vae.config.latentDim} (train with --latent 2)`);
    const n = integerOption('n', o.n, 20, 1, 200), C = vae.config.conditionDim;
    const conditions = C > 0 ? oneHot([integerOption('class', o.class, 0, 0, C - 1)], C) : undefined;
    const tile = tileShape(vae.config, null), out = (o.out as string) ?? 'manifold.png';
    writeGrid(out, tilesOf(vae.latentGrid(n, { conditions }), vae.config.inputDim), tile, n);
    console.log(`wrote ${out}: the ${n} × ${n} latent manifold`);
    vae.dispose();
  },
};
