// Runs the conv VAE's PyTorch peer (pytorch_conv_vae.py --serve) as a long-lived child process per thread count,
// so that the bench can alternate its rounds with ours: each request is one line ("BATCHES"), each answer one
// JSON line, and the process sleeps on stdin in between. Same environment as the MLP peer (pytorch.ts):
// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = threads.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface PytorchConvRound { seconds: number; batches: number; epochSeconds: number }
export interface PytorchConvInfo { torch: string; python: string; threads: number; mkldnn: boolean; shapes: number[][] }

/** The environment of a measured PyTorch process at `threads` threads. */
export function torchEnvironment(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

export class PytorchConvPeer {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  #waiting: ((line: string | null) => void) | null = null;
  #stderr = '';
  info!: PytorchConvInfo;

  private constructor(python: string, imagesPath: string, threads: number, warmup: number) {
    const script = fileURLToPath(new URL('./pytorch_conv_vae.py', import.meta.url));
    this.#child = spawn(python, [script, imagesPath, '--threads', String(threads), '--warmup', String(warmup), '--serve'],
      { env: torchEnvironment(threads) });
    this.#child.stderr.on('data', (d) => { this.#stderr = (this.#stderr + d).slice(-2000); });
    const lines = createInterface({ input: this.#child.stdout });
    lines.on('line', (line) => this.#deliver(line));
    lines.on('close', () => this.#deliver(null));
  }

  /** A peer that has loaded MNIST, built its model and run `warmup` untimed steps. */
  static async start(python: string, imagesPath: string, threads: number, warmup = 3): Promise<PytorchConvPeer> {
    const peer = new PytorchConvPeer(python, imagesPath, threads, warmup);
    peer.info = JSON.parse(await peer.#next()) as PytorchConvInfo;
    return peer;
  }

  /** Seconds of `batches` training steps, and that scaled to one epoch. */
  async measure(batches: number): Promise<PytorchConvRound> {
    this.#child.stdin.write(`${batches}\n`);
    return JSON.parse(await this.#next()) as PytorchConvRound;
  }

  close(): void {
    this.#child.stdin.end();
  }

  #deliver(line: string | null): void {
    if (this.#waiting) { const w = this.#waiting; this.#waiting = null; w(line); } else if (line !== null) this.#lines.push(line);
    else this.#lines.push('\0closed');
  }

  #next(): Promise<string> {
    const line = this.#lines.shift();
    const got = line !== undefined ? Promise.resolve(line) : new Promise<string | null>((resolve) => { this.#waiting = resolve; });
    return got.then((l) => {
      if (l === null || l === '\0closed') throw new Error(`bench: the PyTorch conv peer exited: ${this.#stderr.trim().split('\n').pop() ?? ''}`);
      return l;
    });
  }
}
