// Loads the state dict that train_pytorch.py saved, decodes the latents PyTorch decoded, and compares; then saves
// the model back under pytorch/examples' names for PyTorch's load_state_dict.
//
//   node load.mjs                 # reads vae.safetensors and decoded.json next to this script
//   node load.mjs DIR             # reads them from DIR; writes DIR/from-wasm-vae.safetensors
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VAE } from 'wasm-vae';

const dir = process.argv[2] ?? dirname(fileURLToPath(import.meta.url));
const vae = await VAE.load(readFileSync(join(dir, 'vae.safetensors')));   // sizes from the shapes; ReLU, Bernoulli
console.log(`loaded: ${JSON.stringify(vae.config)}`);

const { z, decoded } = JSON.parse(readFileSync(join(dir, 'decoded.json'), 'utf8'));
const ours = vae.decode(Float32Array.from(z.flat()));                     // n × 64 Bernoulli means
const theirs = decoded.flat();
const maxDifference = Math.max(...theirs.map((v, i) => Math.abs(v - ours[i])));
console.log(`decoded ${z.length} latents; max difference from PyTorch: ${maxDifference.toExponential(1)}`);

for (let y = 0; y < 8; y++) {
  console.log(z.map((_, k) => Array.from(ours.subarray(k * 64 + y * 8, k * 64 + y * 8 + 8),
    (v) => (v > 0.5 ? '█' : v > 0.2 ? '▒' : '·')).join('')).join('   '));
}

const back = join(dir, 'from-wasm-vae.safetensors');
writeFileSync(back, vae.save({ names: 'pytorch-examples' }));           // fc1, fc21, fc22, fc3, fc4
console.log(`wrote ${back}: python3 train_pytorch.py --check ${back}`);
vae.dispose();
