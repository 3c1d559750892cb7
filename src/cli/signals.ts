// SIGINT (Ctrl-C) and SIGTERM for the whole life of a command. While a listener is installed Node never lets a
// signal kill the process, and listeners run only between synchronous stretches of code, so a file write (all
// synchronous, ./atomic-write.ts) is never cut short. A command routes the signals to its own handler; with no
// handler a signal ends the process at once (exit 130) — safe, since no write is ever in progress at that point.
// The bin ends with process.exit: a process left to drain its event loop puts the default actions back while
// tearing down, and a signal in that instant would kill it after all its work was done.
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type Signal = (typeof SIGNALS)[number];
export type SignalHandler = (signal: Signal) => void;

let handler: SignalHandler | null = null;
let installed = 0;

function listener(signal: Signal): void {
  if (handler) handler(signal);
  else process.exit(130);
}

/** Listens for the rest of the process (the CLI's bin calls this first, so no instant is left uncovered). */
export function holdSignals(): void {
  if (installed++ === 0) for (const s of SIGNALS) process.on(s, listener);
}

/** Routes signals to `onSignal` until the returned release is called. */
export function routeSignals(onSignal: SignalHandler): () => void {
  holdSignals();
  handler = onSignal;
  return () => {
    handler = null;
    if (--installed === 0) for (const s of SIGNALS) process.off(s, listener);
  };
}
