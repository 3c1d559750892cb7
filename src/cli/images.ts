// Image grids as PNG (pngjs): the library's gridPixels (greyscale tiles in [0, 1], 2-pixel borders), encoded.
import { PNG } from 'pngjs';
import { gridPixels } from '../index.js';
import { writeFileAtomic } from './atomic-write.js';

/** Writes `tiles` (each height·width values in [0, 1]) as a grid with `columns` tiles per row. */
export function writeGrid(path: string, tiles: Float32Array[], height: number, width: number, columns: number): void {
  const values = new Float32Array(tiles.length * height * width);
  tiles.forEach((tile, t) => values.set(tile, t * height * width));
  const grid = gridPixels(values, height, width, { columns });
  const png = new PNG({ width: grid.width, height: grid.height, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(grid.data.buffer, grid.data.byteOffset, grid.data.byteLength);
  writeFileAtomic(path, PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

/** Splits n·size values into n tiles (views, no copies). */
export function tilesOf(values: Float32Array, size: number): Float32Array[] {
  return Array.from({ length: values.length / size }, (_, i) => values.subarray(i * size, (i + 1) * size));
}
