// Which build this module is, so the facade can report it: the SIMD and the scalar build share every other
// export, compiled from the same sources with a different ~lib/lanes (asconfig.json).
import { LANES } from '~lib/lanes';
import { THREADS_BUILD } from '~lib/barrier';

/** Lanes per vector: 4 in the SIMD build, 1 in the scalar build. */
export function build_lanes(): i32 {
  return LANES;
}

/** 1 when this build can run a job on several threads (atomics; its memory may be shared), else 0. */
export function build_threads(): i32 {
  return THREADS_BUILD;
}

/** 1 when this build has the convolution layers (asc --use CONV_LAYERS=1: the simd-full and scalar builds), else 0. */
export function build_conv(): i32 {
  // @ts-ignore: CONV_LAYERS is asc's --use constant (asconfig.json)
  return CONV_LAYERS;
}
