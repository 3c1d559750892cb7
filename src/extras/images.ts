// Images ↔ the Float32Arrays the model reads and writes (values in [0, 1]; grey, or colour laid out channel-major,
// [c][y][x], as in PyTorch), shared by the CLI's PNGs and by web pages. Nothing here touches the DOM until called:
// ImageData is looked up at call time, so the module loads in Node, in pages and in Workers alike.
import { describe, VAEError } from '../errors.js';

/** 1: grey; 3: RGB. */
export type Channels = 1 | 3;

export interface GreyPixels {
  width: number;
  height: number;
  /** width × height bytes, 0 = black, 255 = white. */
  data: Uint8ClampedArray;
}

/** What gridPixels returns: grey bytes, or RGB bytes interleaved (R, G, B per pixel) when channels is 3. */
export interface GridPixels {
  width: number;
  height: number;
  channels: Channels;
  /** width × height × channels bytes, row by row. */
  data: Uint8ClampedArray;
}

export interface GridOptions {
  /** Tiles per row; default: as many as make the grid roughly square. */
  columns?: number;
  /** Pixels between tiles and around the grid; default 2. */
  border?: number;
  /** Grey level of the border, 0–255; default 64. */
  background?: number;
  /** 3: each tile is channels × height × width values (R plane, G plane, B plane) drawn in colour; default 1 (grey). */
  channels?: Channels;
}

function checkChannels(method: string, channels: unknown): Channels {
  if (channels !== 1 && channels !== 3) throw new VAEError('INVALID_ARGUMENT', `${method}: options.channels must be 1 or 3; received ${describe(channels)}`);
  return channels;
}

/**
 * Tiles (n images of [channels ×] height × width values in [0, 1], back to back in `values`) laid out in a grid of
 * bytes, row by row from the top-left. Values outside [0, 1] are clamped.
 */
export function gridPixels(values: Float32Array, height: number, width: number, options: GridOptions = {}): GridPixels {
  const method = 'gridPixels';
  for (const [name, v] of [['height', height], ['width', width]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new VAEError('INVALID_ARGUMENT', `${method}: ${name} must be a positive integer; received ${describe(v)}`);
  }
  const channels = checkChannels(method, options.channels ?? 1), plane = height * width, size = channels * plane;
  if (!(values instanceof Float32Array) || values.length === 0 || values.length % size !== 0) {
    throw new VAEError('INVALID_ARGUMENT', `${method}: values must be a Float32Array of n × ${channels > 1 ? `${channels} × ` : ''}${height} × ${width}; ` +
      `received ${describe(values)}`);
  }
  const n = values.length / size;
  const columns = options.columns ?? Math.ceil(Math.sqrt(n)), border = options.border ?? 2, background = options.background ?? 64;
  if (!Number.isInteger(columns) || columns < 1) throw new VAEError('INVALID_ARGUMENT', `${method}: options.columns must be a positive integer; received ${describe(columns)}`);
  const rows = Math.ceil(n / columns);
  const gridWidth = columns * (width + border) + border, gridHeight = rows * (height + border) + border;
  const data = new Uint8ClampedArray(gridWidth * gridHeight * channels).fill(background);
  for (let t = 0; t < n; t++) {
    const top = border + Math.floor(t / columns) * (height + border), left = border + (t % columns) * (width + border);
    for (let c = 0; c < channels; c++) {
      const from = t * size + c * plane;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) data[((top + y) * gridWidth + left + x) * channels + c] = Math.round(values[from + y * width + x] * 255);
      }
    }
  }
  return { width: gridWidth, height: gridHeight, channels, data };
}

function imageDataConstructor(method: string): typeof ImageData {
  const ctor = (globalThis as { ImageData?: typeof ImageData }).ImageData;
  if (typeof ctor !== 'function') {
    throw new VAEError('UNSUPPORTED_ENGINE', `${method}: expected a browser or Worker with ImageData; this engine has none (in Node, use gridPixels)`);
  }
  return ctor;
}

/**
 * One image (values, with channels 3 for colour) or a gridPixels result as RGBA ImageData for a canvas:
 * grey g → (g, g, g, 255), colour → (r, g, b, 255).
 */
export function toImageData(image: GreyPixels | GridPixels | { values: Float32Array; width: number; height: number; channels?: Channels }): ImageData {
  const Ctor = imageDataConstructor('toImageData');
  const pixels = 'values' in image
    ? gridPixels(image.values, image.height, image.width, { columns: 1, border: 0, channels: image.channels })
    : { channels: 1 as Channels, ...image };
  const channels = checkChannels('toImageData', pixels.channels), count = pixels.width * pixels.height;
  const rgba = new Uint8ClampedArray(count * 4);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < 3; c++) rgba[4 * i + c] = pixels.data[channels * i + (channels === 3 ? c : 0)];
    rgba[4 * i + 3] = 255;
  }
  return new Ctor(rgba, pixels.width, pixels.height);
}

/** A grid of images as ImageData: gridPixels, then toImageData. */
export function gridImageData(values: Float32Array, height: number, width: number, options: GridOptions = {}): ImageData {
  return toImageData(gridPixels(values, height, width, options));
}

/**
 * ImageData (e.g. a drawing canvas scaled to the model's input size) → values in [0, 1], each scaled by the
 * pixel's alpha (as if drawn on black, so white on black reads as MNIST does). Grey (the default): width × height
 * luminances (Rec. 601: 0.299 R + 0.587 G + 0.114 B). With channels 3: 3 × height × width values, channel-major.
 */
export function fromImageData(image: ImageData, options: { channels?: Channels } = {}): Float32Array {
  if (typeof image !== 'object' || image === null || !(image.data instanceof Uint8ClampedArray) || image.data.length !== image.width * image.height * 4) {
    throw new VAEError('INVALID_ARGUMENT', `fromImageData: image must be an ImageData; received ${describe(image)}`);
  }
  const channels = checkChannels('fromImageData', options.channels ?? 1), count = image.width * image.height, d = image.data;
  const out = new Float32Array(count * channels);
  for (let i = 0; i < count; i++) {
    const alpha = d[4 * i + 3] / 255;
    if (channels === 1) out[i] = ((0.299 * d[4 * i] + 0.587 * d[4 * i + 1] + 0.114 * d[4 * i + 2]) / 255) * alpha;
    else for (let c = 0; c < 3; c++) out[c * count + i] = (d[4 * i + c] / 255) * alpha;
  }
  return out;
}
