// Where the milliseconds of one training step go: the kernels of model_train_step (assembly/model.ts), called
// one by one through the wasm ABI in the step's order, at the reference shapes (784-400-20, batch 128), on a
// real MNIST batch and the activations it produces. The parts are timed separately and summed; the sum is
// printed beside a measured VAE.trainStep, so a budget that drifts from the real step shows.
import { Engine } from '../src/wasm/instance.js';
import { median } from './stats.js';

export interface BudgetLine { part: string; ms: number; gflops?: number; fractionOfDense?: number }

const B = 128, D = 784, H = 400, L = 20, RELU = 0, EPILOGUE_RELU = 1, SKIP_AUTO = 0;

/** Median milliseconds of `fn` over `rounds` rounds of `reps` calls, after a warm-up. */
function timeMs(fn: () => void, rounds = 15, reps = 5): number {
  for (let i = 0; i < 20; i++) fn();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) fn();
    samples.push((performance.now() - start) / reps);
  }
  return median(samples);
}

/** The step's kernels on `images` (at least B rows of D pixels in [0, 1]). */
export async function stepBudget(images: Float32Array): Promise<BudgetLine[]> {
  const e = await Engine.create('bench'), w = e.wasm;
  const put = (a: Float32Array) => { const p = e.alloc(4 * a.length); e.write(p, a); return p; };
  const uniform = (n: number, bound: number) => Float32Array.from({ length: n }, () => (Math.random() * 2 - 1) * bound);
  const layers = [[D, H], [H, L], [H, L], [L, H], [H, D]].map(([i, o]) => ({
    i, o, w: put(uniform(i * o, 1 / Math.sqrt(i))), b: put(uniform(o, 1 / Math.sqrt(i))), dw: e.alloc(4 * i * o), db: e.alloc(4 * o),
  }));
  const x = put(images.subarray(0, B * D));
  const h1 = e.alloc(4 * B * H), dh1 = e.alloc(4 * B * H), h3 = e.alloc(4 * B * H), dh3 = e.alloc(4 * B * H);
  const mu = e.alloc(4 * B * L), lv = e.alloc(4 * B * L), eps = e.alloc(4 * B * L), z = e.alloc(4 * B * L);
  const dmu = e.alloc(4 * B * L), dlv = e.alloc(4 * B * L), dz = e.alloc(4 * B * L);
  const logits = e.alloc(4 * B * D), dlogits = e.alloc(4 * B * D), wt = e.alloc(4 * D * H);
  const lists = e.alloc(Math.max(w.skip_list_bytes(B, 0, D), w.skip_list_bytes(0, D, B)));
  const params = layers.reduce((s, l) => s + l.i * l.o + l.o, 0);
  const p = e.alloc(4 * params), g = e.alloc(4 * params), m = e.alloc(4 * params), v = e.alloc(4 * params);
  const rng = e.alloc(80); w.rng_seed(rng, 1, 1);
  const [fc1, fc21, fc22, fc3, fc4] = layers;
  const flops = (l: { i: number; o: number }) => 2 * B * l.i * l.o;

  const lines: BudgetLine[] = [];
  const part = (name: string, fn: () => number | void, gflop?: number) => {
    let fraction: number | undefined;
    const ms = timeMs(() => { const r = fn(); if (typeof r === 'number') fraction = r; });
    lines.push({ part: name, ms, ...(gflop ? { gflops: gflop / ms / 1e6 } : {}), ...(fraction !== undefined && fraction !== 0 ? { fractionOfDense: fraction } : {}) });
  };
  // forward (the real step runs each of these once, in this order)
  part('fc1 forward 784→400 (+ReLU epilogue, zero-skipping)', () => w.dense_forward(h1, x, fc1.w, fc1.b, wt, lists, B, D, H, EPILOGUE_RELU, SKIP_AUTO), flops(fc1));
  part('fc21+fc22 forward 400→20 ×2', () => { w.dense_forward(mu, h1, fc21.w, fc21.b, wt, lists, B, H, L, 0, SKIP_AUTO); w.dense_forward(lv, h1, fc22.w, fc22.b, wt, lists, B, H, L, 0, SKIP_AUTO); }, 2 * flops(fc21));
  part('ε: normal_fill (Box–Muller)', () => w.normal_fill(eps, B * L, rng));
  part('reparameterize forward', () => w.reparameterize_forward(z, mu, lv, eps, B * L));
  part('fc3 forward 20→400 (+ReLU)', () => w.dense_forward(h3, z, fc3.w, fc3.b, wt, lists, B, L, H, EPILOGUE_RELU, SKIP_AUTO), flops(fc3));
  part('fc4 forward 400→784', () => w.dense_forward(logits, h3, fc4.w, fc4.b, wt, lists, B, H, D, 0, SKIP_AUTO), flops(fc4));
  part('Bernoulli loss + gradient', () => { w.bernoulli_logits_loss(dlogits, logits, x, B * D, 1 / B); });
  part('KL forward', () => { w.kl_forward(mu, lv, B * L); });
  // backward
  part('fc4 dW, db', () => w.dense_backward_params(fc4.dw, fc4.db, dlogits, h3, lists, B, H, D, 0, SKIP_AUTO), flops(fc4));
  part('fc4 dx 784→400', () => w.dense_backward_input(dh3, dlogits, fc4.w, B, H, D, 0), flops(fc4));
  part('ReLU backward (decoder)', () => w.activation_backward(RELU, dh3, h3, B * H));
  part('fc3 dW, db + dx', () => { w.dense_backward_params(fc3.dw, fc3.db, dh3, z, lists, B, L, H, 0, SKIP_AUTO); w.dense_backward_input(dz, dh3, fc3.w, B, L, H, 0); }, 2 * flops(fc3));
  part('KL backward + reparameterize backward', () => { w.kl_backward(dmu, dlv, mu, lv, B * L, 1 / B); w.reparameterize_backward(dmu, dlv, dz, lv, eps, B * L); });
  part('fc21+fc22 dW, db + dx', () => {
    w.dense_backward_params(fc22.dw, fc22.db, dlv, h1, lists, B, H, L, 0, SKIP_AUTO); w.dense_backward_input(dh1, dlv, fc22.w, B, H, L, 0);
    w.dense_backward_params(fc21.dw, fc21.db, dmu, h1, lists, B, H, L, 0, SKIP_AUTO); w.dense_backward_input(dh1, dmu, fc21.w, B, H, L, 1);
  }, 4 * flops(fc21));
  part('ReLU backward (encoder)', () => w.activation_backward(RELU, dh1, h1, B * H));
  part('fc1 dW, db (zero-skipping)', () => w.dense_backward_params(fc1.dw, fc1.db, dh1, x, lists, B, D, H, 0, SKIP_AUTO), flops(fc1));
  part('Adam over all parameters', () => w.adam_step(p, g, m, v, params, 1e-3, 0.9, 0.999, 1e-8, 10));
  return lines;
}
