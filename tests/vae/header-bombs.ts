// Safetensors files whose header is small in bytes but large in work: millions of keys, written byte by byte so
// that making one costs little memory. Made at test time (never committed); shared by the tests and by a by-hand
// timing script.

/** A safetensors file of `header` (ASCII, built by `write`), no data bytes. */
function build(bytes: number, write: (out: Uint8Array, at: number) => number): Uint8Array {
  const out = new Uint8Array(8 + bytes);
  const end = write(out, 8);
  new DataView(out.buffer).setUint32(0, end - 8, true);
  return out.subarray(0, end);
}

function putAscii(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/** `{"__metadata__":{"0":"","1":"",…}}` with `count` entries, keys in base 36 (≈ 11 bytes each). */
export function metadataBomb(count: number): Uint8Array {
  return build(32 + count * 14, (out, at) => {
    at = putAscii(out, at, '{"__metadata__":{');
    for (let i = 0; i < count; i++) at = putAscii(out, at, `${i ? ',' : ''}"${i.toString(36)}":""`);
    return putAscii(out, at, '}}');
  });
}

/** `{"0":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},…}`: `count` empty tensors (≈ 55 bytes each). */
export function emptyTensorsBomb(count: number): Uint8Array {
  const descriptor = ':{"dtype":"F32","shape":[0],"data_offsets":[0,0]}';
  return build(2 + count * (descriptor.length + 8), (out, at) => {
    at = putAscii(out, at, '{');
    for (let i = 0; i < count; i++) at = putAscii(out, at, `${i ? ',' : ''}"${i.toString(36)}"${descriptor}`);
    return putAscii(out, at, '}');
  });
}

/** One tensor whose descriptor carries an extra field holding an object of `count` keys. */
export function nestedBomb(count: number): Uint8Array {
  return build(96 + count * 14, (out, at) => {
    at = putAscii(out, at, '{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"x":{');
    for (let i = 0; i < count; i++) at = putAscii(out, at, `${i ? ',' : ''}"${i.toString(36)}":0`);
    return putAscii(out, at, '}}}');
  });
}

/** Our metadata with `key` (config or training) a JSON object of `count` keys, as a string: a bomb inside a value. */
export function nestedJsonBomb(key: 'config' | 'training', count: number): Uint8Array {
  return build(160 + count * 16, (out, at) => {
    at = putAscii(out, at, `{"__metadata__":{"format":"wasm-vae","format_version":"1",${key === 'training' ? '"config":"{\\"inputDim\\":2}",' : ''}"${key}":"{`);
    for (let i = 0; i < count; i++) at = putAscii(out, at, `${i ? ',' : ''}\\"${i.toString(36)}\\":0`);
    return putAscii(out, at, '}"}}');
  });
}
