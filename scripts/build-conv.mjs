// Compiles the convolution kernels' own module (assembly/experimental/conv-exports.ts) in both flavours, asconfig
// targets "conv" (SIMD lanes) → build/conv.wasm and "conv-scalar" → build/conv-scalar.wasm, in one process: the
// compiler's start-up is most of a small module's build time. Used by `npm run asbuild`, `npm run bench:conv` and the
// conv tests (when a kernel source is newer than the build). Exits non-zero with the compiler's message on error.
import asc from 'assemblyscript/asc';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stock = new Set(Object.keys(asc.libraryFiles));

export async function buildConv() {
  for (const target of ['conv', 'conv-scalar']) {
    // asc keeps the --lib files of a run in its shared library table: forget them, or the next target sees both lanes.
    for (const name of Object.keys(asc.libraryFiles)) if (!stock.has(name)) delete asc.libraryFiles[name];
    const stderr = asc.createMemoryStream();
    const { error } = await asc.main(['assembly/experimental/conv-exports.ts', '--target', target, '--baseDir', root], { stderr });
    if (error) throw new Error(`asc --target ${target}: ${error.message}\n${stderr.toString()}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildConv();
  console.log('built build/conv.wasm and build/conv-scalar.wasm');
}
