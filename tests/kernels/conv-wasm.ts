// The convolution kernels' own module (assembly/experimental/conv-exports.ts), SIMD or scalar flavour, with arrays
// in and out of its memory. In Node the module is rebuilt first when a kernel source is newer than build/conv.wasm;
// in the browser it is fetched as `npm run build` left it.
import { readBytes } from '../helpers/files.js';

export type ConvBuild = 'conv' | 'conv-scalar';

export interface ConvKernels {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  w: any;
  put(values: ArrayLike<number>): number;
  /** A zeroed region of n floats. */
  zeros(n: number): number;
  get(ptr: number, n: number): Float32Array;
}

let fresh: Promise<void> | undefined;

/** Node only: rebuild both flavours when either is missing or older than asconfig.json or a file under assembly/. */
function ensureBuilt(): Promise<void> {
  fresh ??= (async () => {
    const fs = globalThis.process.getBuiltinModule('node:fs');
    const mtime = (rel: string) => { try { return fs.statSync(new URL(`../../${rel}`, import.meta.url)).mtimeMs; } catch { return -1; } };
    const built = Math.min(mtime('build/conv.wasm'), mtime('build/conv-scalar.wasm'));
    const sources = ['asconfig.json', ...fs.readdirSync(new URL('../../assembly', import.meta.url), { recursive: true })
      .map((f) => `assembly/${String(f)}`)];
    if (built >= 0 && sources.every((s) => mtime(s) <= built)) return;
    const script = new URL('../../scripts/build-conv.mjs', import.meta.url).href;
    const { buildConv } = await import(/* @vite-ignore */ script);
    await buildConv();
  })();
  return fresh;
}

export async function convKernels(build: ConvBuild): Promise<ConvKernels> {
  const url = new URL(`../../build/${build}.wasm`, import.meta.url);
  if (url.protocol === 'file:') await ensureBuilt();
  const { instance } = await WebAssembly.instantiate(await readBytes(url), {});
  const w = instance.exports as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const f32 = () => new Float32Array(w.memory.buffer);
  const zeros = (n: number) => w.alloc(Math.max(16, 4 * n)) as number;
  return {
    w, zeros,
    put(values) { const p = zeros(values.length); f32().set(values, p >> 2); return p; },
    get: (ptr, n) => f32().slice(ptr >> 2, (ptr >> 2) + n),
  };
}
