// How much a safetensors header may hold, for the reader and the writer alike (save() must not write a file that
// load() refuses). JSON.parse and the checks after it spend time per key, not per byte: an object of a million
// keys costs seconds and a gigabyte however few bytes it takes. So the header is counted before it is parsed
// (./json-keys.ts, one pass, linear in bytes) and refused when a count is over its cap. Each cap is far above
// what a legitimate file needs, and low enough that a file under all of them is read or refused in well under a
// second (by-hand figures: 16 MB of header takes ≈ 0.1 s to check; the caps' worst cases a few hundredths).

/**
 * The header's length in bytes. Our largest legitimate header is a CLI checkpoint: its JSON training history grows
 * ≈ 305 bytes per epoch, so 16 MB holds ≈ 50,000 epochs, far beyond any run of a model this size. The reference
 * implementation allows 100 MB; that much costs ≈ 0.7 s to decode, scan and parse, too close to a second.
 */
export const MAX_HEADER_BYTES = 16_000_000;

/**
 * Tensors in one file. Ours have 6 + 4 per hidden layer (at most 70) and up to 4 copies in a checkpoint (weights,
 * Adam's m and v, early stopping's best); conv models will have a few dozen per copy; a PyTorch state dict may
 * carry extra tensors (batch-norm statistics, counters). 10,000 leaves room for all of them many times over.
 */
export const MAX_TENSORS = 10_000;

/**
 * Entries of __metadata__. We write at most 6 (format, format_version, config, naming, names, training), the CLI
 * one more, and save({ metadata }) whatever the user adds; a long history grows one value, never the number of entries.
 */
export const MAX_METADATA_ENTRIES = 1_000;

/**
 * Object keys plus array elements anywhere in the header: what a valid header under the two caps above can hold
 * (per tensor its name, 3 descriptor fields, ≤ 8 dimensions and 2 offsets; per metadata entry its key; and the
 * "__metadata__" key). It bounds what JSON.parse builds where no valid file has anything (inside a descriptor).
 */
export const MAX_HEADER_ENTRIES = 14 * MAX_TENSORS + MAX_METADATA_ENTRIES + 1;

/** Nesting depth. A valid header nests 3 deep (header, descriptor, shape); deeper costs the parser a stack. */
export const MAX_HEADER_DEPTH = 64;

/**
 * Lengths of the metadata values we parse as JSON again: a configuration (< 300 characters for an MLP), a map of
 * tensor names (a few dozen characters per layer) and a training state (< 2,000).
 */
export const MAX_CONFIG_CHARS = 4_096;
export const MAX_NAMES_CHARS = 16_384;
export const MAX_TRAINING_CHARS = 65_536;

export interface HeaderCounts {
  tensors: number;
  metadataEntries: number;
  entries: number;
  /** The scan stopped at MAX_HEADER_DEPTH. */
  tooDeep: boolean;
}

/** Why a header with these counts is refused, or null. */
export function overLimit(counts: HeaderCounts): string | null {
  if (counts.tooDeep) return `the header nests deeper than ${MAX_HEADER_DEPTH} levels (a valid one nests 3)`;
  if (counts.tensors > MAX_TENSORS) return `the header lists ${counts.tensors} tensors; the limit is ${MAX_TENSORS}`;
  if (counts.metadataEntries > MAX_METADATA_ENTRIES) {
    return `__metadata__ has ${counts.metadataEntries} entries; the limit is ${MAX_METADATA_ENTRIES}`;
  }
  if (counts.entries > MAX_HEADER_ENTRIES) {
    return `the header holds ${counts.entries} keys and array elements; the limit is ${MAX_HEADER_ENTRIES} ` +
      `(what ${MAX_TENSORS} tensors and ${MAX_METADATA_ENTRIES} metadata entries need)`;
  }
  return null;
}
