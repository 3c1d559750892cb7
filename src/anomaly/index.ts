// wasm-vae/anomaly: thresholds and metrics for anomaly scores, e.g. vae.scores(x). A subpath of its own, so the
// main import does not carry it; it shares the main import's VAEError.
export { threshold, type ContaminationThreshold, type FalsePositiveRateThreshold, type ThresholdOptions } from './threshold.js';
export { precisionRecall, rocAuc, type PrecisionRecall } from './metrics.js';
