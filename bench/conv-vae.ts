// `npm run bench:conv-vae`: the conv VAE's targets in one short run — one-thread epoch ours against PyTorch's,
// all threads ours against PyTorch's best — printed as a table with medians and per-round ratios (bench/conv-suite.ts).
// Node and PyTorch by default; `--chromium` adds the Chromium runners, `--rounds N` (default 5) and `--batches N`
// (default 16 steps per runner per round) and `--round-seconds S` (default 10: a slower runner times fewer steps)
// trade time for steadier medians.
import { cpus } from 'node:os';
import { mnistPaths, readIdxImages } from '../src/cli/idx.js';
import { printConvSuite, runConvSuite, type ConvSuiteOptions } from './conv-suite.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : fallback; };
const options: ConvSuiteOptions = {
  rounds: option('--rounds', 5), batches: option('--batches', 16), roundSeconds: option('--round-seconds', 10), chromium: args.includes('--chromium'), pytorch: !args.includes('--no-pytorch'),
};
console.log(`wasm-vae conv bench: ${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}`);
const suite = await runConvSuite(readIdxImages(mnistPaths().train).data, options);
if (suite.pytorch) console.log(`PyTorch ${suite.pytorch.torch} via ${suite.pytorch.executable} (oneDNN ${suite.pytorch.mkldnn ? 'on' : 'off'}), OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset`);
if (suite.chromium) console.log(`Chromium ${suite.chromium.version}`);
printConvSuite(suite, options);
