// `wasm-vae sample`: a PNG grid of z ~ N(0, I) decoded; for a conditional model one row per class.
import type { Command } from '../common.js';
import { integerOption, loadModel, parseOptions, tileShape } from '../common.js';
import { classRowSamples, tilesOf, writeGrid } from '../images.js';

export const sample: Command = {
  usage: `Usage: wasm-vae sample --model FILE [options]

Decodes draws z ~ N(0, I) from the model's sample stream into a PNG grid. For a conditional model
each row is one class (condition c = one-hot of the row's class).

Options:
  --model FILE    the model (.safetensors)
  --n N           samples (default 64; for a conditional model: per class, default 8)
  --columns N     tiles per row (default 8)
  --out FILE      the PNG (default samples.png)
`,
  async run(argv) {
    const o = parseOptions(argv, { model: { type: 'string' }, n: { type: 'string' }, columns: { type: 'string' }, out: { type: 'string' } });
    if (o === null) { process.stdout.write(sample.usage); return; }
    const vae = await loadModel(o.model);
    const C = vae.config.conditionDim, tile = tileShape(vae.config, null), out = (o.out as string) ?? 'samples.png';
    if (C > 0) {
      const perClass = integerOption('n', o.n, 8, 1, 1024);
      writeGrid(out, tilesOf(classRowSamples(vae, perClass), vae.config.inputDim), tile, perClass);
      console.log(`wrote ${out}: ${C} rows (one per class) of ${perClass} samples`);
    } else {
      const n = integerOption('n', o.n, 64, 1, 100_000);
      writeGrid(out, tilesOf(vae.sample(n), vae.config.inputDim), tile, integerOption('columns', o.columns, 8, 1, 1024));
      console.log(`wrote ${out}: ${n} samples`);
    }
    vae.dispose();
  },
};
