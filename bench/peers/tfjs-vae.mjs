// TensorFlow.js peer of `npm run bench`: the reference recipe (784-400-20, ReLU, Bernoulli on logits, closed-form
// KL, Adam 1e-3, batch 128) in tfjs-core ops, the way a tfjs user writes a VAE training step. Plain JavaScript, so
// Node and the Chromium page run this same file; the caller passes the `tf` namespace with its backend set
// (@tensorflow/tfjs-backend-wasm or -cpu). Weights are drawn like nn.Linear's, U(±1/√fan_in).

/** A model and its Adam step. `step(x)` trains on one batch (a [rows, 784] tensor) and returns the loss. */
export function createTfjsVae(tf, seed = 1) {
  const dense = (inDim, outDim, s) => {
    const bound = 1 / Math.sqrt(inDim);
    return {
      w: tf.variable(tf.randomUniform([inDim, outDim], -bound, bound, 'float32', s)),
      b: tf.variable(tf.randomUniform([outDim], -bound, bound, 'float32', s + 1)),
    };
  };
  const fc1 = dense(784, 400, seed), fc21 = dense(400, 20, seed + 2), fc22 = dense(400, 20, seed + 4);
  const fc3 = dense(20, 400, seed + 6), fc4 = dense(400, 784, seed + 8);
  const linear = (x, layer) => tf.add(tf.matMul(x, layer.w), layer.b);
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);

  const loss = (x) => {
    const h = tf.relu(linear(x, fc1));
    const mu = linear(h, fc21), logVar = linear(h, fc22);
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), tf.randomNormal(mu.shape)));
    const logits = linear(tf.relu(linear(z, fc3)), fc4);
    // Bernoulli NLL on logits, stable form: max(l, 0) − l·x + log(1 + e^−|l|)
    const reconstruction = tf.sum(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))));
    // Kingma & Welling 2014, Appendix B
    const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mu)), tf.exp(logVar))));
    return tf.div(tf.add(reconstruction, kl), x.shape[0]);
  };

  return {
    step(x) {
      return tf.tidy(() => optimizer.minimize(() => loss(x), true).dataSync()[0]);
    },
    dispose() {
      for (const layer of [fc1, fc21, fc22, fc3, fc4]) { layer.w.dispose(); layer.b.dispose(); }
      optimizer.dispose();
    },
  };
}

/**
 * Milliseconds of each of `steps` training steps (after `warmup` untimed ones) on batches of 128 rows cut from
 * `images` (a Float32Array of n × 784 pixels in [0, 1]) in order.
 */
export async function timeTfjsSteps(tf, images, { steps = 20, warmup = 3, batch = 128 } = {}) {
  const vae = createTfjsVae(tf);
  const rows = images.length / 784, batches = Math.floor(rows / batch);
  const tensors = Array.from({ length: Math.min(batches, steps + warmup) }, (_, i) =>
    tf.tensor2d(images.subarray(i * batch * 784, (i + 1) * batch * 784), [batch, 784]));
  const times = [];
  for (let s = 0; s < steps + warmup; s++) {
    const start = performance.now();
    vae.step(tensors[s % tensors.length]);
    if (s >= warmup) times.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 0)); // as a page would: let the event loop breathe
  }
  for (const t of tensors) t.dispose();
  vae.dispose();
  return times;
}
