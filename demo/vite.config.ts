// The demo app: demo/ is the root; `wasm-vae` resolves to this repository's package (its package.json exports,
// i.e. the built dist/), exactly as an app that installed it would import it. `base: './'` makes the build work
// from any static host and sub-path.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Cross-origin isolation, so that the page may use SharedArrayBuffer and train on every core (wasm-vae threads). */
const isolated = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: { 'wasm-vae': fileURLToPath(new URL('..', import.meta.url)) } },
  worker: { format: 'es' },
  build: { outDir: fileURLToPath(new URL('../dist-demo', import.meta.url)), emptyOutDir: true, target: 'es2022' },
  server: { host: '127.0.0.1', port: Number(process.env.PORT ?? 5173), strictPort: true, headers: isolated },
  preview: { host: '127.0.0.1', port: Number(process.env.PORT ?? 4173), strictPort: true, headers: isolated },
});
