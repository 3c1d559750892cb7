// dist/index.js (ESM) and dist/index.cjs (CommonJS) carry the library with the dense SIMD build embedded (gzipped,
// scripts/embed-wasm.js) and the loader bundled, so nothing needs a path at run time. The scalar build
// (dist/wasm-scalar.*, imported only where SIMD is missing) and the full SIMD build (dist/wasm-simd-full.*, for a
// model with convolutions, or where DecompressionStream is missing) are chunks of their own. dist/cli.js is the Node
// command line with its dependencies (pngjs, cli-progress) bundled, so that installing the package installs nothing
// else; it imports the library from dist/index.js. Declarations come from tsc (tsconfig.build.json) into dist/types.
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

/** The CLI uses the library through its public entry, which it imports from dist/index.js rather than bundling a
 * second copy (one VAEError class, one wasm module cache). */
const libraryAsSibling = () => ({
  name: 'library-as-sibling',
  resolveId(source, importer) {
    if (/^(\.\.\/)+index\.js$/.test(source) && importer?.includes('/src/cli/')) return { id: './index.js', external: true };
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
  {
    input: 'src/cli/main.ts',
    output: { file: 'dist/cli.js', format: 'es', plugins: [minify()] },
    external: [/^node:/, ...builtinModules],
    plugins: [libraryAsSibling(), nodeResolve({ preferBuiltins: true }), commonjs(), ts()],
  },
];
