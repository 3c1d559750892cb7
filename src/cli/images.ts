// Image grids as PNG (pngjs): greyscale tiles of values in [0, 1], separated by a 2-pixel border.
import { PNG } from 'pngjs';
import { writeFileAtomic } from './atomic-write.js';

const BORDER = 2;

/** Writes `tiles` (each height·width values in [0, 1]) as a grid with `columns` tiles per row. */
export function writeGrid(path: string, tiles: Float32Array[], height: number, width: number, columns: number): void {
  const rows = Math.ceil(tiles.length / columns);
  const png = new PNG({
    width: columns * (width + BORDER) + BORDER,
    height: rows * (height + BORDER) + BORDER,
    colorType: 0,
    inputColorType: 0,
    inputHasAlpha: false,
  });
  png.data = Buffer.alloc(png.width * png.height, 64); // dark grey border
  tiles.forEach((tile, t) => {
    const top = BORDER + Math.floor(t / columns) * (height + BORDER), left = BORDER + (t % columns) * (width + BORDER);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = Math.min(1, Math.max(0, tile[y * width + x]));
        png.data[(top + y) * png.width + left + x] = Math.round(v * 255);
      }
    }
  });
  writeFileAtomic(path, PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

/** Splits n·size values into n tiles (views, no copies). */
export function tilesOf(values: Float32Array, size: number): Float32Array[] {
  return Array.from({ length: values.length / size }, (_, i) => values.subarray(i * size, (i + 1) * size));
}
