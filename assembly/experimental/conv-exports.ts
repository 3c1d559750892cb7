// The convolution kernels as a module of their own, for their tests (tests/kernels/conv*.test.ts) and benchmark
// (bench/experiments/conv.mjs), built in both flavours (asconfig targets "conv" and "conv-scalar"). Not part of
// the shipped library until a model uses them: the library's wasm has a download budget. Own memory, bump
// allocation.
export {
  conv_out_size, conv_transpose_out_size, conv2d_scratch_floats, conv_transpose2d_scratch_floats,
  conv2d_forward, conv2d_forward_im2row, conv2d_backward_input, conv2d_backward_input_im2row, conv2d_backward_weight, conv2d_backward_weight_rows,
  conv_transpose2d_forward, conv_transpose2d_backward_input, conv_transpose2d_backward_weight,
  conv_transpose2d_backward_weight_rows,
} from '../kernels/conv';
export { im2row_hwc, row2im_hwc_add } from '../kernels/im2col';
export { conv2d_forward_direct, direct_scratch_floats } from '../kernels/conv-direct';
export { gemm } from '../kernels/gemm';
export { gemm_packed } from '../kernels/gemm-packed';
export { transpose } from '../kernels/dense';

let top: usize = 65536;

/** `bytes` of zeroed memory, 64-byte aligned (memory grows as needed; never freed until reset). */
export function alloc(bytes: usize): usize {
  const p = top;
  top += (bytes + 63) & ~(<usize>63);
  const pages = <i32>((top + 0xffff) >> 16) - memory.size();
  if (pages > 0 && memory.grow(pages) < 0) unreachable();
  memory.fill(p, 0, bytes);
  return p;
}

/** Forgets every allocation (the memory stays). */
export function reset(): void { top = 65536; }
