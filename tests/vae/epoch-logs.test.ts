// fit's logs report the negative ELBO (β = 1) and the training objective (β, free bits, warm-up) for the training
// and the validation data alike, so each pair compares: negativeElbo with valLoss, loss with valObjective.
import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { prototypeData } from '../helpers/data.js';

const D = 24;
const config = { inputDim: D, hiddenDims: [16], latentDim: 3, seed: 9 };
const data = prototypeData(480, D), validation = prototypeData(160, D, 3);

describe('EpochLog: ELBO and objective', () => {
  it('with β = 0.01 the training and validation figures of each kind are comparable numbers', async () => {
    const vae = await VAE.create(config);
    const logs = await vae.fit(data, { epochs: 6, batchSize: 32, learningRate: 3e-3, beta: 0.01, validationData: validation });
    for (const log of logs) {
      expect(log.negativeElbo).toBe(log.reconstruction + log.kl);
      expect(log.valObjective).toBe(log.valReconstruction! + 0.01 * log.valKl!);
    }
    const last = logs[logs.length - 1];
    const gap = (a: number, b: number) => Math.abs(a - b) / b;
    console.log(`β = 0.01, last epoch: objective train ${last.loss.toFixed(3)} / validation ${last.valObjective!.toFixed(3)}; ` +
      `negative ELBO train ${last.negativeElbo.toFixed(3)} / validation ${last.valLoss!.toFixed(3)}; KL ${last.kl.toFixed(3)}`);
    expect(gap(last.loss, last.valObjective!)).toBeLessThan(0.2);
    expect(gap(last.negativeElbo, last.valLoss!)).toBeLessThan(0.2);
    // What the pairs are for: at small β the objective leaves out most of the KL, so it is no match for valLoss.
    expect(gap(last.loss, last.valLoss!)).toBeGreaterThan(0.5);
  });

  it('under free bits both objectives floor each latent dimension at λ: Σⱼ max(λ, KLⱼ)', async () => {
    // One batch per epoch, and λ far above any dimension's KL at the start: each KL term is L·λ.
    const vae = await VAE.create(config), lambda = 50, beta = 0.5;
    const [log] = await vae.fit(data, { epochs: 1, batchSize: 480, beta, freeBits: lambda, validationData: validation });
    expect(log.kl).toBeLessThan(3 * lambda);
    expect(log.loss).toBe(log.reconstruction + beta * 3 * lambda);
    expect(log.valObjective).toBe(log.valReconstruction! + beta * 3 * lambda);
    expect(log.negativeElbo).toBe(log.reconstruction + log.kl);
    // Without free bits the objective is reconstruction + β·kl.
    const plain = await VAE.create(config);
    const [p] = await plain.fit(data, { epochs: 1, batchSize: 480, beta, validationData: validation });
    expect(p.loss).toBe(p.reconstruction + beta * p.kl);
  });
});
