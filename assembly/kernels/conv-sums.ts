// The bias gradient's channel sums (./conv-cores.ts's channelSums) in the SIMD build: db[c] = Σ_n Σ_q dy[n, c, q],
// one running sum per channel in (n, q) order, 4 channels in the lanes. The rows of 4 channels are read as 4×4 blocks,
// transposed in registers and added a pixel at a time, where channelSums' portable loop first transposes each image
// into scratch: the same adds in the same order, the same bits, without the copy's stores and reloads.
/**
 * channelSums' SIMD path for channels [0, count − count mod 4) (dy and sums at the first of them): 4 channels a
 * vector, each image's rows read as 4×4 blocks transposed in registers and added a pixel at a time, two vectors of
 * channels at once: the same running sum per channel, in the same (n, q) order, as the transposed copy it replaces.
 */
export function channelSums4(sums: usize, dy: usize, batch: i32, channels: i32, pixels: i32, count: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const rowB = <usize>pixels << 2, imageB = <usize>(channels * pixels) << 2, p4 = pixels & ~3, c4 = count & ~3;
  for (let c = 0; c < c4; c += 8) {
    const two = c + 8 <= c4, d = sums + (<usize>c << 2), src0 = dy + <usize>c * rowB, src1 = src0 + 4 * rowB;
    let s0 = v128.load(d), s1 = two ? v128.load(d, 16) : s0;
    for (let n = 0; n < batch; n++) {
      const a = src0 + <usize>n * imageB, b = src1 + <usize>n * imageB;
      let q = 0;
      for (; q < p4; q += 4) {
        s0 = sumBlock(s0, a + (<usize>q << 2), rowB);
        if (two) s1 = sumBlock(s1, b + (<usize>q << 2), rowB);
      }
      for (; q < pixels; q++) {
        s0 = f32x4.add(s0, column(a + (<usize>q << 2), rowB));
        if (two) s1 = f32x4.add(s1, column(b + (<usize>q << 2), rowB));
      }
    }
    v128.store(d, s0); if (two) v128.store(d, s1, 16);
  }
}

/** s + pixel q, then q + 1, q + 2, q + 3, of 4 channel rows (rowB apart) from src: a 4×4 transpose in registers. */
// @ts-ignore: decorator
@inline function sumBlock(s: v128, src: usize, rowB: usize): v128 {
  const r0 = v128.load(src), r1 = v128.load(src + rowB), r2 = v128.load(src + 2 * rowB), r3 = v128.load(src + 3 * rowB);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  s = f32x4.add(s, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  s = f32x4.add(s, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  s = f32x4.add(s, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  return f32x4.add(s, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/** One pixel of 4 channel rows (rowB apart) as a vector. */
// @ts-ignore: decorator
@inline function column(src: usize, rowB: usize): v128 {
  let v = v128.load32_zero(src);
  v = f32x4.replace_lane(v, 1, load<f32>(src + rowB));
  v = f32x4.replace_lane(v, 2, load<f32>(src + 2 * rowB));
  return f32x4.replace_lane(v, 3, load<f32>(src + 3 * rowB));
}

/**
 * channelSums for a tensor of fewer than 4 channels, where one running sum per channel would be a chain of dependent
 * adds (bound by the add's latency: ≈ 15% of a one-channel ConvTranspose2d's weight + bias gradient). Each channel
 * c of [0, count) (dy and sums at the first of them) is instead summed as 16 partial sums, partial j over the values
 * at pixels q ≡ j (mod 16), each in (n, q) order from +0, combined in a fixed tree,
 *   u_l = (p_l + p_{8+l}) + (p_{4+l} + p_{12+l}),  S = (u_0 + u_2) + (u_1 + u_3),
 * and sums[c] = init + S, init the old value (accumulate) or 0. Both builds compute exactly these operations (the
 * SIMD build four partials a vector, the scalar build 16 floats of `tmp`). A pixel row's last pixels mod 16 are added
 * as zero-padded vectors: adding +0 leaves a partial unchanged, as a partial that starts at +0 is never -0.
 * `tmp`: 16 floats of scratch.
 */
export function channelSumsTree(sums: usize, dy: usize, tmp: usize, batch: i32, channels: i32, pixels: i32, count: i32, accumulate: bool): void {
  const rowB = <usize>pixels << 2, imageB = <usize>(channels * pixels) << 2, p16 = pixels & ~15;
  for (let c = 0; c < count; c++) {
    const first = dy + <usize>c * rowB, out = sums + (<usize>c << 2);
    let s: f32;
    if (ASC_FEATURE_SIMD) {
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
      for (let n = 0; n < batch; n++) {
        const row = first + <usize>n * imageB, end = row + (<usize>p16 << 2);
        let q = row;
        for (; q < end; q += 64) {
          a0 = f32x4.add(a0, v128.load(q)); a1 = f32x4.add(a1, v128.load(q, 16));
          a2 = f32x4.add(a2, v128.load(q, 32)); a3 = f32x4.add(a3, v128.load(q, 48));
        }
        if (p16 < pixels) { // the last pixels mod 16, zero-padded
          v128.store(tmp, f32x4.splat(0)); v128.store(tmp, f32x4.splat(0), 16);
          v128.store(tmp, f32x4.splat(0), 32); v128.store(tmp, f32x4.splat(0), 48);
          memory.copy(tmp, q, <usize>(pixels - p16) << 2);
          a0 = f32x4.add(a0, v128.load(tmp)); a1 = f32x4.add(a1, v128.load(tmp, 16));
          a2 = f32x4.add(a2, v128.load(tmp, 32)); a3 = f32x4.add(a3, v128.load(tmp, 48));
        }
      }
      const u = f32x4.add(f32x4.add(a0, a2), f32x4.add(a1, a3));
      s = (f32x4.extract_lane(u, 0) + f32x4.extract_lane(u, 2)) + (f32x4.extract_lane(u, 1) + f32x4.extract_lane(u, 3));
    } else {
      for (let j: usize = 0; j < 16; j++) store<f32>(tmp + (j << 2), 0);
      for (let n = 0; n < batch; n++) {
        const row = first + <usize>n * imageB;
        for (let q = 0; q < pixels; q++) {
          const p = tmp + (<usize>(q & 15) << 2);
          store<f32>(p, load<f32>(p) + load<f32>(row + (<usize>q << 2)));
        }
      }
      const u0 = lane4(tmp, 0), u1 = lane4(tmp, 1), u2 = lane4(tmp, 2), u3 = lane4(tmp, 3);
      s = (u0 + u2) + (u1 + u3);
    }
    store<f32>(out, (accumulate ? load<f32>(out) : <f32>0) + s);
  }
}

/** u_l = (p_l + p_{8+l}) + (p_{4+l} + p_{12+l}) of the 16 partials at p: the SIMD build's (a0 + a2) + (a1 + a3), lane l. */
// @ts-ignore: decorator
@inline function lane4(p: usize, l: i32): f32 {
  const q = p + (<usize>l << 2);
  return (load<f32>(q) + load<f32>(q, 32)) + (load<f32>(q, 16) + load<f32>(q, 48));
}
