// Carves 16-byte-aligned regions out of linear memory, growing it as needed: the only place memory is laid out.
// A bump allocator with marks: the model lays out its state and parameters once, then re-lays its activations
// above a mark when the batch capacity grows. Regions are zero-filled and their sizes rounded up to 16 bytes,
// which is the padding the element-wise kernels rely on.

let top: usize = 0;

function base(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** A zeroed region of at least `bytes`, 16-byte aligned; 0 when memory cannot grow. */
export function arena_alloc(bytes: usize): usize {
  if (top == 0) top = base();
  const ptr = top;
  const end = ptr + ((bytes + 15) & ~(<usize>15));
  const pagesNeeded = <i32>((end + 0xffff) >>> 16);
  const pagesHave = memory.size();
  if (pagesNeeded > pagesHave && memory.grow(pagesNeeded - pagesHave) < 0) return 0;
  memory.fill(ptr, 0, end - ptr);
  top = end;
  return ptr;
}

/** The current top: a mark to return to with arena_reset. */
export function arena_mark(): usize {
  if (top == 0) top = base();
  return top;
}

/** Frees every region allocated since `mark`. */
export function arena_reset(mark: usize): void {
  top = mark;
}
