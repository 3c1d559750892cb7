// dist/index.js (ESM) and dist/index.cjs (CommonJS) carry the library with the dense SIMD build embedded (gzipped,
// scripts/embed-wasm.js) and the loader bundled, so nothing needs a path at run time. The scalar build
// (dist/wasm-scalar.*, imported only where SIMD is missing) and the full SIMD build (dist/wasm-simd-full.*, for a
// model with convolutions or likelihood blocks, or where DecompressionStream is missing) are chunks of their own.
// dist/cli.js is the Node command line with its dependencies (pngjs, cli-progress) bundled, so that installing the
// package installs nothing else; it imports the library from dist/index.js. Declarations come from tsc
// (tsconfig.build.json) into dist/types.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import commonjs from '@rollup/plugin-commonjs';
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

/** Ships the raw builds beside the bundles (package exports ./wasm/simd, ./wasm/simd-full and ./wasm/scalar), for apps that
 * serve and cache the .wasm on its own and pass its URL as VAE.create's options.wasm. */
const rawWasm = () => ({
  name: 'raw-wasm',
  generateBundle() {
    for (const build of ['simd', 'simd-full', 'scalar']) {
      this.emitFile({ type: 'asset', fileName: `wasm-vae.${build}.wasm`, source: readFileSync(`build/${build}.wasm`) });
    }
  },
});

// Comments stay in the sources and in dist/types (the API docs); the bundles are minified (terser) to keep the
// download small. Class names are kept, so error names (VAEError) and stack traces through the classes still read;
// function names are not (0.8 KB gzip of the download budget).
const ts = () => typescript({ tsconfig: './tsconfig.json', declaration: false, removeComments: true, outDir: 'dist', rootDir: '.', include: ['src/**/*.ts'] });

/** The CLI and the subpaths (wasm-vae/data, wasm-vae/anomaly) use the library through its public entry, which they
 * import from dist/index.js rather than bundling a second copy (one VAEError class, one wasm module cache), so the
 * main import's bundle is not changed by them. */
const libraryAsSibling = () => ({
  name: 'library-as-sibling',
  resolveId(source, importer) {
    if (/^(\.\.\/)+index\.js$/.test(source) && /\/src\/(cli|data|anomaly)\//.test(importer ?? '')) return { id: './index.js', external: true };
    return null;
  },
});

const minify = () => terser({ keep_classnames: true, format: { comments: false } });

/**
 * Moves the embedded wasm's base64 from where terser inlined it (its one use, mid-bundle) to a `var` at the end of
 * the entry chunk. Deflate codes each block with one Huffman table: a block mixing code with base64 codes both
 * badly, and a literal apart from the code costs ≈ 2.1 KB gzip less. The var is hoisted and read only when a model
 * is created, after the module has run. It goes last, not first: a CommonJS chunk must begin with 'use strict'.
 */
const embeddedLast = () => ({
  name: 'embedded-last',
  async renderChunk(code, chunk) {
    if (!chunk.isEntry) return null;
    const { WASM_GZIP_BASE64 } = await import('./build/wasm-simd.js');
    const parts = code.split(new RegExp(`(["'])${WASM_GZIP_BASE64.replace(/[+/]/g, '\\$&')}\\1`));
    if (parts.length !== 3) this.error(`expected the embedded SIMD build once in ${chunk.fileName}; found it ${(parts.length - 1) / 2} times`);
    return `${parts[0]}wasmVaeSimdGzip${parts[2]}\nvar wasmVaeSimdGzip="${WASM_GZIP_BASE64}";\n`;
  },
});

export default [
  {
    input: 'src/index.ts',
    output: [
      { dir: 'dist', format: 'es', entryFileNames: 'index.js', chunkFileNames: '[name].js', plugins: [rawWasm(), minify(), embeddedLast()] },
      { dir: 'dist', format: 'cjs', entryFileNames: 'index.cjs', chunkFileNames: '[name].cjs', plugins: [minify(), embeddedLast()] },
    ],
    plugins: [nodeResolve(), ts()],
  },
  // wasm-vae/data (src/data): the CSV, NPY and IDX readers, with Papa Parse's browser build bundled (it needs no
  // Node module); VAEError comes from the main entry, so one class serves both (./index.cjs for CommonJS).
  {
    input: 'src/data/index.ts',
    output: [
      { file: 'dist/data.js', format: 'es', plugins: [minify()] },
      { file: 'dist/data.cjs', format: 'cjs', paths: { './index.js': './index.cjs' }, plugins: [minify()] },
    ],
    plugins: [libraryAsSibling(), nodeResolve({ browser: true }), commonjs(), ts()],
  },
  {
    input: 'src/cli/main.ts',
    output: { file: 'dist/cli.js', format: 'es', plugins: [minify()] },
    external: [/^node:/, ...builtinModules],
    plugins: [libraryAsSibling(), nodeResolve({ preferBuiltins: true }), commonjs(), ts()],
  },
  {
    input: 'src/anomaly/index.ts',
    output: [
      { file: 'dist/anomaly.js', format: 'es', plugins: [minify()] },
      { file: 'dist/anomaly.cjs', format: 'cjs', paths: { './index.js': './index.cjs' }, plugins: [minify()] },
    ],
    plugins: [libraryAsSibling(), ts()],
  },
];
