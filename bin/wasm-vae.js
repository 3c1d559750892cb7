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
const cli = await import('../dist/cli.js');
cli.holdSignals();
process.off('SIGINT', note);
process.off('SIGTERM', note);
process.exit(await cli.main(process.argv.slice(2), early));
