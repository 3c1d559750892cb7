// MNIST for the page: the byte files scripts/demo-data.js writes, inflated with DecompressionStream.
export interface Mnist {
  images: Float32Array; // n × 784 in [0, 1]
  labels: Uint8Array;
  count: number;
}

async function bytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const raw = new Uint8Array(await response.arrayBuffer());
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw; // a host that already inflated it
  const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function loadMnist(base: string, split: 'train' | 'test'): Promise<Mnist> {
  const [pixels, labels] = await Promise.all([bytes(`${base}mnist/${split}-images.u8gz`), bytes(`${base}mnist/${split}-labels.u8gz`)]);
  const images = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) images[i] = pixels[i] / 255;
  return { images, labels, count: labels.length };
}
