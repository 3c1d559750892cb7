// The image helpers apps use: grids of digits, ImageData in and out (in Chromium; Node has no ImageData).
import { describe, expect, it } from 'vitest';
import { fromImageData, gridImageData, gridPixels, toImageData, VAEError } from '../../src/index.js';

const browser = typeof (globalThis as { ImageData?: unknown }).ImageData === 'function';

describe('image helpers', () => {
  it('gridPixels lays tiles out row by row with borders, clamping values to [0, 1]', () => {
    const tiles = Float32Array.from([0, 1, 0.5, 2, /* tile 2 */ -1, 0, 0, 1, /* tile 3 */ 1, 1, 1, 1]); // three 2×2 tiles
    const grid = gridPixels(tiles, 2, 2, { columns: 2, border: 1, background: 7 });
    expect([grid.width, grid.height]).toEqual([2 * 3 + 1, 2 * 3 + 1]);
    const at = (x: number, y: number) => grid.data[y * grid.width + x];
    expect([at(1, 1), at(2, 1), at(1, 2), at(2, 2)]).toEqual([0, 255, 128, 255]); // tile 1, 0.5 → 128, 2 → 255
    expect([at(4, 1), at(5, 2)]).toEqual([0, 255]);   // tile 2, -1 clamped to 0
    expect(at(1, 4)).toBe(255);                        // tile 3 starts the second row
    expect([at(0, 0), at(3, 1), at(4, 4)]).toEqual([7, 7, 7]); // borders, and the empty fourth cell
    expect(() => gridPixels(new Float32Array(5), 2, 2)).toThrow(/gridPixels: values must be a Float32Array of n × 2 × 2/);
  });

  it('gridPixels with channels: 3 draws RGB tiles from channel-major values ([c][y][x] per tile)', () => {
    // Two 1×2 tiles of 3 channels: tile 0 is (red, green) pixels, tile 1 (blue, grey 0.5).
    const tiles = Float32Array.from([/* R */ 1, 0, /* G */ 0, 1, /* B */ 0, 0, /* tile 1: R */ 0, 0.5, /* G */ 0, 0.5, /* B */ 1, 0.5]);
    const grid = gridPixels(tiles, 1, 2, { columns: 2, border: 1, background: 7, channels: 3 });
    expect([grid.width, grid.height, grid.channels, grid.data.length]).toEqual([2 * 3 + 1, 3, 3, 7 * 3 * 3]);
    const at = (x: number, y: number) => [...grid.data.subarray(3 * (y * grid.width + x), 3 * (y * grid.width + x) + 3)];
    expect([at(1, 1), at(2, 1), at(4, 1), at(5, 1)]).toEqual([[255, 0, 0], [0, 255, 0], [0, 0, 255], [128, 128, 128]]);
    expect([at(0, 0), at(3, 1), at(6, 2)]).toEqual([[7, 7, 7], [7, 7, 7], [7, 7, 7]]); // borders in every channel
    expect(() => gridPixels(new Float32Array(8), 2, 2, { channels: 3 })).toThrow(/gridPixels: values must be a Float32Array of n × 3 × 2 × 2/);
    expect(() => gridPixels(new Float32Array(8), 2, 2, { channels: 2 as never })).toThrow(/gridPixels: options\.channels must be 1 or 3; received 2/);
    // Greyscale calls are as before, and say so.
    const grey = gridPixels(new Float32Array(8), 2, 2);
    expect([grey.channels, grey.data.length, grey.width]).toEqual([1, grey.width * grey.height, 2 * 4 + 2]);
  });

  it.runIf(browser)('colour ImageData: gridImageData and toImageData draw RGB, fromImageData reads it back channel-major', () => {
    const values = Float32Array.from({ length: 3 * 2 * 3 }, (_, i) => i / 17); // one 3-channel 2×3 tile
    const image = toImageData({ values, width: 3, height: 2, channels: 3 });
    expect([image.width, image.height]).toEqual([3, 2]);
    expect([...image.data.subarray(4 * 4, 4 * 5)]).toEqual([Math.round((4 / 17) * 255), Math.round((10 / 17) * 255), Math.round((16 / 17) * 255), 255]);
    const back = fromImageData(image, { channels: 3 });
    expect(back.length).toBe(values.length);
    expect(Math.max(...back.map((v, i) => Math.abs(v - values[i])))).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    const grid = gridImageData(Float32Array.from([1, 0, 0, 0, 1, 0]), 1, 1, { columns: 2, border: 1, channels: 3 }); // red, then green
    expect([grid.width, grid.height]).toEqual([5, 3]);
    expect([...grid.data.subarray(4 * 6, 4 * 7), ...grid.data.subarray(4 * 8, 4 * 9)]).toEqual([255, 0, 0, 255, 0, 255, 0, 255]);
  });

  it.runIf(browser)('ImageData round-trips: toImageData then fromImageData gives the values (to 1/255)', () => {
    const values = Float32Array.from({ length: 12 }, (_, i) => i / 11);
    const image = toImageData({ values, width: 4, height: 3 });
    expect([image.width, image.height]).toEqual([4, 3]);
    const back = fromImageData(image);
    expect(Math.max(...back.map((v, i) => Math.abs(v - values[i])))).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    expect(gridImageData(values, 2, 2, { columns: 3 }).width).toBe(3 * 4 + 2);
  });

  it.runIf(!browser)('toImageData says plainly that Node has no ImageData', () => {
    let error: unknown;
    try { toImageData({ values: new Float32Array(4), width: 2, height: 2 }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(VAEError);
    expect((error as VAEError).code).toBe('UNSUPPORTED_ENGINE');
    expect(() => fromImageData({} as ImageData)).toThrow(/fromImageData: image must be an ImageData/);
  });
});
