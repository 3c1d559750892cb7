// The CLI as a child process, for tests that interrupt it: wait for an observable state (a line printed, a file
// appearing), then signal it. Nothing here waits a fixed time, so the tests hold on fast and slow machines alike.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';

export const BIN = new URL('../../bin/wasm-vae.js', import.meta.url).pathname;

export interface Exit { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; /** ms from spawn to exit */ ms: number }

export interface Running {
  child: ChildProcess;
  /** Resolves once stdout has a line matching `pattern` (rejects if the process exits first). */
  line(pattern: RegExp): Promise<void>;
  /** Resolves once `path` exists (polled on every turn of the event loop; rejects if the process exits first). */
  file(path: string): Promise<void>;
  exit: Promise<Exit>;
}

export function start(args: string[], cwd?: string): Running {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  const began = performance.now();
  let stdout = '', stderr = '', exited = false;
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (chunk) => { stdout += chunk; for (const w of [...waiters]) w(); });
  child.stderr!.on('data', (chunk) => { stderr += chunk; });
  const exit = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      exited = true;
      for (const w of [...waiters]) w();
      resolve({ code, signal, stdout, stderr, ms: performance.now() - began });
    });
  });
  const until = (ready: () => boolean, what: string) => new Promise<void>((resolve, reject) => {
    const check = () => {
      if (ready()) { waiters.splice(waiters.indexOf(check), 1); resolve(); } else if (exited) {
        waiters.splice(waiters.indexOf(check), 1);
        reject(new Error(`wasm-vae exited before ${what}:\n${stdout}\n${stderr}`));
      }
    };
    waiters.push(check);
    check();
  });
  return {
    child, exit,
    line: (pattern) => until(() => stdout.split('\n').some((l) => pattern.test(l)), `printing ${pattern}`),
    file: (path) => {
      const ticking = setInterval(() => { for (const w of [...waiters]) w(); }, 1);
      return until(() => existsSync(path), `writing ${path}`).finally(() => clearInterval(ticking));
    },
  };
}

/** Runs to the end; rejects unless the exit code is `expected`. */
export async function run(args: string[], cwd?: string, expected = 0): Promise<Exit> {
  const result = await start(args, cwd).exit;
  if (result.code !== expected) throw new Error(`wasm-vae ${args.join(' ')} exited with ${result.code ?? result.signal}: ${result.stderr}`);
  return result;
}

/** An unsigned-byte IDX file of count images of rows×cols from values in [0, 1]. */
export function writeIdx(path: string, count: number, values: Float32Array, rows = 28, cols = 28): void {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(count, 4); header.writeUInt32BE(rows, 8); header.writeUInt32BE(cols, 12);
  writeFileSync(path, Buffer.concat([header, Buffer.from(Array.from(values, (v) => Math.round(v * 255)))]));
}
