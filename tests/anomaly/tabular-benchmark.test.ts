// Issue 20's target: on the tabular anomaly fixture (20,000 × 12, scales 0.05 … 3,000, 1% anomalies of three kinds,
// tests/fixtures/tabular-anomalies.ts), a VAE with the documented settings for real-valued records, scored by
// vae.scores, ranks the test split's anomalies at least as well as the better of scikit-learn's PCA reconstruction
// error and IsolationForest, fitted and scored on the same split in this run. The peers are skipped without
// Debian's python3 and scikit-learn; the VAE's absolute floor is asserted either way. Training is deterministic (same
// seed, same bytes), so every figure here is the same on every run of a build.
import { beforeAll, describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { tabularAnomalies, type TabularData } from '../fixtures/tabular-anomalies.js';
import { figures, fmt, reconstructionErrors, runPeer, sklearnAvailable, type Figures, type PeerFigures } from './harness.js';

const CONTAMINATION = 0.01;
// The VAE's test AUC must reach this whatever the peers do. Measured: 0.900 for this test; 0.896, 0.897 and 0.901 for
// seeds 1–3 with the data standardised by hand instead (0.891 at 50 epochs). PCA's best k gives 0.782 and
// IsolationForest 0.638; the unit-variance model scores 0.742.
const FLOOR_AUC = 0.85;

let data: TabularData;
let vae: Figures;
let peer: PeerFigures | { skipped: string };

beforeAll(async () => {
  data = tabularAnomalies();
  // What a user would write for sensor records: Gaussian columns with a variance each, standardised by the model.
  // 3 factors drive the data, so a latent of 4 leaves room; 100 epochs let the log-variances (Adam, lr 1e-3, from 0)
  // reach the residuals' scale, about e^-4.
  const model = await VAE.create({
    inputDim: data.dim, hiddenDims: [64, 32], latentDim: 4,
    likelihood: 'gaussian', variance: 'feature', normalize: 'standardize', seed: 1,
  });
  await model.fit(data.train.x, { epochs: 100 }); // raw units in: the model standardises
  vae = figures(data, model.scores(data.train.x), model.scores(data.test.x), CONTAMINATION);
  const errors = (x: Float32Array) => reconstructionErrors(data, x, model.reconstruct(x));
  const rec = figures(data, errors(data.train.x), errors(data.test.x), CONTAMINATION);
  const own = figures(data, model.reconstructionError(data.train.x), model.reconstructionError(data.test.x), CONTAMINATION);
  model.dispose();
  peer = runPeer(data, CONTAMINATION);
  const kinds = (f: Figures) => Object.entries(f.aucByKind).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
  console.log(`VAE scores: AUC ${fmt(vae.auc)} (${kinds(vae)}); at the ${CONTAMINATION} contamination threshold ` +
    `${vae.threshold.toFixed(3)} from the training scores: precision ${fmt(vae.precision)}, recall ${fmt(vae.recall)}`);
  console.log(`The same VAE's reconstruction error (standardised, not asserted): AUC ${fmt(rec.auc)} (${kinds(rec)}); ` +
    `precision ${fmt(rec.precision)}, recall ${fmt(rec.recall)}`);
  console.log(`The same VAE's vae.reconstructionError (−log p(x | z = μ), not asserted): AUC ${fmt(own.auc)} (${kinds(own)}); ` +
    `precision ${fmt(own.precision)}, recall ${fmt(own.recall)}`);
  if ('skipped' in peer) {
    console.log(`scikit-learn peers skipped: ${peer.skipped}`);
  } else {
    const pca = peer.pca.byComponents;
    console.log(`scikit-learn ${peer.sklearn} PCA reconstruction error: ${Object.entries(pca).map(([k, f]) => `k=${k} AUC ${fmt(f.auc)}`).join(', ')} ` +
      `(k=${peer.pca.k95} explains 95%); best k=${peer.pca.best}: AUC ${fmt(peer.pca.bestAuc)}, precision ${fmt(pca[peer.pca.best].precision)}, ` +
      `recall ${fmt(pca[peer.pca.best].recall)}`);
    const iso = peer.isolationForest;
    console.log(`scikit-learn IsolationForest: AUC ${fmt(iso.auc)}, precision ${fmt(iso.precision)}, recall ${fmt(iso.recall)}`);
  }
}, 300_000);

describe('the tabular anomaly benchmark', () => {
  it(`vae.scores reaches test AUC ${FLOOR_AUC}`, () => {
    expect(vae.auc).toBeGreaterThanOrEqual(FLOOR_AUC);
    expect(vae.precision).toBeGreaterThan(0);
    expect(vae.recall).toBeGreaterThan(0);
  });

  it.skipIf(!sklearnAvailable)('vae.scores ranks at least as well as scikit-learn\'s PCA (best k) and IsolationForest', () => {
    if ('skipped' in peer) throw new Error(`the peer skipped although scikit-learn imports: ${peer.skipped}`);
    expect(vae.auc).toBeGreaterThanOrEqual(Math.max(peer.pca.bestAuc, peer.isolationForest.auc));
  });
});
