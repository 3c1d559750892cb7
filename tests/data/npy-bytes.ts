// .npy files built by hand (numpy.lib.format): the magic, the version, the header's length, a dict literal padded
// with spaces to a multiple of 64 bytes and ended by a line break, then the data. Used where numpy is absent.

export interface NpySpec {
  descr: string;
  shape: number[];
  /** The data's bytes (already in the descr's byte order). */
  data: Uint8Array;
  fortran?: boolean;
  /** 1 (uint16 header length) or 2 (uint32). */
  version?: 1 | 2;
  /** Replaces the dict literal. */
  header?: string;
}

export function npyBytes(spec: NpySpec): Uint8Array {
  const version = spec.version ?? 1, pre = version === 1 ? 10 : 12;
  let dict = spec.header ?? `{'descr': '${spec.descr}', 'fortran_order': ${spec.fortran ? 'True' : 'False'}, 'shape': (${spec.shape.join(', ')}${spec.shape.length === 1 ? ',' : ''}), }`;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total + spec.data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, dict.length, true); else view.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[pre + i] = dict.charCodeAt(i);
  out.set(spec.data, total);
  return out;
}

/** Values as float32 or float64 bytes in either byte order. */
export function floatBytes(values: number[], size: 4 | 8, little = true): Uint8Array {
  const out = new Uint8Array(values.length * size), view = new DataView(out.buffer);
  values.forEach((v, i) => (size === 4 ? view.setFloat32(i * 4, v, little) : view.setFloat64(i * 8, v, little)));
  return out;
}
