// One PNG or JPEG file's bytes → an image's values in [0, 1] (pixel / 255, as torchvision's ToTensor), laid out
// channel-major, [c][y][x], as in PyTorch. Grey stays one channel and colour is three; alpha is dropped. PNGs are
// decoded by pngjs (any bit depth, palettes expanded to colour), JPEGs by jpeg-js, both bundled into dist/cli.js.
import decodeJpeg from 'jpeg-js/lib/decoder.js';
import { PNG } from 'pngjs';

export interface DecodedImage {
  channels: 1 | 3;
  height: number;
  width: number;
  /** channels × height × width values in [0, 1]. */
  data: Float32Array;
}

/** The image kinds a folder is read for, by lower-case extension. */
export const IMAGE_KINDS: Record<string, 'PNG' | 'JPEG'> = { '.png': 'PNG', '.jpg': 'JPEG', '.jpeg': 'JPEG' };

/** The image in `bytes` of `kind`; a decoder's complaint is thrown as `not a readable … image (why)`. */
export function decodeImage(bytes: Uint8Array, kind: 'PNG' | 'JPEG'): DecodedImage {
  let rgba: Uint8Array, width: number, height: number, channels: 1 | 3;
  try {
    if (kind === 'PNG') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = png);
      rgba = png.data;
      channels = (png as unknown as { color: boolean }).color ? 3 : 1; // pngjs's metadata: the colour-type bit
    } else {
      channels = jpegComponents(bytes) === 1 ? 1 : 3; // jpeg-js gives every JPEG as RGBA, grey ones as R = G = B
      ({ width, height, data: rgba } = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 }));
    }
  } catch (error) {
    throw new Error(`not a readable ${kind} image (${(error as Error).message})`);
  }
  const plane = width * height, data = new Float32Array(channels * plane);
  for (let c = 0; c < channels; c++) for (let p = 0; p < plane; p++) data[c * plane + p] = rgba[4 * p + c] / 255;
  return { channels, height, width, data };
}

/**
 * The number of colour components in a JPEG's frame header (SOF0–SOF15 but DHT, JPG and DAC), or 0 when none is
 * found. Markers are walked by their lengths from the start of the file up to the first frame.
 */
export function jpegComponents(bytes: Uint8Array): number {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return 0;
    const marker = bytes[at + 1];
    if (marker === 0xff) { at++; continue; } // fill byte
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return bytes[at + 9];
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { at += 2; continue; } // no length
    at += 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
  }
  return 0;
}
