// dist/index.js (ESM) and dist/index.cjs (CommonJS) carry the library with its wasm embedded and the loader
// bundled, so nothing needs a path at run time; dist/cli.js is the Node command line. Declarations come
// from tsc (tsconfig.build.json) into dist/types.
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';

const ts = () => typescript({ tsconfig: './tsconfig.json', declaration: false, outDir: 'dist', rootDir: '.', include: ['src/**/*.ts'] });

export default [
  {
    input: 'src/index.ts',
    output: [
      { file: 'dist/index.js', format: 'es', sourcemap: false },
      { file: 'dist/index.cjs', format: 'cjs', sourcemap: false },
    ],
    plugins: [nodeResolve(), ts()],
  },
  {
    input: 'src/cli/main.ts',
    output: { file: 'dist/cli.js', format: 'es' },
    external: [/^node:/, 'pngjs', 'cli-progress'],
    plugins: [nodeResolve(), ts()],
  },
];
