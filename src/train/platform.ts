// The only difference between Node and browsers that the library needs: how to yield to the event loop
// without the 4 ms clamp that nested setTimeout(0) gets in browsers.

type Scheduler = (callback: () => void) => void;

function pickScheduler(): Scheduler {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return (cb) => { setImmediate(cb); };
  }
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    const queue: Array<() => void> = [];
    channel.port1.onmessage = () => queue.shift()?.();
    return (cb) => { queue.push(cb); channel.port2.postMessage(0); };
  }
  return (cb) => { setTimeout(cb, 0); };
}

let scheduler: Scheduler | undefined;

/** Resolves after pending I/O, timers and UI events have had their turn. */
export function yieldToEventLoop(): Promise<void> {
  scheduler ??= pickScheduler();
  const schedule = scheduler;
  return new Promise((resolve) => schedule(resolve));
}
