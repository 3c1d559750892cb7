// `npm run bench:sparse-rows [density ...]`: the one-row listed tile of assembly/bench/sparse-rows.ts against gemm's
// dense 4-row tile, at the output layer's forward shape (128 × 400 → 768 columns, a multiple of 32), on A with the
// given fractions of non-zeros (default 0.5, the decoder's hidden units; 0.2, MNIST's pixels). Checks that both give
// the same bits, then prints medians and the listed tile's rate per flop it actually ran, as a fraction of the dense one.
import { readFileSync } from 'node:fs';

const { instance } = await WebAssembly.instantiate(readFileSync(new URL('../../build/sparse-rows.wasm', import.meta.url)), { env: { abort() {} } });
const w = instance.exports;
const M = 128, K = 400, N = 768;
const median = (xs) => xs.slice().sort((p, q) => p - q)[xs.length >> 1];
const time = (fn) => { const t = []; for (let r = 0; r < 25; r++) { const s = performance.now(); fn(); t.push(performance.now() - s); } return median(t); };

for (const density of (process.argv.length > 2 ? process.argv.slice(2) : ['0.5', '0.2']).map(Number)) {
  const a = w.alloc(M * K * 4), b = w.alloc(K * N * 4), dense = w.alloc(M * N * 4), listed = w.alloc(M * N * 4), lists = w.alloc(M * (K + 1) * 4);
  const f = new Float32Array(w.memory.buffer);
  for (let i = 0; i < M * K; i++) f[a / 4 + i] = Math.random() < density ? Math.random() : 0;
  for (let i = 0; i < K * N; i++) f[b / 4 + i] = Math.random() - 0.5;
  const rounds = [];
  let ran = 0;
  for (let round = 0; round < 5; round++) {
    const tDense = time(() => w.dense4x8(dense, a, b, M, N, K));
    const tLists = time(() => { ran = w.row_lists(lists, a, M, K) / (M * K); });
    const tListed = time(() => w.listed1x8(listed, a, b, M, N, K, lists));
    rounds.push({ tDense, tLists, tListed });
  }
  const out = new Uint32Array(w.memory.buffer);
  let differing = 0;
  for (let i = 0; i < M * N; i++) if (out[dense / 4 + i] !== out[listed / 4 + i]) differing++;
  const d = median(rounds.map((r) => r.tDense)), l = median(rounds.map((r) => r.tListed)), lists_ = median(rounds.map((r) => r.tLists));
  const perFlop = median(rounds.map((r) => (r.tDense * ran) / r.tListed));
  console.log(`non-zeros ${(100 * ran).toFixed(0)}%: dense ${d.toFixed(3)} ms (${(2 * M * N * K / d / 1e6).toFixed(1)} GFLOP/s), ` +
    `listed ${l.toFixed(3)} ms + lists ${lists_.toFixed(3)} ms; listed rate per flop run ${(100 * perFlop).toFixed(0)}% of dense; ` +
    `${differing} of ${M * N} outputs differ in their bits`);
}
