// Folders of PNG and JPEG images as --data: grey or colour, values channel-major ([c][y][x], as in PyTorch) in
// [0, 1], read in name order; the model takes its inputShape from them, and every picture the CLI draws is in the
// model's colours. Images are made here with pngjs and jpeg-js; the CLI runs in-process from src/.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { jpegComponents } from '../../src/cli/decode-image.js';
import { cli } from './cli-in-process.js';
import { readMetadata, VAE } from '../../src/index.js';
import { sameBytes } from '../helpers/data.js';

const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-images-'));
const H = 6, W = 8;


/** Image i's byte at channel c, row y, column x: smooth shapes that differ by channel, so a layout mix-up shows. */
const byte = (i: number, c: number, y: number, x: number) => (37 * i + 50 * c + 9 * y + 23 * x + (c === 1 ? 7 * x * y : 0)) % 256;

/** A PNG of width × height with `channels` of byte(i, …), as pngjs writes colour type 0 (grey), 2 (RGB), 4 or 6 (with alpha). */
function pngOf(i: number, colorType: 0 | 2 | 4 | 6, width = W, height = H): Buffer {
  const png = new PNG({ width, height, colorType, inputColorType: 6, inputHasAlpha: true });
  const grey = colorType === 0 || colorType === 4;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = 4 * (y * width + x);
      for (let c = 0; c < 3; c++) png.data[p + c] = byte(i, grey ? 0 : c, y, x);
      png.data[p + 3] = colorType & 4 ? 100 + x : 255; // alpha, which the reader drops (pngjs would blend it into types 0 and 2)
    }
  }
  return PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true });
}

/** A palette PNG (colour type 3), built by hand since pngjs writes none: pixel (y, x) is palette entry (x + y) % 4. */
function palettePng(width = W, height = H): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => { let c = 0xffffffff; for (const v of b) c = crcTable[(c ^ v) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]), out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0); body.copy(out, 4); out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 3;
  const rows = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = (x + y) % 4;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('PLTE', Buffer.from(PALETTE.flat())), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
const PALETTE = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [200, 100, 50]];

/** The values the model must see for image i: channel-major, /255. */
function valuesOf(i: number, channels: number): Float32Array {
  const v = new Float32Array(channels * H * W);
  for (let c = 0; c < channels; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) v[(c * H + y) * W + x] = byte(i, c, y, x) / 255;
  return v;
}

function folder(name: string, files: Record<string, Buffer | string>): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(path, file), bytes);
  return path;
}

// Colour: RGB and RGBA PNGs, named so that name order is not creation order; grey: grey and grey+alpha PNGs.
const N = 24;
const name = (i: number) => `img-${String(i).padStart(2, '0')}.png`;
const rgb = folder('rgb', Object.fromEntries(Array.from({ length: N }, (_, i) => [name(N - 1 - i), pngOf(N - 1 - i, i % 3 ? 2 : 6)])));
const rgbTest = folder('rgb-test', Object.fromEntries(Array.from({ length: 6 }, (_, i) => [name(i), pngOf(100 + i, 2)])));
const grey = folder('grey', { ...Object.fromEntries(Array.from({ length: N }, (_, i) => [name(i), pngOf(i, i % 2 ? 0 : 4)])), 'notes.txt': 'not an image' });
const trainArgs = (data: string, out: string, ...more: string[]) => ['train', '--data', data, '--epochs', '1', '--batch-size', '8',
  '--hidden', '16', '--latent', '2', '--threads', '1', '--seed', '3', '--out', join(dir, out), ...more];
const png = (path: string) => PNG.sync.read(readFileSync(path));

/** The rows the CLI reads from `folder` are the values made here: encode's CSV equals the library's encode of them. */
async function expectRowsRead(modelPath: string, folder: string, channels: number): Promise<void> {
  const csvPath = join(dir, 'rows.csv');
  expect((await cli('encode', '--model', modelPath, '--data', folder, '--out', csvPath)).code).toBe(0);
  const vae = await VAE.load(readFileSync(modelPath));
  const rows = new Float32Array(N * channels * H * W);
  for (let i = 0; i < N; i++) rows.set(valuesOf(i, channels), i * channels * H * W);
  const csv = readFileSync(csvPath, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 2).map(Number));
  expect(csv.flat()).toEqual([...vae.encode(rows).mean]);
  vae.dispose();
}

describe('wasm-vae train --data DIR (PNG and JPEG folders)', () => {
  it('trains on a colour folder: inputShape [3, H, W] in the model, values channel-major /255 in name order, colour pictures', async () => {
    const result = await cli(...trainArgs(rgb, 'rgb-run', '--test-data', rgbTest));
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/wasm-vae: 24 training and 6 test images of 3×6×8 \(RGB\)/);
    const modelPath = join(dir, 'rgb-run', 'model.safetensors');
    const config = JSON.parse(readMetadata(readFileSync(modelPath)).config);
    expect(config.inputShape).toEqual([3, H, W]);
    expect(config.inputDim).toBe(3 * H * W);
    await expectRowsRead(modelPath, rgb, 3);
    // samples.png: 64 tiles, 8 per row, in colour; reconstructions.png: 6 test inputs and their reconstructions.
    const samples = png(join(dir, 'rgb-run', 'samples.png')), pairs = png(join(dir, 'rgb-run', 'reconstructions.png'));
    expect([samples.width, samples.height, samples.color]).toEqual([8 * (W + 2) + 2, 8 * (H + 2) + 2, true]);
    expect([pairs.width, pairs.height, pairs.color]).toEqual([8 * (W + 2) + 2, 2 * (H + 2) + 2, true]);
    // The first input tile is test image 0 in colour (pngjs gives RGBA).
    const at = (x: number, y: number) => [...pairs.data.subarray(4 * (y * pairs.width + x), 4 * (y * pairs.width + x) + 3)];
    expect(at(2 + 3, 2 + 1)).toEqual([0, 1, 2].map((c) => byte(100, c, 1, 3)));
  });

  it('trains on a grey folder (grey and grey+alpha PNGs; other files ignored): inputShape [1, H, W], grey pictures', async () => {
    const result = await cli(...trainArgs(grey, 'grey-run'));
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/24 training images of 1×6×8 \(grey\)/);
    const modelPath = join(dir, 'grey-run', 'model.safetensors');
    expect(JSON.parse(readMetadata(readFileSync(modelPath)).config).inputShape).toEqual([1, H, W]);
    await expectRowsRead(modelPath, grey, 1);
    const samples = png(join(dir, 'grey-run', 'samples.png'));
    expect([samples.width, samples.color]).toEqual([8 * (W + 2) + 2, false]);
  });

  it('reads palette PNGs (as colour) and JPEGs (jpeg-js), to within JPEG loss', async () => {
    const frame = { width: W, height: H, data: Buffer.alloc(W * H * 4) };
    for (let p = 0; p < W * H; p++) frame.data.set([200, 40, 90, 255], 4 * p);
    const mixed = folder('mixed', { 'a.png': palettePng(), 'b.JPG': jpeg.encode(frame, 95).data, 'c.jpeg': jpeg.encode(frame, 90).data });
    const result = await cli(...trainArgs(mixed, 'mixed-run', '--batch-size', '3'));
    expect(result.err).toBe('');
    expect(result.out).toMatch(/3 training images of 3×6×8 \(RGB\)/);
    const vae = await VAE.load(readFileSync(join(dir, 'mixed-run', 'model.safetensors')));
    // reconstruct draws the inputs first: tile 0 is the palette image, tile 1 the first JPEG.
    await cli('reconstruct', '--model', join(dir, 'mixed-run', 'model.safetensors'), '--data', mixed, '--columns', '3', '--out', join(dir, 'mixed.png'));
    const grid = png(join(dir, 'mixed.png'));
    const at = (x: number, y: number) => [...grid.data.subarray(4 * (y * grid.width + x), 4 * (y * grid.width + x) + 3)];
    expect(at(2 + 5, 2 + 2)).toEqual(PALETTE[(5 + 2) % 4]);
    const jpegPixel = at(2 + (W + 2) + 4, 2 + 3);
    expect(Math.max(...jpegPixel.map((v, c) => Math.abs(v - [200, 40, 90][c])))).toBeLessThanOrEqual(6);
    vae.dispose();
  });

  it('refuses, in one line: an empty folder, a folder without images, mixed sizes or colours, a broken image', async () => {
    const fail = async (data: string, expected: string | RegExp) => {
      const result = await cli(...trainArgs(data, 'refused'));
      expect(result.code, data).toBe(1);
      expect(result.err.split('\n')).toHaveLength(1);
      expect(result.err).toMatch(expected);
    };
    await fail(folder('empty', {}), `wasm-vae: --data ${join(dir, 'empty')}: no images in it (expected .png, .jpg or .jpeg files)`);
    await fail(folder('text', { 'a.txt': 'x', 'b.csv': '1,2' }), `wasm-vae: --data ${join(dir, 'text')}: no images in it (expected .png, .jpg or .jpeg files)`);
    await fail(folder('sizes', { 'a.png': pngOf(0, 2), 'b.png': pngOf(1, 2), 'c.png': pngOf(2, 2, W, H + 1), 'd.png': pngOf(3, 2, W + 1) }),
      `wasm-vae: --data ${join(dir, 'sizes')}: c.png is 3×7×8 (RGB), but a.png, the first, is 3×6×8 (RGB); all images must have one size and colour mode`);
    await fail(folder('modes', { 'a.png': pngOf(0, 0), 'b.png': pngOf(1, 6) }),
      `wasm-vae: --data ${join(dir, 'modes')}: b.png is 3×6×8 (RGB), but a.png, the first, is 1×6×8 (grey); all images must have one size and colour mode`);
    await fail(folder('broken', { 'a.png': pngOf(0, 2), 'b.png': pngOf(1, 2).subarray(0, 40) }),
      new RegExp(`^wasm-vae: --data ${join(dir, 'broken', 'b.png')}: not a readable PNG image \\(.+\\)$`));
    await fail(folder('broken-jpeg', { 'a.jpg': Buffer.from('not a jpeg at all') }),
      new RegExp(`^wasm-vae: --data ${join(dir, 'broken-jpeg', 'a.jpg')}: not a readable JPEG image \\(.+\\)$`));
    const test = await cli(...trainArgs(rgb, 'refused', '--test-data', grey));
    expect(test.err).toBe('wasm-vae: test images are 1×6×8 (grey), training images 3×6×8 (RGB)');
  });

  it('a resumed folder run ends with the bytes of an uninterrupted one; a changed folder is refused', async () => {
    await cli(...trainArgs(rgb, 'straight', '--epochs', '2'));
    await cli(...trainArgs(rgb, 'halves', '--epochs', '1'));
    const checkpoint = join(dir, 'halves', 'checkpoint.safetensors');
    expect((await cli('train', '--resume', checkpoint, '--epochs', '2')).code).toBe(0);
    expect(sameBytes(readFileSync(join(dir, 'halves', 'model.safetensors')), readFileSync(join(dir, 'straight', 'model.safetensors')))).toBe(true);
    const copy = folder('rgb-copy', Object.fromEntries(Array.from({ length: N }, (_, i) => [name(i), pngOf(i, 2)])));
    await cli(...trainArgs(copy, 'changing', '--epochs', '1'));
    writeFileSync(join(copy, name(5)), pngOf(6, 2));
    const changed = await cli('train', '--resume', join(dir, 'changing', 'checkpoint.safetensors'), '--epochs', '2');
    expect(changed.code).toBe(1);
    expect(changed.err).toMatch(new RegExp(`^wasm-vae: --data ${copy} has changed since the run began`));
  });
});

describe('JPEG colour mode', () => {
  it('is read from the frame header: 1 component is grey, 3 colour (jpeg-js itself gives every JPEG as RGBA)', () => {
    const frame = (components: number, marker = 0xc0) => Uint8Array.from([0xff, 0xd8, /* APP0, 6 bytes */ 0xff, 0xe0, 0, 6, 1, 2, 3, 4,
      /* SOFn */ 0xff, marker, 0, 8 + 3 * components, 8, 0, 2, 0, 2, components, ...Array(3 * components).fill(1)]);
    expect([jpegComponents(frame(1)), jpegComponents(frame(3)), jpegComponents(frame(1, 0xc2))]).toEqual([1, 3, 1]);
    expect(jpegComponents(frame(1, 0xc4))).toBe(0); // DHT, not a frame; the walk ends without one
    expect(jpegComponents(jpeg.encode({ width: 2, height: 2, data: Buffer.alloc(16, 255) }, 90).data)).toBe(3);
  });
});

describe('pictures in the model\'s colours', () => {
  it('sample, reconstruct, interpolate and manifold draw a 3×64×64 model in colour (12288 values)', async () => {
    const big = await VAE.create({ inputShape: [3, 64, 64], hiddenDims: [4], latentDim: 2, seed: 1 });
    const modelPath = join(dir, 'big.safetensors');
    writeFileSync(modelPath, big.save());
    big.dispose();
    const faces = folder('big', Object.fromEntries([0, 1, 2].map((i) => [name(i), pngOf(i, 2, 64, 64)])));
    const outputs: Array<[string[], number, number]> = [
      [['sample', '--n', '6', '--columns', '3'], 3, 2],
      [['reconstruct', '--data', faces, '--columns', '3'], 3, 2],
      [['interpolate', '--data', faces, '--steps', '4'], 4, 1],
      [['manifold', '--n', '2'], 2, 2],
    ];
    for (const [args, columns, rows] of outputs) {
      const out = join(dir, `${args[0]}.png`);
      const result = await cli(args[0], '--model', modelPath, ...args.slice(1), '--out', out);
      expect(result.err, args[0]).toBe('');
      const grid = png(out);
      expect([grid.width, grid.height, grid.color], args[0]).toEqual([columns * 66 + 2, rows * 66 + 2, true]);
    }
  });

  it('a model whose inputShape has neither 1 nor 3 channels is refused with a line saying so', async () => {
    const odd = await VAE.create({ inputShape: [2, 4, 4], hiddenDims: [4], latentDim: 2 });
    writeFileSync(join(dir, 'odd.safetensors'), odd.save());
    odd.dispose();
    const result = await cli('sample', '--model', join(dir, 'odd.safetensors'), '--out', join(dir, 'odd.png'));
    expect(result.code).toBe(1);
    expect(result.err).toBe('wasm-vae: cannot draw inputs of shape 2×4×4: pictures need 1 (grey) or 3 (RGB) channels');
  });
});
