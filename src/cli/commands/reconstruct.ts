// `wasm-vae reconstruct`: inputs beside their reconstructions decode(encode(x).mean), as a PNG grid.
import type { Command } from '../common.js';
import { integerOption, loadModel, parseOptions, readDataset, tileShape } from '../common.js';
import { pairRows, tilesOf, writeGrid } from '../images.js';

export const reconstruct: Command = {
  usage: `Usage: wasm-vae reconstruct --model FILE [options]

Writes a PNG whose rows alternate: --columns inputs, then their reconstructions decode(encode(x).mean).

Options:
  --model FILE    the model (.safetensors)
  --data PATH     images: an IDX file or a folder of PNGs and JPEGs (default: MNIST's test images)
  --labels FILE   their labels, for a conditional model (default: MNIST's test labels)
  --n N           images (default 32)
  --columns N     tiles per row (default 8)
  --out FILE      the PNG (default reconstructions.png)
`,
  async run(argv) {
    const o = parseOptions(argv, { model: { type: 'string' }, data: { type: 'string' }, labels: { type: 'string' }, n: { type: 'string' },
      columns: { type: 'string' }, out: { type: 'string' } });
    if (o === null) { process.stdout.write(reconstruct.usage); return; }
    const vae = await loadModel(o.model);
    const set = readDataset(vae, o.data, o.labels, integerOption('n', o.n, 32, 1, 100_000));
    const columns = integerOption('columns', o.columns, 8, 1, 1024), D = vae.config.inputDim, tile = tileShape(vae.config, set);
    const inputs = tilesOf(set.data, D), recons = tilesOf(vae.reconstruct(set.data, { conditions: set.conditions }), D);
    const out = (o.out as string) ?? 'reconstructions.png';
    writeGrid(out, pairRows(inputs, recons, columns), tile, columns);
    console.log(`wrote ${out}: ${set.count} inputs and their reconstructions`);
    vae.dispose();
  },
};
