// `wasm-vae interpolate`: the decoded path between the codes of two images, as a PNG strip.
import type { Command } from '../common.js';
import { integerOption, loadModel, parseOptions, readDataset, tileShape } from '../common.js';
import { tilesOf, writeGrid } from '../images.js';

export const interpolate: Command = {
  usage: `Usage: wasm-vae interpolate --model FILE [options]

Encodes two images to their posterior means and decodes --steps points between them (the ends included),
linearly or, with --spherical, along the great circle (slerp). A conditional model uses the first
image's label for the whole strip.

Options:
  --model FILE    the model (.safetensors)
  --data PATH     images: an IDX file or a folder of PNGs and JPEGs (default: MNIST's test images)
  --labels FILE   their labels, for a conditional model (default: MNIST's test labels)
  --from I        index of the first image (default 0)
  --to J          index of the second image (default 1)
  --steps N       points on the path (default 10)
  --spherical     spherical instead of linear interpolation
  --out FILE      the PNG (default interpolation.png)
`,
  async run(argv) {
    const o = parseOptions(argv, { model: { type: 'string' }, data: { type: 'string' }, labels: { type: 'string' }, from: { type: 'string' },
      to: { type: 'string' }, steps: { type: 'string' }, spherical: { type: 'boolean' }, out: { type: 'string' } });
    if (o === null) { process.stdout.write(interpolate.usage); return; }
    const vae = await loadModel(o.model);
    const set = readDataset(vae, o.data, o.labels);
    const from = integerOption('from', o.from, 0, 0, set.count - 1), to = integerOption('to', o.to, 1, 0, set.count - 1);
    const steps = integerOption('steps', o.steps, 10, 2, 1000), D = vae.config.inputDim, C = vae.config.conditionDim;
    const path = vae.interpolate(set.data.subarray(from * D, (from + 1) * D), set.data.subarray(to * D, (to + 1) * D), steps, {
      spherical: o.spherical === true, space: 'input', conditions: set.conditions?.subarray(from * C, (from + 1) * C),
    });
    const tile = tileShape(vae.config, set), out = (o.out as string) ?? 'interpolation.png';
    writeGrid(out, tilesOf(path, D), tile, steps);
    console.log(`wrote ${out}: ${steps} steps from image ${from} to image ${to} (${o.spherical ? 'spherical' : 'linear'})`);
    vae.dispose();
  },
};
