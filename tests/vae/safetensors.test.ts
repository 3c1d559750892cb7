// The container alone, against the format's rules (huggingface/safetensors "Format").
import { describe, expect, it } from 'vitest';
import { halfToFloat } from '../../src/files/dtypes.js';
import { VAEError } from '../../src/index.js';
import fc from 'fast-check';
import { duplicateKey, scanHeader } from '../../src/files/json-keys.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/files/safetensors.js';

/** A file from a header object (or raw header text) and data bytes. */
function file(header: object | string, data: number[] | Uint8Array = []): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  let error: unknown;
  try { decodeSafetensors(bytes); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(VAEError);
  expect((error as VAEError).code).toBe('INVALID_MODEL_FILE');
  expect((error as VAEError).message).toMatch(pattern);
}

describe('safetensors container', () => {
  it("reads the other dtypes' tensors for their names and shapes only (VAE.load refuses them as weights)", () => {
    const read = decodeSafetensors(file({ n: { dtype: 'I64', shape: [], data_offsets: [0, 8] }, d: { dtype: 'F64', shape: [2], data_offsets: [8, 24] } }, new Uint8Array(24)));
    expect(read.tensors.get('n')).toEqual({ shape: [], data: new Float32Array(0), dtype: 'I64' });
    expect(read.tensors.get('d')).toEqual({ shape: [2], data: new Float32Array(0), dtype: 'F64' });
  });

  it('writes an 8-aligned, space-padded header, F32 data in order, ending at the end of the file', () => {
    const bytes = encodeSafetensors([['b', { shape: [2], data: new Float32Array([1, -2]) }], ['a', { shape: [1, 1], data: new Float32Array([0.5]) }]], { k: 'v' });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    expect(n % 8).toBe(0);
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd().length).toBeLessThanOrEqual(n);
    expect(JSON.parse(text)).toEqual({ __metadata__: { k: 'v' },
      b: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, a: { dtype: 'F32', shape: [1, 1], data_offsets: [8, 12] } });
    expect(bytes.length).toBe(8 + n + 12);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ k: 'v' });
    expect([...back.tensors.keys()]).toEqual(['b', 'a']);
    expect(Array.from(back.tensors.get('b')!.data)).toEqual([1, -2]);
  });

  it('reads F16 and BF16 exactly into F32 (zeros, subnormals, extremes, infinities, NaN)', () => {
    const halves = [0x0000, 0x8000, 0x0001, 0x03ff, 0x3c00, 0xc000, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x3555];
    const expected = [0, -0, 2 ** -24, 1023 * 2 ** -24, 1, -2, 65504, Infinity, -Infinity, NaN, 0.333251953125];
    halves.forEach((h, i) => expect(Object.is(halfToFloat(h), expected[i]) || (Number.isNaN(expected[i]) && Number.isNaN(halfToFloat(h)))).toBe(true));
    const data = new Uint8Array(halves.length * 2);
    halves.forEach((h, i) => new DataView(data.buffer).setUint16(2 * i, h, true));
    const f16 = decodeSafetensors(file({ h: { dtype: 'F16', shape: [halves.length], data_offsets: [0, data.length] } }, data));
    expect(Array.from(f16.tensors.get('h')!.data)).toEqual(expected.map((v) => Math.fround(v)));
    const bf = new Uint8Array([0x80, 0x3f, 0x49, 0x40, 0x80, 0xff]); // 1, 3.140625, -inf
    const bf16 = decodeSafetensors(file({ b: { dtype: 'BF16', shape: [3], data_offsets: [0, 6] } }, bf));
    expect(Array.from(bf16.tensors.get('b')!.data)).toEqual([1, 3.140625, -Infinity]);
  });

  it('finds duplicate keys at any depth, as JSON.parse would silently merge them', () => {
    expect(duplicateKey('{"a":1,"b":{"a":2},"c":[{"a":1},{"a":1}]}')).toBeNull();
    expect(duplicateKey('{"a":1,"b":2,"a":3}')).toBe('a');
    expect(duplicateKey('{"m":{"x":"a\\"b","x":"y"}}')).toBe('x');
    expect(duplicateKey('{"\\u0061":1,"a":2}')).toBe('a'); // equal after unescaping
    expect(duplicateKey('{"k":"{\\"k\\":1}","j":["k","k"]}')).toBeNull(); // strings and arrays are not keys
  });

  it('counts, before parsing, what JSON.parse would build: tensors, metadata entries, keys and array elements', () => {
    const entries = (v: unknown): number => Array.isArray(v) ? v.length + v.reduce((n: number, x) => n + entries(x), 0)
      : typeof v === 'object' && v !== null ? Object.entries(v).reduce((n, [, x]) => n + 1 + entries(x), 0) : 0;
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), fc.option(fc.dictionary(fc.string(), fc.string())), fc.boolean(),
      (top, metadata, pretty) => {
        const header = metadata === null ? top : { ...top, __metadata__: metadata };
        const scan = scanHeader(JSON.stringify(header, null, pretty ? 2 : undefined));
        expect(scan).toEqual({ tensors: Object.keys(header).filter((k) => k !== '__metadata__').length,
          metadataEntries: metadata === null ? 0 : Object.keys(metadata).length, entries: entries(header), tooDeep: false, duplicate: null });
      }), { numRuns: 2000, seed: 21 });
    // Escapes: a key spelled with them is still the key JSON.parse sees; quotes and backslashes inside strings are not structure.
    expect(scanHeader('{"\\u005f_metadata__":{"a":"{\\"x\\":[1,{}]}","b\\\\":"\\\\"},"t\\"":{"s":[ ]}}'))
      .toEqual({ tensors: 1, metadataEntries: 2, entries: 5, tooDeep: false, duplicate: null });
    expect(scanHeader('{"a":[[[]]]}', 3).tooDeep).toBe(true);
    expect(scanHeader('{"a":[[[]]]}', 4).tooDeep).toBe(false);
    for (const broken of ['{"a', '{"a\\"', '{"a":[', '}}]]', '{"a":"\\', '"']) expect(scanHeader(broken).tooDeep).toBe(false); // ends
  });

  it('rejects every violation of the format with its reason', () => {
    const t = (offsets: number[], shape = [1], dtype = 'F32') => ({ dtype, shape, data_offsets: offsets });
    rejects(file('{"a":' + JSON.stringify(t([0, 4])) + ',"a":' + JSON.stringify(t([0, 4])) + '}', [0, 0, 0, 0]), /repeats the key "a"/);
    rejects(file(' {}'), /does not start with "\{"/);
    rejects(file('[1]'), /does not start with "\{"|not a JSON object/);
    rejects(file({ a: t([0, 4], [1], 'F128') }, [0, 0, 0, 0]), /dtype "F128", not one of safetensors' F64, F32, F16, BF16, .*, BOOL$/);
    rejects(file({ a: t([0, 4], [1], 'f32') }, [0, 0, 0, 0]), /dtype "f32"/);
    rejects(file({ a: t([0, 4], [1], 'I64') }, [0, 0, 0, 0]), /spans 4 bytes but shape \[1\] of I64 needs more/); // sizes checked for every dtype
    rejects(file({ a: t([0, 8]) }, new Uint8Array(8)), /spans 8 bytes but shape \[1\] of F32 needs 4/);
    rejects(file({ a: t([0, 4], [2 ** 52, 2 ** 52, 2]) }, [0, 0, 0, 0]), /needs more/); // no overflow to a small count
    rejects(file({ a: t([0, 4], [2 ** 52, 2 ** 52, 0]) }, [0, 0, 0, 0]), /needs 0/); // a zero anywhere: no elements
    rejects(file({ a: t([0, 4], [-1]) }, [0, 0, 0, 0]), /invalid shape/);
    rejects(file({ a: t([0, 4], [1, 1, 1, 1, 1, 1, 1, 1, 1]) }, [0, 0, 0, 0]), /invalid shape/);
    rejects(file({ a: t([4, 0]) }, [0, 0, 0, 0]), /invalid data_offsets/);
    rejects(file({ a: t([0, 4.5]) }, [0, 0, 0, 0]), /invalid data_offsets/);
    rejects(file({ a: t([0, 8], [2]) }, [0, 0, 0, 0]), /beyond the 4 data bytes/);
    rejects(file({ a: t([4, 8]), b: t([4, 8]) }, new Uint8Array(8)), /starts at byte 4, expected 0/);
    rejects(file({ a: t([0, 4]), b: t([8, 12]) }, new Uint8Array(12)), /starts at byte 8, expected 4 \(the data must be contiguous/);
    rejects(file({ a: t([0, 4]) }, new Uint8Array(5)), /cover 4 of the 5 data bytes \(trailing bytes\)/);
    rejects(file({ a: { ...t([0, 4]), extra: 1 } }, [0, 0, 0, 0]), /unknown field "extra"/);
    rejects(file({ a: 3 }), /no descriptor object/);
    rejects(file({ __metadata__: { k: 1 } }), /__metadata__ entry "k" is not a string/);
    rejects(file({ __metadata__: [] }), /__metadata__ is not an object/);
    rejects(file('{"a":\u00ff}'), /not JSON/);
    const notUtf8 = file('{"a":"xx"}');
    notUtf8[13] = 0xff;
    rejects(notUtf8, /not UTF-8/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setUint32(4, 1, true); // 2^32 + 0
    rejects(huge, /header length 4294967296 exceeds the 16000000-byte limit/);
    expect(() => decodeSafetensors('nope' as never)).toThrow(/received string/);
  });

  it('refuses sizes that disagree with the header in one line, whatever the names hold', () => {
    const t = (offsets: number[], shape = [1]) => ({ dtype: 'F32', shape, data_offsets: offsets });
    // A header length past the end of the file, or past the end of the file's 32-bit range.
    const good = file({ a: t([0, 4]) }, [0, 0, 0, 0]);
    const past = good.slice();
    new DataView(past.buffer).setUint32(0, good.length - 7, true);
    rejects(past, new RegExp(`header length ${good.length - 7} exceeds the file \\(${good.length} bytes\\)`));
    // A data section shorter, or longer, than the offsets say.
    rejects(file({ a: t([0, 4]), b: t([4, 12], [2]) }, new Uint8Array(8)), /tensor "b" has data_offsets \[4,12\] beyond the 8 data bytes/);
    rejects(file({ a: t([0, 4]) }, new Uint8Array(12)), /the tensors cover 4 of the 12 data bytes/);
    rejects(file({}, new Uint8Array(3)), /the tensors cover 0 of the 3 data bytes/);
    // Offsets overlapping, leaving a hole, or running backwards.
    rejects(file({ a: t([0, 8], [2]), b: t([4, 12], [2]) }, new Uint8Array(12)), /tensor "b" starts at byte 4, expected 8 .*overlaps "a" \[0,8\]/);
    rejects(file({ a: t([0, 4]), b: t([8, 12]) }, new Uint8Array(12)), /tensor "b" starts at byte 8, expected 4 .*leaves bytes \[4,8\) unused/);
    rejects(file({ a: t([8, 4]) }, new Uint8Array(8)), /invalid data_offsets \[8,4\]/);
    // Contiguous offsets listed out of order are the format's business only by offset: they load, in offset order.
    const swapped = decodeSafetensors(file({ b: t([4, 8]), a: t([0, 4]) }, [0, 0, 128, 63, 0, 0, 0, 64]));
    expect([...swapped.tensors].map(([n, x]) => [n, x.data[0]])).toEqual([['a', 1], ['b', 2]]);
    // A name with line breaks, or a megabyte long, is quoted and cut short: the message stays one short line.
    for (const name of ['x\ny\r\u2028z', 'n'.repeat(1 << 20)]) {
      let error: unknown;
      try { decodeSafetensors(file({ a: t([0, 4]), [name]: t([0, 4]) }, new Uint8Array(4))); } catch (e) { error = e; }
      expect((error as VAEError).code).toBe('INVALID_MODEL_FILE');
      expect((error as VAEError).message).not.toMatch(/[\n\r\u2028\u2029]/);
      expect((error as VAEError).message.length).toBeLessThan(400);
      try { decodeSafetensors(file({ __metadata__: { [name]: 1 } })); } catch (e) { error = e; }
      expect((error as VAEError).message).not.toMatch(/[\n\r\u2028\u2029]/);
      expect((error as VAEError).message.length).toBeLessThan(400);
    }
  });

  it('accepts empty tensors and a file of metadata alone', () => {
    const f = decodeSafetensors(file({ __metadata__: { a: 'b' }, e: { dtype: 'F32', shape: [0, 3], data_offsets: [0, 0] } }));
    expect(f.tensors.get('e')!.data.length).toBe(0);
    // A zero after other dimensions: still no elements, whatever comes before it.
    const late = decodeSafetensors(file({ e: { dtype: 'F32', shape: [3, 0], data_offsets: [0, 0] }, f: { dtype: 'BF16', shape: [1, 7, 0], data_offsets: [0, 0] } }));
    expect([...late.tensors.values()].map((x) => [x.shape, x.data.length])).toEqual([[[3, 0], 0], [[1, 7, 0], 0]]);
    expect(decodeSafetensors(file({})).tensors.size).toBe(0);
  });
});
