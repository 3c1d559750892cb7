// dist/index.js (ESM) and dist/index.cjs (CommonJS) carry the library with the SIMD build embedded and the loader
// bundled, so nothing needs a path at run time; the scalar build is a chunk of its own (dist/wasm-scalar.*),
// imported only where SIMD is missing. dist/cli.js is the Node command line with its dependencies (pngjs,
// cli-progress) bundled, so that installing the package installs nothing else; it imports the library from
// dist/index.js. Declarations come from tsc
// (tsconfig.build.json) into dist/types.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import commonjs from '@rollup/plugin-commonjs';
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

/** Ships the raw builds beside the bundles (package exports ./wasm/simd, ./wasm/simd-conv and ./wasm/scalar), for apps that
 * serve and cache the .wasm on its own and pass its URL as VAE.create's options.wasm. */
const rawWasm = () => ({
  name: 'raw-wasm',
  generateBundle() {
    for (const build of ['simd', 'simd-conv', 'scalar']) {
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

export default [
  {
    input: 'src/index.ts',
    output: [
      { dir: 'dist', format: 'es', entryFileNames: 'index.js', chunkFileNames: '[name].js', plugins: [rawWasm(), minify()] },
      { dir: 'dist', format: 'cjs', entryFileNames: 'index.cjs', chunkFileNames: '[name].cjs', plugins: [minify()] },
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
