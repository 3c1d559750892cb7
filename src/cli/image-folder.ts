// The images a flag names: a folder of PNG and JPEG files (./decode-image.ts) or an IDX file (./idx.ts). A folder
// is read in name order (code-unit order, the same in every locale), and its images must share one size and
// colour mode; its rows then carry the shape [channels, height, width] that the model takes as inputShape.
// Each source also gives a digest of its bytes, which a checkpoint records to recognise the run's data on resume.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { InputShape } from '../index.js';
import { decodeImage, IMAGE_KINDS } from './decode-image.js';
import { readIdxImages, type IdxImages } from './idx.js';
import { readRegularFile } from './read-file.js';

export interface Images extends IdxImages {
  /** [channels, height, width] for a folder of images (shape is then the same); absent for IDX files. */
  inputShape?: InputShape;
}

/** The bytes read, as a checkpoint records them (./run-files.ts). */
export interface Digest { size: number; sha256: string }

export function digestOf(bytes: Uint8Array): Digest {
  return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** "3×64×64 (RGB)", "1×28×28 (grey)", or an IDX file's "28×28". */
export function describeShape(images: { shape: readonly number[]; inputShape?: InputShape }): string {
  const c = images.inputShape?.[0];
  return `${images.shape.join('×')}${c === undefined ? '' : c === 3 ? ' (RGB)' : c === 1 ? ' (grey)' : ` (${c} channels)`}`;
}

/** A folder's images or an IDX file's, by what `path` is; `onDigest` gets the digest of what was read. */
export function readImages(path: string, flag: string, onDigest?: (digest: Digest) => void): Images {
  let folder = false;
  try {
    folder = statSync(path).isDirectory();
  } catch {
    // readIdxImages says what is wrong with the path.
  }
  if (folder) return readImageFolder(path, flag, onDigest);
  return readIdxImages(path, flag, onDigest && ((bytes) => onDigest(digestOf(bytes))));
}

/** Every .png, .jpg and .jpeg file directly in `dir` (not in subfolders), one image per row. */
export function readImageFolder(dir: string, flag: string, onDigest?: (digest: Digest) => void): Images {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.isDirectory() && IMAGE_KINDS[extname(entry.name).toLowerCase()] !== undefined)
    .map((entry) => entry.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) throw new Error(`${flag} ${dir}: no images in it (expected .png, .jpg or .jpeg files)`);
  // The digest covers each file's name, length and bytes, in reading order.
  const hash = createHash('sha256'), length = Buffer.alloc(8);
  let size = 0, first: Images | null = null;
  names.forEach((name, i) => {
    const path = join(dir, name);
    const bytes = readRegularFile(flag, path);
    length.writeBigUInt64LE(BigInt(bytes.length));
    hash.update(name).update('\0').update(length).update(bytes);
    size += bytes.length;
    let image;
    try {
      image = decodeImage(bytes, IMAGE_KINDS[extname(name).toLowerCase()]);
    } catch (error) {
      throw new Error(`${flag} ${path}: ${(error as Error).message}`);
    }
    const shape = [image.channels, image.height, image.width] as const;
    if (first === null) {
      first = { count: names.length, shape: [...shape], inputShape: shape, data: new Float32Array(names.length * image.data.length) };
    } else if (shape.some((d, k) => d !== first!.shape[k])) {
      throw new Error(`${flag} ${dir}: ${name} is ${describeShape({ shape, inputShape: shape })}, but ${names[0]}, the first, is ` +
        `${describeShape(first)}; all images must have one size and colour mode`);
    }
    first.data.set(image.data, i * image.data.length);
  });
  onDigest?.({ size, sha256: hash.digest('hex') });
  return first!;
}
