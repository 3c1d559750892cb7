// The CLI's pictures: grids as PNG (pngjs) from the library's gridPixels (grey or RGB tiles in [0, 1], 2-pixel
// borders), and the two tile layouts several commands draw.
import { PNG } from 'pngjs';
import { gridPixels, oneHot, type VAE } from '../index.js';
import { writeFileAtomic } from './atomic-write.js';
import type { TileShape } from './common.js';

/** Writes `tiles` (each channels·height·width values in [0, 1], channel-major) as a grid with `columns` tiles per row. */
export function writeGrid(path: string, tiles: Float32Array[], tile: TileShape, columns: number): void {
  const { channels, height, width } = tile, size = channels * height * width;
  const values = new Float32Array(tiles.length * size);
  tiles.forEach((t, i) => values.set(t, i * size));
  const grid = gridPixels(values, height, width, { columns, channels });
  const colorType = channels === 3 ? 2 : 0; // PNG's RGB or grey, 8 bits, no alpha
  const png = new PNG({ width: grid.width, height: grid.height, colorType, inputColorType: colorType, inputHasAlpha: false });
  png.data = Buffer.from(grid.data.buffer, grid.data.byteOffset, grid.data.byteLength);
  writeFileAtomic(path, PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: false }));
}

/** Rows that alternate: `columns` inputs, then their reconstructions (the reconstructions.png layout). */
export function pairRows(inputs: Float32Array[], reconstructions: Float32Array[], columns: number): Float32Array[] {
  const tiles: Float32Array[] = [];
  for (let r = 0; r < inputs.length; r += columns) tiles.push(...inputs.slice(r, r + columns), ...reconstructions.slice(r, r + columns));
  return tiles;
}

/** A conditional model's samples, `perClass` per row, row c conditioned on class c: conditionDim × perClass images. */
export function classRowSamples(vae: VAE, perClass: number): Float32Array {
  const C = vae.config.conditionDim;
  const labels = Array.from({ length: C * perClass }, (_, i) => Math.floor(i / perClass));
  return vae.sample(labels.length, { conditions: oneHot(labels, C) });
}

/** Splits n·size values into n tiles (views, no copies). */
export function tilesOf(values: Float32Array, size: number): Float32Array[] {
  return Array.from({ length: values.length / size }, (_, i) => values.subarray(i * size, (i + 1) * size));
}
