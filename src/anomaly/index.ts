// wasm-vae/anomaly: thresholds and metrics for anomaly scores, e.g. vae.scores(x). A subpath of its own, so the
// main import does not carry it; it shares the main import's VAEError.
/**
 * Thresholds and metrics for anomaly scores: `import { threshold } from 'wasm-vae/anomaly'`.
 * @module wasm-vae/anomaly
 */
export { threshold, type ContaminationThreshold, type FalsePositiveRateThreshold, type ThresholdOptions } from './threshold.js';
export { precisionRecall, rocAuc, type PrecisionRecall } from './metrics.js';
export type { Numbers } from './checks.js';
