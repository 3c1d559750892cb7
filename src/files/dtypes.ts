// The safetensors element types this library reads, and their conversion to F32. Little-endian, as the format
// requires; offsets need not be aligned, so everything goes through a DataView or byte arithmetic.

export const DTYPES: readonly string[] = ['F32', 'F16', 'BF16'];

/**
 * Element sizes of every safetensors dtype. The ones not in DTYPES are read for their size only, so that a state
 * dict's integer buffers (batch norm's num_batches_tracked is I64) reach the check that names them.
 */
const SIZES: Readonly<Record<string, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, F8_E5M2: 1, F8_E4M3: 1, I64: 8, U64: 8, I32: 4, U32: 4, I16: 2, U16: 2, I8: 1, U8: 1, BOOL: 1,
};
export const KNOWN_DTYPES = Object.keys(SIZES);

export function bytesPerElement(dtype: string): number {
  return SIZES[dtype];
}

/** The elements of `bytes` as a fresh Float32Array (never a view of the caller's buffer). */
export function decodeElements(dtype: string, bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / bytesPerElement(dtype));
  if (dtype === 'F32') {
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  } else if (dtype === 'BF16') {
    // bfloat16 is the top half of a float32: shifting its bits up is exact.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < out.length; i++) bits[i] = view.getUint16(2 * i, true) << 16;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  }
  return out;
}

/** IEEE 754 binary16 → number, exact (every half is a float32): sign, 5-bit exponent (bias 15), 10-bit fraction. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1, exponent = (h >> 10) & 0x1f, fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;                  // zero and subnormals
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;    // ±∞ and NaN
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
