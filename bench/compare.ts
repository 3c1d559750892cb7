// `npm run bench:compare A.json B.json`: two result files of `npm run bench` (other machines, versions or
// builds) side by side — every row both measured, with B's time as a multiple of A's (below 1: B is faster).
import { readFileSync } from 'node:fs';

interface Result {
  date: string; mode: string; machine: { cpu: string; cores: number }; engines: { node: string; chromium?: string };
  packages: Record<string, string>;
  rows: Array<{ platform: string; suite: string; name: string; medianMs: number; throughput: number; unit: string; epochSeconds?: number }>;
}

function read(path: string): Result {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Result;
  } catch (error) {
    throw new Error(`bench:compare: expected a JSON file written by npm run bench; could not read ${path}: ${(error as Error).message}`);
  }
}

const [pathA, pathB] = process.argv.slice(2);
if (!pathA || !pathB) {
  console.error('usage: npm run bench:compare A.json B.json   (files from bench/results/)');
  process.exit(2);
}
const a = read(pathA), b = read(pathB);
for (const [label, r, path] of [['A', a, pathA], ['B', b, pathB]] as const) {
  console.log(`${label}: ${path} — ${r.mode}, ${r.date}, ${r.machine.cpu} × ${r.machine.cores}, Node ${r.engines.node}` +
    `${r.engines.chromium ? `, Chromium ${r.engines.chromium}` : ''}, wasm-vae ${r.packages['wasm-vae']}`);
}
const key = (r: Result['rows'][number]) => `${r.platform} · ${r.suite} · ${r.name}`;
const inB = new Map(b.rows.map((r) => [key(r), r]));
// Time per unit of work: the epoch where there is one, else the median call, else 1/throughput (the peak probe).
const cost = (r: Result['rows'][number]) => r.epochSeconds ?? (Number.isFinite(r.medianMs) ? r.medianMs : 1 / r.throughput);
let shown = 0, suite = '';
for (const ra of a.rows) {
  const rb = inB.get(key(ra));
  if (!rb) continue;
  if (`${ra.platform} · ${ra.suite}` !== suite) { suite = `${ra.platform} · ${ra.suite}`; console.log(`\n${suite}`); }
  const ratio = cost(rb) / cost(ra);
  console.log(`  ${ra.name.padEnd(70)} ${ra.throughput.toPrecision(4).padStart(10)} → ${rb.throughput.toPrecision(4).padStart(10)} ${ra.unit.padEnd(10)} B takes ${ratio.toFixed(2)}× A's time`);
  shown++;
}
const onlyA = a.rows.filter((r) => !inB.has(key(r))).length, onlyB = b.rows.length - shown;
console.log(`\n${shown} rows in both${onlyA || onlyB ? `; ${onlyA} only in A, ${onlyB} only in B` : ''}`);
