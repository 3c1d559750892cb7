// `wasm-vae train` on tabular data: a .csv (columns inferred or declared, a test file read with the training
// file's columns, --validation-split) and an .npy (float rows, or uint8 images that are still drawn). The model
// file keeps the CSV's columns; tables get no pictures; bad files get one line naming the flag, file, row and column.
// Tables train with a learned per-column variance and standardisation by default, and a CSV's categorical columns
// with their own likelihood blocks.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitRows } from '../../src/cli/train-data.js';
import { readCsv, type LikelihoodBlock } from '../../src/data/index.js';
import { readMetadata } from '../../src/index.js';
import { floatBytes, npyBytes } from '../data/npy-bytes.js';
import { cli } from './cli-in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'wasm-vae-data-'));
const path = (name: string) => join(dir, name);

/** 60 rows: an id, three correlated numeric columns on scales 1000, 1 and 0.01. */
const rows = Array.from({ length: 60 }, (_, i) => {
  const t = Math.sin(i * 0.7) + 0.1 * Math.cos(i * 3.1);
  return [i, (1000 * t).toFixed(3), (t * t).toFixed(4), (0.01 * (1 - t)).toFixed(6)];
});
writeFileSync(path('train.csv'), ['id,pressure,power,flow', ...rows.map((r) => r.join(','))].join('\n') + '\n');
// A test file: columns in another order, a label column the training file lacks.
writeFileSync(path('test.csv'), ['label,flow,pressure,id,power', ...rows.slice(0, 10).map((r) => [0, r[3], r[1], r[0], r[2]].join(','))].join('\r\n'));

const modelConfig = (file: string) => JSON.parse(readMetadata(new Uint8Array(readFileSync(file))).config);

const small = ['--epochs', '2', '--hidden', '8', '--latent', '2', '--batch-size', '16', '--threads', '1'];

describe('wasm-vae train --data FILE.csv', () => {
  it('trains on the numeric columns, holds out --validation-split, keeps the columns in the model, draws no pictures', async () => {
    const out = path('out-split');
    const r = await cli('train', '--data', path('train.csv'), '--ignore', 'id', '--validation-split', '0.25', '--out', out, ...small);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    console.log(r.out.split('\n').slice(0, 3).join('\n'));
    expect(r.out).toMatch(/^wasm-vae: 45 training and 15 test rows of 3 columns \(3 numeric; ignored: id\); model 3-8-2, relu, gaussian/m);
    expect(existsSync(join(out, 'samples.png')) || existsSync(join(out, 'reconstructions.png'))).toBe(false);
    const meta = readMetadata(new Uint8Array(readFileSync(join(out, 'model.safetensors'))));
    expect(JSON.parse(meta.columns)).toEqual(readCsv(readFileSync(path('train.csv')), { ignore: ['id'] }).columns);
    // the checkpoint keeps them too, so that it reads later CSVs alike
    expect(readMetadata(new Uint8Array(readFileSync(join(out, 'checkpoint.safetensors')))).columns).toBe(meta.columns);
    const config = modelConfig(join(out, 'model.safetensors'));
    expect(config.likelihood).toBe('gaussian');
    expect(config.variance).toBe('feature');
    expect(config.normalize).toBe('standardize');
  });

  it("reads --test-data with the training file's columns (its own order, an extra label skipped), and resumes", async () => {
    const out = path('out-test');
    const r = await cli('train', '--data', path('train.csv'), '--test-data', path('test.csv'), '--ignore', 'id', '--out', out, ...small, '--epochs', '1');
    expect(r.err).toBe('');
    expect(r.out).toMatch(/60 training and 10 test rows of 3 columns/);
    const resumed = await cli('train', '--resume', join(out, 'checkpoint.safetensors'), '--epochs', '2');
    expect(resumed.err).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.out).toMatch(/resuming .* after 1 complete epochs/);
    expect(resumed.out).toMatch(/epoch 2\/2/);
    // Other commands read a CSV with the columns the model file keeps (the label column skipped).
    const evaluated = await cli('eval', '--model', join(out, 'model.safetensors'), '--data', path('test.csv'));
    expect(evaluated.err).toBe('');
    expect(evaluated.out).toMatch(/^10 images: -ELBO \d/);
  });

  it('a CSV with categorical columns trains on its likelihood blocks', async () => {
    const text = ['temp,colour,load', ...Array.from({ length: 40 }, (_, i) => `${(i % 7) * 1.5},${['red', 'green', 'blue'][i % 3]},${i % 5}`)].join('\n');
    writeFileSync(path('mixed.csv'), text);
    const r = await cli('train', '--data', path('mixed.csv'), '--out', path('out-mixed'), ...small);
    expect(r.err).toBe('');
    const config = modelConfig(join(path('out-mixed'), 'model.safetensors'));
    expect(config.likelihood).toEqual(readCsv(text).likelihood);
    expect(config.normalize).toBe('standardize');
    // --variance sets each Gaussian block's; a table of categories alone is not standardised (nothing to scale)
    const shared = await cli('train', '--data', path('mixed.csv'), '--variance', 'shared', '--out', path('out-shared'), ...small);
    expect(shared.err).toBe('');
    expect(modelConfig(join(path('out-shared'), 'model.safetensors')).likelihood).toEqual(
      (readCsv(text).likelihood as LikelihoodBlock[]).map((b) => ('gaussian' in b ? { ...b, variance: 'shared' } : b)));
    writeFileSync(path('categories.csv'), ['colour,size', ...Array.from({ length: 40 }, (_, i) => `${['red', 'green', 'blue'][i % 3]},${['S', 'M'][i % 2]}`)].join('\n'));
    const categories = await cli('train', '--data', path('categories.csv'), '--out', path('out-categories'), ...small);
    expect(categories.err).toBe('');
    const onlyCategories = modelConfig(join(path('out-categories'), 'model.safetensors'));
    expect(onlyCategories.likelihood).toEqual([{ categorical: 3 }, { categorical: 2 }]);
    expect(onlyCategories.normalize).toBeUndefined();
    const given = await cli('train', '--data', path('mixed.csv'), '--likelihood', 'gaussian', '--out', path('out-mixed2'), ...small);
    expect(given.err).toMatch(/^wasm-vae: --likelihood gaussian: the CSV has categorical columns \(colour\), which need their own likelihood blocks/);
    const ignored = await cli('train', '--data', path('mixed.csv'), '--ignore', 'colour', '--out', path('out-mixed3'), ...small);
    expect(ignored.err).toBe('');
    writeFileSync(path('tabs.tsv'), text.replaceAll(',', '\t'));
    const tsv = await cli('train', '--data', path('tabs.tsv'), '--ignore', 'colour', '--out', path('out-tsv'), ...small);
    expect(tsv.err).toBe('');
    expect(tsv.out).toMatch(/40 training rows of 2 columns \(2 numeric; ignored: colour\)/);
  });

  it('bad files and flags: one line naming the flag, the file, the row and the column', async () => {
    writeFileSync(path('bad.csv'), 'a,b\n1,2\n3,n/a\n4,5\n');
    writeFileSync(path('ragged.csv'), 'a,b\n1,2\n3\n');
    const err = async (...args: string[]) => {
      const r = await cli('train', ...args, '--out', path('out-bad'), ...small);
      expect(r.code).toBe(1);
      return r.err;
    };
    expect(await err('--data', path('bad.csv'))).toBe(`wasm-vae: --data ${path('bad.csv')}: row 3, column "b": expected a number; received "n/a" ` +
      "(most of the column's cells are numbers; to read it as categories, name it in --categorical)");
    expect(await err('--data', path('ragged.csv'))).toBe(`wasm-vae: --data ${path('ragged.csv')}: row 3: 1 cell; the header has 2 columns`);
    expect(await err('--data', path('train.csv'), '--test-data', path('bad.csv'))).toMatch(/^wasm-vae: --test-data .*bad\.csv: the header has no column "id"/);
    expect(await err('--data', path('train.csv'), '--validation-split', '0.2', '--test-data', path('test.csv'))).toBe('wasm-vae: --validation-split holds out test rows: give it or --test-data, not both');
    expect(await err('--data', path('train.csv'), '--validation-split', '1')).toMatch(/^wasm-vae: --validation-split must be a number between 0 and 1/);
    expect(await err('--data', path('train.csv'), '--ignore', 'nope')).toMatch(/^wasm-vae: --data .*train\.csv: --ignore names "nope", which is not in the header/);
    const npy = npyBytes({ descr: '<f4', shape: [10, 3], data: floatBytes(Array(29).fill(1), 4) });
    writeFileSync(path('short.npy'), npy);
    expect(await err('--data', path('short.npy'))).toBe(`wasm-vae: --data ${path('short.npy')}: truncated: shape (10, 3) of float32 needs 120 bytes of data; the file has 116`);
  });
});

describe('wasm-vae train --data FILE.npy', () => {
  it('float rows are tabular (gaussian); uint8 images are bernoulli and still drawn', async () => {
    const values = Array.from({ length: 40 * 3 }, (_, i) => Math.sin(i) * 50);
    writeFileSync(path('rows.npy'), npyBytes({ descr: '<f4', shape: [40, 3], data: floatBytes(values, 4) }));
    const r = await cli('train', '--data', path('rows.npy'), '--out', path('out-npy'), ...small);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^wasm-vae: 40 training rows of 3 \(float32\); model 3-8-2, relu, gaussian/m);
    expect(existsSync(join(path('out-npy'), 'samples.png'))).toBe(false);
    const pixels = Uint8Array.from({ length: 30 * 4 * 4 }, (_, i) => (i * 37) % 256);
    writeFileSync(path('images.npy'), npyBytes({ descr: '|u1', shape: [30, 4, 4], data: pixels }));
    const images = await cli('train', '--data', path('images.npy'), '--out', path('out-npy-images'), ...small);
    expect(images.err).toBe('');
    expect(images.out).toMatch(/^wasm-vae: 30 training rows of 4×4 \(uint8\); model 16-8-2, relu, bernoulli,/m);
    expect(existsSync(join(path('out-npy-images'), 'samples.png'))).toBe(true);
  });
});

describe('--validation-split', () => {
  it('holds out round(share × n) rows chosen by the seed, each part in file order, together every row once', () => {
    const n = 50, data = Float32Array.from({ length: n * 2 }, (_, i) => Math.floor(i / 2));
    const file = { count: n, shape: [2], data };
    const [train, test] = splitRows(file, 2, 0.2, 7);
    expect([train.count, test.count]).toEqual([40, 10]);
    const ids = (part: { data: Float32Array }) => Array.from(part.data.filter((_, i) => i % 2 === 0));
    expect([...ids(train), ...ids(test)].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(ids(test)).toEqual([...ids(test)].sort((a, b) => a - b));
    expect(ids(splitRows(file, 2, 0.2, 7)[1])).toEqual(ids(test));
    expect(ids(splitRows(file, 2, 0.2, 8)[1])).not.toEqual(ids(test));
    expect(ids(test)).not.toEqual(Array.from({ length: 10 }, (_, i) => 40 + i)); // not merely the last rows
    expect(() => splitRows({ count: 3, shape: [1], data: new Float32Array(3) }, 1, 0.1, 1)).toThrow(/holds out 0: each part needs at least one row/);
  });
});
