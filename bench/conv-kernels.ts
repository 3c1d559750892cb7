// The convolution kernels' rates against the probe's peak, for the bench report: runs bench/experiments/conv.mjs
// (`npm run bench:conv`, on build/conv.wasm: whatever kernels are built) in a child process with --json, and turns
// its rows into report rows. Its fraction of peak is the median over rounds of (kernel rate) / (probe rate around it).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Row } from './suites/portable.mjs';

interface ConvKernelResult { peak: number; batch: number; rounds: number; rows: Array<{ shape: string; name: string; ms: number; gflops: number; ofPeak: number }> }

export function convKernelRows(rounds: number): Row[] {
  const script = fileURLToPath(new URL('./experiments/conv.mjs', import.meta.url));
  const child = spawnSync(process.execPath, [script, '--rounds', String(rounds), '--json'], { encoding: 'utf8', maxBuffer: 1 << 22 });
  if (child.status !== 0) throw new Error(`bench: ${script} failed (${child.status}): ${child.stderr.trim().split('\n').pop()}`);
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as ConvKernelResult;
  return [
    { suite: 'conv kernels', name: 'probe: 4×8 f32x4 mul+add tile (conv.mjs, median of 15 rounds)', medianMs: NaN, samples: 15, throughput: result.peak, unit: 'GFLOP/s' },
    ...result.rows.map((r) => ({
      // the alternative paths' rows are named "same, …" after the row they redo: name the layer
      suite: 'conv kernels', name: r.name.startsWith('same,') ? `${r.shape}: ${r.name}` : r.name, medianMs: r.ms,
      samples: result.rounds, throughput: r.gflops, unit: 'GFLOP/s', fractionOfPeak: r.ofPeak,
    })),
  ];
}
