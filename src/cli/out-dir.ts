// The --out folder of a run: created and probed for writing before training starts (so a run that cannot save
// fails at once, not at its first checkpoint), and locked for the run's life so that two runs never write into
// one folder. The lock file, created exclusively, holds the pid and start time of its run; a lock whose pid is
// no longer alive (a run killed by SIGKILL or a crash) is stale and taken over.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = '.wasm-vae.lock';

/** Creates and probes `out`, then locks it; the returned function removes the lock. */
export function claimOut(out: string): () => void {
  const unwritable = (why: string): never => { throw new Error(`--out ${out} is not writable: ${why}`); };
  try {
    mkdirSync(out, { recursive: true });
  } catch (error) {
    unwritable(`could not create the folder: ${(error as Error).message}`);
  }
  const probe = join(out, `.wasm-vae-probe-${randomBytes(6).toString('hex')}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (error) {
    unwritable(`could not create ${probe}: ${(error as Error).message}`);
  }
  return lock(out);
}

function lock(out: string): () => void {
  const path = join(out, LOCK_FILE);
  const mine = `${JSON.stringify({ pid: process.pid, started: new Date().toISOString() })}\n`;
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`could not create the lock ${path}: ${(error as Error).message}`);
      const holder = readHolder(path);
      if (attempt === 0 && holder !== null && (holder.pid === process.pid || !alive(holder.pid))) { // our own pid: reused after a kill
        try { unlinkSync(path); } catch { /* another run took it over first: the next attempt says so */ }
        continue;
      }
      const who = holder === null ? 'an unknown process (the lock file is unreadable)' : `pid ${holder.pid}, started ${holder.started}`;
      throw new Error(`--out ${out} is in use by another wasm-vae run (${who}); wait for it or give another --out ` +
        `(if no such run is alive, remove ${path})`);
    }
    try {
      writeSync(fd, mine);
    } finally {
      closeSync(fd);
    }
    return () => {
      try {
        if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
      } catch { /* already gone */ }
    };
  }
}

function readHolder(path: string): { pid: number; started: string } | null {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8'));
    return Number.isInteger(holder?.pid) && holder.pid > 0 ? { pid: holder.pid, started: String(holder.started) } : null;
  } catch {
    return null;
  }
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
