// Latent-space tools: interpolation (linear and spherical), the 2-D latent grid, and sampling z ~ q(z|x).
import { describe, expect, it } from 'vitest';
import { VAE } from '../../src/index.js';
import { interpolatePoints, latentGridPoints, normalQuantile } from '../../src/extras/latent-tools.js';
import { prototypeData } from '../helpers/data.js';

const D = 16;
const data = prototypeData(40, D);

describe('latent-space tools', () => {
  it('interpolates linearly or on the sphere, ends included', () => {
    const a = Float32Array.from([3, 0]), b = Float32Array.from([0, 3]);
    const lin = interpolatePoints(a, b, 3, false), slerp = interpolatePoints(a, b, 3, true);
    expect(Array.from(lin)).toEqual([3, 0, 1.5, 1.5, 0, 3]);
    expect(slerp[2]).toBeCloseTo(3 / Math.SQRT2, 5); // the midpoint keeps the norm 3
    expect(Math.hypot(slerp[2], slerp[3])).toBeCloseTo(3, 5);
    expect(Array.from(slerp.subarray(4))).toEqual([0, 3].map((v) => expect.closeTo(v, 6)));
  });

  it('places the grid at normal quantiles, z₂ decreasing down the rows', () => {
    for (const [p, q] of [[0.5, 0], [0.975, 1.959963985], [0.05, -1.644853627], [0.001, -3.090232306]]) {
      expect(normalQuantile(p)).toBeCloseTo(q, 7);
    }
    const grid = latentGridPoints(3, 0.05);
    expect(Array.from(grid.filter((_, i) => i % 2 === 0)).map((v) => +v.toFixed(4))).toEqual([-1.6449, 0, 1.6449, -1.6449, 0, 1.6449, -1.6449, 0, 1.6449]);
    expect([grid[1], grid[7], grid[13]].map((v) => +v.toFixed(4))).toEqual([1.6449, 0, -1.6449]);
  });

  it('VAE.interpolate decodes the path between two codes or two inputs', async () => {
    const vae = await VAE.create({ inputDim: D, hiddenDims: [8], latentDim: 2, seed: 2 });
    await vae.fit(data, { epochs: 3, batchSize: 8 });
    const a = Float32Array.from([-1, 0.5]), b = Float32Array.from([2, -1]);
    const path = vae.interpolate(a, b, 5, { spherical: true });
    expect(path).toHaveLength(5 * D);
    expect(path.subarray(0, D)).toEqual(vae.decode(a));
    expect(Array.from(path.subarray(4 * D))).toEqual(Array.from(vae.decode(b)).map((v) => expect.closeTo(v, 6)));
    const fromInputs = vae.interpolate(data.subarray(0, D), data.subarray(D, 2 * D), 4);
    expect(fromInputs.subarray(0, D)).toEqual(vae.reconstruct(data.subarray(0, D)));
    expect(() => vae.interpolate(a, Float32Array.from([1]), 3)).toThrow(/a\.length and b\.length must be 2/);
    const grid = vae.latentGrid(4);
    expect(grid).toHaveLength(16 * D);
    expect(grid.subarray(0, D)).toEqual(vae.decode(latentGridPoints(4, 0.05).subarray(0, 2)));
    const wide = await VAE.create({ inputDim: D, latentDim: 3 });
    expect(() => wide.latentGrid(4)).toThrow(/the model must be one with latentDim 2; received "latentDim 3"/);
  });

  it('encode with sample: true draws z ~ q(z|x) from the sample stream, reproducibly per seed', async () => {
    const make = () => VAE.create({ inputDim: D, hiddenDims: [8], latentDim: 2, seed: 5 });
    const [one, two] = [await make(), await make()];
    const x = data.subarray(0, 20 * D);
    const e1 = one.encode(x, { sample: true }), e2 = two.encode(x, { sample: true });
    expect(e1.z).toEqual(e2.z);
    expect(one.encode(x).z).toBeUndefined();
    // z = μ + σ·ε: standardised, the draws look like N(0, 1)
    const eps = Array.from(e1.z!, (z, i) => (z - e1.mean[i]) / Math.exp(0.5 * e1.logVar[i]));
    const mean = eps.reduce((s, v) => s + v, 0) / eps.length, variance = eps.reduce((s, v) => s + (v - mean) ** 2, 0) / eps.length;
    expect(Math.abs(mean)).toBeLessThan(0.5);
    expect(variance).toBeGreaterThan(0.4);
    expect(variance).toBeLessThan(1.8);
    expect(one.encode(x, { sample: true }).z).not.toEqual(e1.z); // the stream moves on
  });
});
