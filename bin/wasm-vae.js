#!/usr/bin/env node
// Listens for SIGINT and SIGTERM from the first instant, before the CLI's modules load, so that no Ctrl-C finds
// the process without a listener (which would kill it, mid-write if it came during one). The CLI's own
// listener takes over once loaded; a signal that came while loading is passed on, and the command not started.
// process.exit at the end, not a drained event loop: draining restores the signals' default actions while
// tearing down, so a Ctrl-C in that instant would kill a run that had finished everything.
let early;
const note = (signal) => { early ??= signal; };
process.on('SIGINT', note);
process.on('SIGTERM', note);
// In a clone dist/ exists only after a build (an installed package always has it): say so in one line.
const cli = await import('../dist/cli.js').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.url ?? error.message).includes('dist/cli.js')) throw error;
  console.error('wasm-vae: dist/cli.js is missing: this checkout is not built yet; run `npm run build` (or `npm start -- <options>`) first');
  process.exit(1);
});
cli.holdSignals();
process.off('SIGINT', note);
process.off('SIGTERM', note);
process.exit(await cli.main(process.argv.slice(2), early));
