// One seeded generator for test data: the same numbers in Node and in every browser, on every run.

/** Mulberry32 (T. Ettinger, 2017): uniform numbers in [0, 1) from a 32-bit seed, exact in any JavaScript engine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
