// The convolution cores' operands packed for gemm-packed.ts (blocks of 4 rows, rows interleaved: element (4i + r, k)
// at dst + 16·(i·K + k) + 4·r), straight from the (image, channel, pixel) layout of dy, so that no transposed or
// gathered copy is made first. Exact moves; a last partial block's extra rows are zeros.
import { LANES, vload, vstore, transpose4x4 } from '~lib/lanes';

/**
 * dyᵀ for a group of g images: rows are the g·P pixels q = n·P + r, columns the `channels` channels:
 * element (q, o) = dy[n, o, r] (dy: g × channels × P floats). Four pixels of one image are 4 consecutive floats of
 * each channel row: one 16-byte move per column; blocks that cross an image boundary go float by float.
 */
export function packColumns(dst: usize, dy: usize, g: i32, channels: i32, P: i32): void {
  const M = g * P, rowB = <usize>P << 2, imageB = <usize>(channels * P) << 2, blockB = <usize>channels << 4;
  for (let q0 = 0; q0 < M; q0 += 4) {
    const block = dst + <usize>(q0 >> 2) * blockB, n = q0 / P, r0 = q0 - n * P;
    if (r0 + 4 <= P) {
      let src = dy + <usize>n * imageB + (<usize>r0 << 2), out = block;
      for (let o = 0; o < channels; o++) {
        for (let l = 0; l < 4; l += LANES) vstore(out + (<usize>l << 2), vload(src + (<usize>l << 2)));
        src += rowB; out += 16;
      }
      continue;
    }
    for (let r = 0; r < 4; r++) {
      const q = q0 + r, valid = q < M, src = dy + <usize>(q / P) * imageB + (<usize>(q % P) << 2);
      for (let o = 0; o < channels; o++) store<f32>(block + (<usize>o << 4) + (<usize>r << 2), valid ? load<f32>(src + <usize>o * rowB) : 0);
    }
  }
}

/**
 * dy's channel rows for a group of g images, as rows `count` channels (from dy, which points at the first of them in
 * image 0) and columns the g·P pixels k = n·P + q: element (o, k) = dy[n, o, q]. 4×4 block transposes down the
 * channel rows; the pixel tail of each image and a last partial block of channels float by float.
 */
export function packChannels(dst: usize, dy: usize, g: i32, channels: i32, P: i32, count: i32): void {
  const K = g * P, rowB = <usize>P << 2, imageB = <usize>(channels * P) << 2, p4 = P & ~3;
  for (let o0 = 0; o0 < count; o0 += 4) {
    const block = dst + (<usize>(o0 >> 2) * <usize>K << 4), rows = min(4, count - o0);
    for (let n = 0; n < g; n++) {
      const src = dy + <usize>n * imageB + <usize>o0 * rowB, out = block + (<usize>(n * P) << 4);
      if (rows == 4) for (let q = 0; q < p4; q += 4) transpose4x4(out + (<usize>q << 4), 16, src + (<usize>q << 2), rowB);
      for (let r = 0; r < 4; r++) {
        for (let q = rows == 4 ? p4 : 0; q < P; q++) {
          store<f32>(out + (<usize>q << 4) + (<usize>r << 2), r < rows ? load<f32>(src + <usize>r * rowB + (<usize>q << 2)) : 0);
        }
      }
    }
  }
}
