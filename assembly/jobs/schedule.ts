// How a job's work is shared out between the threads that run it, all on one shared memory. Work is handed out
// in chunks from atomic counters (~lib/barrier grab), so a faster core simply takes more chunks:
//   Row chunks (the whole batch on one thread, 16 rows or more on several), whole 4-row blocks, so a chunk's element
//     count is a multiple of 4 (except at the batch's end) and the padded writes of element-wise kernels
//     (kernels/padding.ts) stay inside it.
//   Column chunks (64 columns of one layer's weights: whole cache lines), for the products that sum over every row.
// Each phase of a job counts its chunks in a word of the sync record; model_prepare zeroes them before a job.
import { M, CHUNK_ROWS, CHUNK_COLUMNS } from '../model';
import { SYNC_JOB_COUNTERS } from '../abi';
import { barrier, grab } from '~lib/barrier';
import { LANES } from '~lib/lanes';

// The phases' chunk counters (words of the sync record). BAD is set by any weight-gradient chunk with a value
// beyond the divergence guard's limit.
export const TRANSPOSES = SYNC_JOB_COUNTERS, ROWS = SYNC_JOB_COUNTERS + 1, ROWS_AFTER_FREE_BITS = SYNC_JOB_COUNTERS + 2,
  COLUMNS = SYNC_JOB_COUNTERS + 3, ADAM = SYNC_JOB_COUNTERS + 4, BAD = SYNC_JOB_COUNTERS + 5;

// This instance's place in the running job (set by model_run through enter()).
export let tid = 0, threads = 1;

export function enter(t: i32, count: i32): void { tid = t; threads = count; }

// Thread 0 is the caller's thread where the caller joins (the host's pool): it sleeps at once, never spins.
export function sync(): void { barrier(M.sync, threads, tid != 0); }
export function word(w: i32): usize { return M.sync + (<usize>w << 2); }
/** The next chunk of the phase counted by word `w`. */
export function next(w: i32): i32 { return grab(word(w)); }
/** Byte offset of row r of a (B, width) f32 buffer. */
export function rowAt(r: i32, width: i32): usize { return (<usize>r * <usize>width) << 2; }
/**
 * Rows per chunk: the whole batch on one thread, else about a quarter of a thread's share (at least 16 rows), in
 * 4-row blocks. Every chunk streams each weight matrix once, so larger chunks move less through the caches the
 * cores share, while smaller ones let a faster core take more: where cores run at different speeds (shared vCPUs),
 * four chunks per thread keep them all busy.
 */
export function chunkRows(batch: i32): i32 {
  const parts = threads == 1 ? 1 : 4 * threads;
  return max(CHUNK_ROWS, ((batch + parts - 1) / parts + 3) & ~3);
}
export function rowChunks(batch: i32): i32 { return (batch + chunkRows(batch) - 1) / chunkRows(batch); }

/**
 * The list scratch of a row chunk's forward: records of the rows form sit at their 4-row block's index times the
 * widest layer's record, so chunks never overlap whichever layers they are at.
 */
export function rowLists(r0: i32): usize {
  return M.lists + <usize>(r0 >> 2) * ((<usize>M.widestIn + 1) << 2);
}

/** The list scratch of this thread's column chunk: one chunk's panels (B + 1 i32 each) per thread. */
export function columnLists(batch: i32): usize {
  return M.lists + <usize>tid * <usize>(CHUNK_COLUMNS / (2 * LANES)) * ((<usize>batch + 1) << 2);
}

/** Σ of `rows` f64 in row order: the same sum whatever the chunks were. */
export function sumRows(p: usize, rows: i32): f64 {
  let s: f64 = 0;
  for (let r = 0; r < rows; r++) s += load<f64>(p + (<usize>r << 3));
  return s;
}
