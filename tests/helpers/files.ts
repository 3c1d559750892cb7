// Files next to the tests, read the same way in Node (file: URLs) and in the browser (served by Vite).

/** The compiled builds in build/. */
export const wasmUrl = (build: 'simd' | 'simd-full' | 'scalar'): URL => new URL(`../../build/${build}.wasm`, import.meta.url);

export async function readBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  if (url.protocol === 'file:') {
    const fs = globalThis.process.getBuiltinModule('node:fs');
    return new Uint8Array(fs.readFileSync(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`readBytes: HTTP ${response.status} for ${url.href}`);
  return new Uint8Array(await response.arrayBuffer());
}
