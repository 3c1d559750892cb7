// Runs the PyTorch peer (pytorch_vae.py) in a child process, once per thread count, when some Python on this
// machine imports torch; it is never a dependency. This machine sets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE,
// which pin OpenBLAS to older kernels: the child runs without both (and with OPENBLAS_NUM_THREADS and
// OMP_NUM_THREADS set to its thread count), and reports which OpenBLAS core it ran.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface PytorchRun {
  python: string; torch: string; openblas: { library: string; core: string } | null;
  results: Array<{ threads: number; stepMs: number; steps: number; epochSeconds?: number }>;
}

/** The first of $PYTHON, python3, /usr/bin/python3 that imports torch, or null. */
export function findTorchPython(): string | null {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const python of candidates) {
    if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return python;
  }
  return null;
}

/** The recipe's step and epoch times at each thread count, on the IDX images at `imagesPath`. */
export function runPytorch(python: string, imagesPath: string, threadCounts: number[], steps: number): PytorchRun {
  const script = fileURLToPath(new URL('./pytorch_vae.py', import.meta.url));
  const runs = threadCounts.map((threads) => {
    const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const child = spawnSync(python, [script, imagesPath, '--threads', String(threads), '--steps', String(steps), '--epoch'],
      { env, encoding: 'utf8', maxBuffer: 1 << 20 });
    if (child.status !== 0) throw new Error(`bench: ${python} ${script} failed (${child.status}): ${child.stderr.trim().split('\n').pop()}`);
    return JSON.parse(child.stdout.trim().split('\n').pop()!) as Omit<PytorchRun, 'python'>;
  });
  return { python, torch: runs[0].torch, openblas: runs[0].openblas, results: runs.flatMap((r) => r.results) };
}
