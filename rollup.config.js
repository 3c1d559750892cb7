// dist/index.js (ESM) and dist/index.cjs (CommonJS) carry the library with both wasm builds embedded and the
// loader bundled, so nothing needs a path at run time; dist/cli.js is the Node command line. Declarations come
// from tsc (tsconfig.build.json) into dist/types.
import { readFileSync } from 'node:fs';
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

/** Ships the raw builds beside the bundles (package exports ./wasm/simd and ./wasm/scalar), for apps that
 * serve and cache the .wasm on its own and pass its URL as VAE.create's options.wasm. */
const rawWasm = () => ({
  name: 'raw-wasm',
  generateBundle() {
    for (const [build, file] of [['simd', 'release.wasm'], ['scalar', 'scalar.wasm']]) {
      this.emitFile({ type: 'asset', fileName: `wasm-vae.${build}.wasm`, source: readFileSync(`build/${file}`) });
    }
  },
});

// Comments stay in the sources and in dist/types (the API docs); the library bundles are minified (terser) to keep
// the download small. Class and function names are kept, so stack traces and error names still read.
const ts = () => typescript({ tsconfig: './tsconfig.json', declaration: false, removeComments: true, outDir: 'dist', rootDir: '.', include: ['src/**/*.ts'] });

const minify = () => terser({ keep_classnames: true, keep_fnames: true, format: { comments: false } });

export default [
  {
    input: 'src/index.ts',
    output: [
      { file: 'dist/index.js', format: 'es', sourcemap: false, plugins: [rawWasm(), minify()] },
      { file: 'dist/index.cjs', format: 'cjs', sourcemap: false, plugins: [minify()] },
    ],
    plugins: [nodeResolve(), ts()],
  },
  {
    input: 'src/cli/main.ts',
    output: { file: 'dist/cli.js', format: 'es' },
    external: [/^node:/, 'pngjs', 'cli-progress', 'vega', 'vega-lite'],
    plugins: [nodeResolve(), ts()],
  },
];
