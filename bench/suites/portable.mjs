// The benchmark suites that run the same way in Node and in headless Chromium: plain JavaScript, every
// dependency passed in (benchmark.js, the raw wasm exports, the VAE class, the tfjs namespace), data real MNIST.
// Each function returns rows { suite, name, medianMs, samples, throughput, unit, ...extra }.
//
// Timing: benchmark.js (minTime 0.5 s per sample, so the browser's coarse timer resolves a call finely); every
// figure is a median. Peers are measured in the same process, one after the other: compare ratios, not figures
// from different runs, on a shared machine.

const B = 128, D = 784, H = 400, L = 20;
const INIT_BIAS = 1, INIT_ZERO = 0, SKIP_NEVER = 1, SKIP_AUTO = 0;

/** Median of a non-empty list. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Milliseconds per call of `fn` (median over benchmark.js samples) and the sample count. */
export function timeCall(Benchmark, fn, maxTime) {
  return new Promise((resolve, reject) => {
    new Benchmark('x', fn, {
      minSamples: 5, minTime: 0.5, maxTime,
      onComplete() { resolve({ medianMs: 1000 * median(this.stats.sample), samples: this.stats.sample.length }); },
      onError(event) { reject(event.target.error); },
    }).run();
  });
}

function row(suite, name, timing, units, unit, extra = {}) {
  return { suite, name, ...timing, throughput: units / (timing.medianMs / 1000), unit, ...extra };
}

/** The register-tile peak: GFLOP/s of the probe module (assembly/bench/probe.ts), median of `rounds` rounds. */
export function measurePeak(probe, rounds = 15) {
  // ≈ 2 ms a round here: long enough for a browser's coarse performance.now()
  const calls = 10000, flops = probe.probe_flops_per_round() * calls, gflops = [];
  probe.peak_probe(calls); // tier-up
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    probe.peak_probe(calls);
    gflops.push(flops / ((performance.now() - start) / 1000) / 1e9);
  }
  return { suite: 'peak', name: 'probe: 4×8 f32x4 mul+add tile, operands in L1', medianMs: NaN, samples: gflops.length, throughput: median(gflops), unit: 'GFLOP/s' };
}

/** A box of the wasm module's arena: regions for the kernels' operands. */
function arena(w) {
  const alloc = (floats) => {
    const p = w.arena_alloc(4 * floats);
    if (p === 0) throw new Error('bench: wasm memory could not grow');
    return p;
  };
  const put = (values) => { const p = alloc(values.length); new Float32Array(w.memory.buffer, p, values.length).set(values); return p; };
  const uniform = (n, bound) => Float32Array.from({ length: n }, () => (Math.random() * 2 - 1) * bound);
  return { alloc, put, uniform };
}

/**
 * Kernels at MNIST shapes, batch 128: the three dense GEMM forms for 784→400 and 400→784 on their dense paths
 * (GFLOP/s, and the fraction of the probe's peak in rounds that alternate probe and kernel), the zero-skipping
 * paths on a real MNIST batch (effective GFLOP/s: the dense product's flops over the time taken), Gaussian
 * sampling against a plain-JS Box–Muller loop, the KL, the Bernoulli loss, and Adam over the model's 652,824
 * parameters.
 */
export async function measureKernels(Benchmark, w, probe, images, maxTime) {
  const { alloc, put, uniform } = arena(w);
  const rows = [];
  const add = async (suite, name, fn, units, unit, extra) => rows.push(row(suite, name, await timeCall(Benchmark, fn, maxTime), units, unit, extra));
  // Dense paths report the fraction of the probe's peak; zero-skipping paths an effective rate (the dense
  // product's flops over the time taken), which can exceed the peak, and the fraction of k steps they ran.
  // The fraction is the median over 9 short rounds of (kernel rate) / (probe rate just before and after it):
  // this shared machine's speed drifts within seconds, so only measurements taken together are compared.
  const fractionOfPeak = (fn, flops) => {
    const ratios = [];
    for (let round = 0; round < 9; round++) {
      const before = measurePeak(probe, 3).throughput;
      const start = performance.now();
      for (let i = 0; i < 10; i++) fn();
      const gflops = (10 * flops) / ((performance.now() - start) / 1000) / 1e9;
      ratios.push(gflops / ((before + measurePeak(probe, 3).throughput) / 2));
    }
    return median(ratios);
  };
  const gemmRow = async (name, fn, flops, skipping = false) => {
    const timing = await timeCall(Benchmark, fn, maxTime);
    const gflops = flops / (timing.medianMs / 1000) / 1e9;
    rows.push(skipping
      ? { suite: 'kernels', name, ...timing, throughput: gflops, unit: 'GFLOP/s eff.' }
      : { suite: 'kernels', name, ...timing, throughput: gflops, unit: 'GFLOP/s', fractionOfPeak: fractionOfPeak(fn, flops) });
  };
  const x = put(images.subarray(0, B * D));
  for (const [I, O] of [[D, H], [H, D]]) {
    const flops = 2 * B * I * O;
    const input = I === D ? x : put(uniform(B * I, 1).map((v) => Math.max(0, v))); // post-ReLU hidden
    const wgt = put(uniform(O * I, 1 / Math.sqrt(I))), wt = alloc(I * O), bias = put(uniform(O, 0.1));
    const y = alloc(B * O), dy = put(uniform(B * O, 0.01)), dx = alloc(B * I), dw = alloc(O * I), db = alloc(O);
    w.transpose(wt, wgt, O, I);
    const shape = `${B}×${I}→${O}`;
    await gemmRow(`forward x·Wᵀ+b ${shape} (gemm, dense path)`, () => w.gemm(y, O, input, I, 1, wt, O, bias, B, O, I, INIT_BIAS, 0), flops);
    await gemmRow(`dx = dy·W ${shape} (gemm, dense path)`, () => w.gemm(dx, I, dy, O, 1, wgt, I, 0, B, I, O, INIT_ZERO, 0), flops);
    await gemmRow(`dW = dyᵀ·x ${shape} (gemm, dense path)`, () => w.gemm(dw, I, dy, 1, O, input, I, 0, O, I, B, INIT_ZERO, 0), flops);
    await add('kernels', `transpose W ${O}×${I} (the forward's copy of Wᵀ)`, () => w.transpose(wt, wgt, O, I), O * I, 'floats/s');
    if (I === D) {
      // The model's entry points on a real MNIST batch, deciding per batch (SKIP_AUTO).
      const lists = alloc(Math.max(w.skip_list_bytes(B, 0, D), w.skip_list_bytes(0, D, B)) / 4);
      let fraction = 1;
      await gemmRow(`dense_forward ${shape} on MNIST pixels (zero-skipping, + transpose)`,
        () => { fraction = w.dense_forward(y, x, wgt, bias, wt, lists, B, I, O, 1, SKIP_AUTO); }, flops, true);
      rows[rows.length - 1].stepsRun = fraction;
      await gemmRow(`dense_forward ${shape} on MNIST pixels (dense path, + transpose)`,
        () => w.dense_forward(y, x, wgt, bias, wt, lists, B, I, O, 1, SKIP_NEVER), flops);
      await gemmRow(`dense_backward_params ${shape} on MNIST pixels (zero-skipping)`,
        () => { fraction = w.dense_backward_params(dw, db, dy, x, lists, B, I, O, 0, SKIP_AUTO); }, flops, true);
      rows[rows.length - 1].stepsRun = fraction;
      await gemmRow(`dense_backward_params ${shape} on MNIST pixels (dense path)`,
        () => w.dense_backward_params(dw, db, dy, x, lists, B, I, O, 0, SKIP_NEVER), flops);
    }
  }

  const n = 1 << 16, state = alloc(20), out = alloc(n);
  w.rng_seed(state, 1, 0);
  await add('sampling', `wasm normal_fill ${n} (xoshiro128+ ×4, Box–Muller)`, () => w.normal_fill(out, n, state), n, 'samples/s');
  const js = new Float32Array(n);
  await add('sampling', `plain-JS Box–Muller ${n} (Math.random)`, () => {
    for (let i = 0; i < n; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - Math.random())), t = 2 * Math.PI * Math.random();
      js[i] = r * Math.cos(t); js[i + 1] = r * Math.sin(t);
    }
  }, n, 'samples/s');

  const mu = put(uniform(B * L, 1)), lv = put(uniform(B * L, 1)), dmu = alloc(B * L), dlv = alloc(B * L);
  await add('kernels', `KL forward + backward ${B}×${L}`, () => { w.kl_forward(mu, lv, B * L); w.kl_backward(dmu, dlv, mu, lv, B * L, 1 / B); }, B * L, 'elements/s');
  const logits = put(uniform(B * D, 4)), dlogits = alloc(B * D);
  await add('kernels', `Bernoulli loss + gradient ${B}×${D}`, () => w.bernoulli_logits_loss(dlogits, logits, x, B * D, 1 / B), B * D, 'elements/s');
  const params = 652824, p = put(uniform(params, 0.05)), g = put(uniform(params, 0.01)), m = alloc(params), v = alloc(params);
  await add('kernels', `Adam ${params} parameters`, () => w.adam_step(p, g, m, v, params, 1e-3, 0.9, 0.999, 1e-8, 10), params, 'params/s');
  return rows;
}

/** 128-row batches cut from `images` in order, as n × 784 Float32Array views. */
function batchesOf(images, count) {
  return Array.from({ length: count }, (_, i) => images.subarray(i * B * D, (i + 1) * B * D));
}

/** VAE.trainStep on real MNIST batches (cycling through 20 of them), `options.wasm` choosing the build. */
export async function measureTrainStep(Benchmark, VAE, images, wasm, maxTime) {
  const vae = await VAE.create({ inputDim: D, seed: 1 }, { wasm });
  const batches = batchesOf(images, 20);
  let i = 0;
  for (let s = 0; s < 5; s++) vae.trainStep(batches[s]);
  const timing = await timeCall(Benchmark, () => vae.trainStep(batches[i++ % batches.length]), maxTime);
  vae.dispose();
  return row('training step', `wasm-vae ${wasm} VAE.trainStep 784-400-20 b128`, timing, B, 'images/s');
}

/** One VAE.fit epoch over all of `images` (60,000 for MNIST), `epochs` times; median seconds. */
/**
 * One MNIST epoch of VAE.fit at each thread count, in `rounds` alternating rounds (one epoch per count per round,
 * each count training its own model throughout): this shared machine's speed drifts, so the scaling is the median
 * of the rounds' ratios to one thread (`toOneThread`), each taken from epochs run back to back. The rounds' ratios
 * are kept too (`toOneThreadRounds`): where the cores run at different speeds, a one-thread epoch that landed on the
 * slower core makes its round's ratio look better than the scaling is.
 */
export async function measureEpochs(VAE, images, rounds, threadCounts) {
  const models = [];
  for (const threads of threadCounts) models.push(await VAE.create({ inputDim: D, seed: 1 }, { threads }));
  const seconds = models.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, vae] of models.entries()) seconds[i].push((await vae.fit(images, { epochs: 1, batchSize: B }))[0].seconds);
  }
  const one = threadCounts.indexOf(1);
  const rows = models.map((vae, i) => {
    const ran = vae.threads, s = median(seconds[i]);
    vae.dispose();
    return {
      suite: 'epoch', name: `wasm-vae simd VAE.fit, one epoch of ${images.length / D} images, ${ran} thread${ran > 1 ? 's' : ''}`,
      medianMs: 1000 * s, samples: rounds, throughput: images.length / D / s, unit: 'images/s', epochSeconds: s, threads: ran,
      epochs: seconds[i], ...(one >= 0 ? { toOneThreadRounds: seconds[i].map((t, r) => t / seconds[one][r]) } : {}),
    };
  });
  for (const r of rows) if (r.toOneThreadRounds) r.toOneThread = median(r.toOneThreadRounds);
  return rows;
}

/**
 * A tfjs training step with the backend `tf` is set to (bench/peers/tfjs-vae.mjs), `steps` timed steps after
 * a warm-up; the epoch is the median step × the batches of one MNIST epoch (stated as scaled).
 */
export async function measureTfjs(tf, timeTfjsSteps, images, label, steps) {
  const times = await timeTfjsSteps(tf, images, { steps, warmup: 3 });
  const ms = median(times), batches = Math.ceil(60000 / B);
  return {
    suite: 'training step', name: `${label} train step 784-400-20 b128`, medianMs: ms, samples: times.length,
    throughput: B / (ms / 1000), unit: 'images/s', epochSeconds: (ms * batches) / 1000, epochScaledFromSteps: times.length,
    backend: tf.getBackend(), flags: { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') },
  };
}
