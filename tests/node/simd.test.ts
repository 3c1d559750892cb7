// The SIMD build really is SIMD: the hot kernels (and whatever they call) contain v128 instructions.
// Reads build/simd.wat, which asc writes from the same compilation as build/simd.wasm.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const wat = readFileSync(new URL('../../build/simd.wat', import.meta.url), 'utf8');

/** Function bodies by internal name. */
function functions(text: string): Map<string, string> {
  const map = new Map<string, string>();
  const parts = text.split(/\n \(func /).slice(1);
  for (const part of parts) map.set(part.slice(0, part.search(/[\s(]/)), part);
  return map;
}

const bodies = functions(wat);

/** SIMD instructions in an exported function and everything it calls. */
function simdInstructions(exportName: string): Set<string> {
  const match = wat.match(new RegExp(`\\(export "${exportName}" \\(func (\\S+)\\)\\)`));
  if (!match) throw new Error(`no export ${exportName}`);
  const seen = new Set<string>(), found = new Set<string>(), todo = [match[1]];
  while (todo.length) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const body = bodies.get(name) ?? '';
    for (const m of body.matchAll(/\b((?:v128|f32x4|i32x4)\.[a-z0-9_]+)/g)) found.add(m[1]);
    for (const m of body.matchAll(/\bcall (\$[^\s)]+)/g)) todo.push(m[1]);
  }
  return found;
}

describe('SIMD wasm', () => {
  it.each([
    ['gemm', 'f32x4.mul'], ['dense_forward', 'f32x4.mul'], ['dense_backward_params', 'f32x4.add'],
    ['normal_fill', 'f32x4.sqrt'], ['reparameterize_forward', 'f32x4.mul'], ['kl_forward', 'f32x4.sub'],
    ['kl_backward', 'f32x4.mul'], ['bernoulli_logits_loss', 'f32x4.add'], ['adam_step', 'f32x4.sqrt'],
    ['activation_forward', 'f32x4.pmax'], ['model_train_step', 'v128.load32_splat'],
  ])('%s carries SIMD instructions (%s among them)', (name, instruction) => {
    const found = simdInstructions(name);
    console.log(`${name}: ${found.size} distinct SIMD instructions, e.g. ${[...found].slice(0, 6).join(', ')}`);
    expect(found.has(instruction)).toBe(true);
  });

  it('has the whole training step behind one export', () => {
    expect(wat).toMatch(/\(export "model_train_step"/);
  });
});

describe('scalar wasm (the fallback for engines without SIMD)', () => {
  const scalarWat = readFileSync(new URL('../../build/scalar.wat', import.meta.url), 'utf8');

  it('has every export of the SIMD build and no v128 type or instruction', () => {
    const exports = (text: string) => [...text.matchAll(/\(export "([^"]+)"/g)].map((m) => m[1]).sort();
    expect(exports(scalarWat)).toEqual(exports(wat));
    expect(scalarWat.match(/\bv128\b|\b(?:f32x4|i32x4|i8x16)\.[a-z_]+/g)).toBeNull();
  });
});
