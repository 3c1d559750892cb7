import { expect } from 'vitest';
import { VAEError } from '../../src/index.js';

/** Asserts a VAEError with `code` whose message matches `pattern` (which should name the method). */
export async function expectVAEError(fn: () => unknown, code: string, pattern: RegExp, errorClass: unknown = VAEError): Promise<void> {
  let error: unknown;
  try { await fn(); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(errorClass as typeof VAEError);
  expect((error as VAEError).code).toBe(code);
  expect((error as VAEError).message).toMatch(pattern);
}
