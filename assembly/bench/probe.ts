// The SIMD peak probe of the benchmark suite (bench/): the 4×2-vector mul + add tile of gemm (eight
// accumulators; per k step four broadcasts of A and two vectors of B) run over a panel small enough to stay in
// L1, again and again. It measures what this engine and CPU give a WebAssembly SIMD tile when memory costs
// nothing, so the suite can report every kernel as a fraction of it. (A loop on constants alone measures V8's
// constant rematerialisation instead: it re-creates them inside the loop.) Built as its own module (asconfig
// target "probe"): not part of the library.

const K: i32 = 128; // A: 4 × K floats (2 KB), B: K × 8 floats (4 KB): both stay in L1

let panel: usize = 0;

/** Runs `rounds` passes of the tile over K steps (64 flops per step); returns a value that needs every one. */
export function peak_probe(rounds: i32): f32 {
  if (panel == 0) {
    panel = heap.alloc(<usize>(4 * K + 8 * K) << 2);
    for (let i = 0; i < 12 * K; i++) store<f32>(panel + (<usize>i << 2), 1.0 - <f32>(i & 7) * 0.0001);
  }
  const aBase = panel, bBase = panel + (<usize>(4 * K) << 2);
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let r = 0; r < rounds; r++) {
    let a = aBase, b = bBase;
    for (let p = 0; p < K; p++) {
      const b0 = v128.load(b), b1 = v128.load(b, 16);
      let av = v128.load32_splat(a);
      c00 = f32x4.add(c00, f32x4.mul(av, b0)); c01 = f32x4.add(c01, f32x4.mul(av, b1));
      av = v128.load32_splat(a, 4);
      c10 = f32x4.add(c10, f32x4.mul(av, b0)); c11 = f32x4.add(c11, f32x4.mul(av, b1));
      av = v128.load32_splat(a, 8);
      c20 = f32x4.add(c20, f32x4.mul(av, b0)); c21 = f32x4.add(c21, f32x4.mul(av, b1));
      av = v128.load32_splat(a, 12);
      c30 = f32x4.add(c30, f32x4.mul(av, b0)); c31 = f32x4.add(c31, f32x4.mul(av, b1));
      a += 16; b += 32;
    }
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c00, c01), f32x4.add(c10, c11)), f32x4.add(f32x4.add(c20, c21), f32x4.add(c30, c31)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 3);
}

/** Flops of one probe round: K steps of 8 vector multiplies and 8 vector adds of four lanes. */
export function probe_flops_per_round(): f64 { return <f64>K * 64; }
