// Every number the wasm and the TypeScript facade must agree on, in one place. scripts/generate-abi.js turns each
// `export const NAME: type = value;` line below into build/abi.js for src/ at build time, so neither side writes
// another's number by hand. Values only (a literal on each line): the generator reads this file as text.

// Job kinds (jobs/run.ts model_prepare).
export const JOB_TRAIN: i32 = 1;
export const JOB_GRADIENTS: i32 = 2;
export const JOB_EVALUATE: i32 = 3;
export const JOB_ENCODE: i32 = 4;
export const JOB_ENCODE_SAMPLE: i32 = 5;
export const JOB_DECODE: i32 = 6;
export const JOB_DECODE_MEAN: i32 = 7;
export const JOB_SAMPLE: i32 = 8;
export const JOB_LOG_LIKELIHOOD: i32 = 9;

// RNG streams: one seed, independent sequences for each use, so that evaluating or sampling never shifts training.
export const STREAM_INIT: i32 = 0;
export const STREAM_TRAIN: i32 = 1;   // ε of training steps
export const STREAM_SHUFFLE: i32 = 2; // epoch permutations (drawn by the facade through rng_below)
export const STREAM_SAMPLE: i32 = 3;  // z of sample()
export const STREAM_EVAL: i32 = 4;    // ε of evaluate(), re-seeded at each call
export const STREAMS: i32 = 5;

// The state record: step (i32), seed (u32), 8 bytes spare, then one record per stream: the xoshiro128+ state
// (4 generators × 4 words) and 16 bytes of scratch for normal_fill. With the parameter block and Adam's moments it
// is the whole training state: saving and resuming copy these and nothing else.
export const GENERATOR_BYTES: i32 = 64;
export const STREAM_RECORD_BYTES: i32 = 80;
export const STATE_HEADER_BYTES: i32 = 16;
export const STATE_BYTES: i32 = 416; // STATE_HEADER_BYTES + STREAMS × STREAM_RECORD_BYTES

// Result slots (f64) at model_results(): per example for a training step, sums for evaluate.
export const RESULT_LOSS: i32 = 0;
export const RESULT_RECONSTRUCTION: i32 = 1;
export const RESULT_KL: i32 = 2;
export const RESULT_KL_OBJECTIVE: i32 = 3; // the KL term the gradient is of (Σⱼ max(λ, KLⱼ) under free bits)

// Words (i32) of the sync record at model_sync(). The barrier inside jobs owns the first three; the host hands a
// job to its workers with the next ones (src/wasm/threads/); the jobs count their chunks from SYNC_JOB_COUNTERS on.
export const SYNC_COUNT: i32 = 0;   // barrier arrivals
export const SYNC_GEN: i32 = 1;     // barrier generation
export const SYNC_FAILED: i32 = 2;  // set when a thread of the pool died or threw: every waiter then gives up
export const SYNC_SEQ: i32 = 3;     // bumped by the host for each job; workers sleep on it
export const SYNC_DONE: i32 = 4;    // threads that finished the current job
export const SYNC_EXIT: i32 = 5;    // set by dispose(): workers leave their loop
export const SYNC_FAULT: i32 = 6;   // tests only: worker FAULT − 1 dies at its next job
export const SYNC_HOST_WORDS: i32 = 8;
export const SYNC_JOB_COUNTERS: i32 = 8;
export const SYNC_BYTES: i32 = 64;

// The divergence guard's bounds on every log-variance, encoder's and decoder's (model.ts explains them).
export const LOGVAR_MIN: f32 = -30;
export const LOGVAR_MAX: f32 = 20;

// Likelihoods and activations, in the order of the facade's option lists.
export const LIKELIHOOD_BERNOULLI: i32 = 0;
export const LIKELIHOOD_GAUSSIAN: i32 = 1;
export const ACTIVATION_RELU: i32 = 0;
export const ACTIVATION_LEAKY_RELU: i32 = 1;
export const ACTIVATION_TANH: i32 = 2;
export const ACTIVATION_SIGMOID: i32 = 3;

// Limits: threads a job may have, and pages (64 KiB) the imported memory may grow to (asconfig.json maximumMemory).
export const MAX_THREADS: i32 = 64;
export const MAX_PAGES: i32 = 16384;

// The layer table VAE.create hands to model_init: one record of LAYER_SPEC_FIELDS u32 per layer, in model order
// (encoder layers, encoder.mean, encoder.logvar, decoder layers, decoder.out). A dense layer is [in, 1, 1] → [out, 1, 1].
export const LAYER_DENSE: i32 = 0;
export const LAYER_CONV2D: i32 = 1;
export const LAYER_CONV_TRANSPOSE2D: i32 = 2;
export const SPEC_KIND: i32 = 0;
export const SPEC_IN_C: i32 = 1;
export const SPEC_IN_H: i32 = 2;
export const SPEC_IN_W: i32 = 3;
export const SPEC_OUT_C: i32 = 4;
export const SPEC_OUT_H: i32 = 5;
export const SPEC_OUT_W: i32 = 6;
export const SPEC_KERNEL_H: i32 = 7;
export const SPEC_KERNEL_W: i32 = 8;
export const SPEC_STRIDE: i32 = 9;
export const SPEC_PADDING: i32 = 10;
export const SPEC_ACTIVATED: i32 = 11;
export const LAYER_SPEC_FIELDS: i32 = 12;

// Likelihood blocks (builds with LIKELIHOOD_BLOCKS=1; assembly/likelihood-model.ts). With the likelihood code
// LIKELIHOOD_TABLE, model_init reads a table right after the layer records: the block count (u32), then BLOCK_FIELDS
// u32 per block, in column order. The decoder's out layer then gives P ≥ D values per example: per block, w logits
// (Bernoulli), k logits (categorical), w means (Gaussian), then w log-variances for VARIANCE_OUTPUT.
// VARIANCE_SHARED and VARIANCE_FEATURE blocks read their log-variances from the tensor decoder.logvar (one, or one per
// column), the last tensor of the parameter block. JOB_SAMPLE with samples = 1 draws from each block instead of
// returning the means; a table model's decode-mean and sample results (D per row) land in the input buffer.
export const LIKELIHOOD_TABLE: i32 = 2;
export const BLOCK_BERNOULLI: i32 = 0;
export const BLOCK_CATEGORICAL: i32 = 1;
export const BLOCK_GAUSSIAN: i32 = 2;
export const VARIANCE_UNIT: i32 = 0;
export const VARIANCE_SHARED: i32 = 1;
export const VARIANCE_FEATURE: i32 = 2;
export const VARIANCE_OUTPUT: i32 = 3;
export const BLOCK_KIND: i32 = 0;
export const BLOCK_WIDTH: i32 = 1;
export const BLOCK_VARIANCE: i32 = 2;
export const BLOCK_FIELDS: i32 = 3;
