// Images ↔ the Float32Arrays the model reads and writes (greyscale, values in [0, 1], row-major), shared by the
// CLI's PNGs and by web pages. Nothing here touches the DOM until called: ImageData is looked up at call time,
// so the module loads in Node, in pages and in Workers alike.
import { describe, VAEError } from '../errors.js';

export interface GreyPixels {
  width: number;
  height: number;
  /** width × height bytes, 0 = black, 255 = white. */
  data: Uint8ClampedArray;
}

export interface GridOptions {
  /** Tiles per row; default: as many as make the grid roughly square. */
  columns?: number;
  /** Pixels between tiles and around the grid; default 2. */
  border?: number;
  /** Grey level of the border, 0–255; default 64. */
  background?: number;
}

/**
 * Tiles (n images of height × width values in [0, 1], back to back in `values`) laid out in a grid of greyscale
 * bytes, row by row from the top-left. Values outside [0, 1] are clamped.
 */
export function gridPixels(values: Float32Array, height: number, width: number, options: GridOptions = {}): GreyPixels {
  const method = 'gridPixels';
  for (const [name, v] of [['height', height], ['width', width]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new VAEError('INVALID_ARGUMENT', `${method}: ${name} must be a positive integer; received ${describe(v)}`);
  }
  if (!(values instanceof Float32Array) || values.length === 0 || values.length % (height * width) !== 0) {
    throw new VAEError('INVALID_ARGUMENT', `${method}: values must be a Float32Array of n × ${height} × ${width}; received ${describe(values)}`);
  }
  const n = values.length / (height * width);
  const columns = options.columns ?? Math.ceil(Math.sqrt(n)), border = options.border ?? 2, background = options.background ?? 64;
  if (!Number.isInteger(columns) || columns < 1) throw new VAEError('INVALID_ARGUMENT', `${method}: options.columns must be a positive integer; received ${describe(columns)}`);
  const rows = Math.ceil(n / columns);
  const gridWidth = columns * (width + border) + border, gridHeight = rows * (height + border) + border;
  const data = new Uint8ClampedArray(gridWidth * gridHeight).fill(background);
  for (let t = 0; t < n; t++) {
    const top = border + Math.floor(t / columns) * (height + border), left = border + (t % columns) * (width + border);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) data[(top + y) * gridWidth + left + x] = Math.round(values[(t * height + y) * width + x] * 255);
    }
  }
  return { width: gridWidth, height: gridHeight, data };
}

function imageDataConstructor(method: string): typeof ImageData {
  const ctor = (globalThis as { ImageData?: typeof ImageData }).ImageData;
  if (typeof ctor !== 'function') {
    throw new VAEError('UNSUPPORTED_ENGINE', `${method}: expected a browser or Worker with ImageData; this engine has none (in Node, use gridPixels)`);
  }
  return ctor;
}

/** One image (or a gridPixels result) as RGBA ImageData for a canvas: grey g → (g, g, g, 255). */
export function toImageData(image: GreyPixels | { values: Float32Array; width: number; height: number }): ImageData {
  const Ctor = imageDataConstructor('toImageData');
  const grey = 'values' in image ? gridPixels(image.values, image.height, image.width, { columns: 1, border: 0 }) : image;
  const rgba = new Uint8ClampedArray(grey.width * grey.height * 4);
  for (let i = 0; i < grey.data.length; i++) {
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = grey.data[i];
    rgba[4 * i + 3] = 255;
  }
  return new Ctor(rgba, grey.width, grey.height);
}

/** A grid of images as ImageData: gridPixels, then toImageData. */
export function gridImageData(values: Float32Array, height: number, width: number, options: GridOptions = {}): ImageData {
  return toImageData(gridPixels(values, height, width, options));
}

/**
 * ImageData (e.g. a drawing canvas scaled to the model's input size) → width × height values in [0, 1]: the
 * luminance (Rec. 601: 0.299 R + 0.587 G + 0.114 B) scaled by the alpha, so white on black reads as MNIST does.
 */
export function fromImageData(image: ImageData): Float32Array {
  if (typeof image !== 'object' || image === null || !(image.data instanceof Uint8ClampedArray) || image.data.length !== image.width * image.height * 4) {
    throw new VAEError('INVALID_ARGUMENT', `fromImageData: image must be an ImageData; received ${describe(image)}`);
  }
  const out = new Float32Array(image.width * image.height), d = image.data;
  for (let i = 0; i < out.length; i++) {
    out[i] = ((0.299 * d[4 * i] + 0.587 * d[4 * i + 1] + 0.114 * d[4 * i + 2]) / 255) * (d[4 * i + 3] / 255);
  }
  return out;
}
