// `wasm-vae score`: an anomaly score and flag per row, as CSV. The score is vae.scores (−log p(x), the negative
// ELBO or with --samples the importance-weighted bound) or vae.reconstructionError (--by reconstruction); the
// threshold is a quantile of reference scores (wasm-vae/anomaly's threshold): of the scored rows themselves at a
// contamination rate, of a --reference file, or given outright with --threshold.
import { threshold } from '../../anomaly/index.js';
import type { Command, Dataset } from '../common.js';
import { integerOption, loadModel, parseOptions, readDataset } from '../common.js';
import { numberOption } from '../args.js';
import { writeFileAtomic } from '../atomic-write.js';

const BY = ['score', 'reconstruction'] as const;

export const score: Command = {
  usage: `Usage: wasm-vae score --model FILE --data FILE [options]

Scores each row for anomaly detection and writes CSV: row (the data row, from 1; a CSV's header is not
counted), score, reconstruction_error, flag (1 when the row's value --by is above the threshold). Rows are read as the model was trained: a CSV by the columns kept
in the model file, scaled by the statistics kept there.

Options:
  --model FILE                 the model (.safetensors, written by wasm-vae train)
  --data FILE                  the rows: .csv, .npy, an IDX file or a folder of images
  --by score|reconstruction    what is thresholded: -log p(x) (default) or the reconstruction error
  --samples K                  importance samples for the score (default 1: the negative ELBO)
  --contamination RATE         the share of anomalies expected (default 0.01): the threshold flags that share
                               of the reference rows (the scored rows themselves unless --reference is given)
  --false-positive-rate RATE   with --reference of normal rows: flag that share of them, no more
  --reference FILE             rows to take the threshold from (same format as --data)
  --threshold T                flag rows above T; no quantile is taken
  --labels FILE                labels of the rows, for a conditional model
  --limit N                    the first N rows only
  --out FILE                   the CSV (default scores.csv)
`,
  async run(argv) {
    const o = parseOptions(argv, {
      model: { type: 'string' }, data: { type: 'string' }, by: { type: 'string' }, samples: { type: 'string' },
      contamination: { type: 'string' }, 'false-positive-rate': { type: 'string' }, reference: { type: 'string' },
      threshold: { type: 'string' }, labels: { type: 'string' }, limit: { type: 'string' }, out: { type: 'string' },
    });
    if (o === null) { process.stdout.write(score.usage); return; }
    if (typeof o.data !== 'string') throw new Error('--data FILE is required: the rows to score');
    const by = (o.by ?? 'score') as (typeof BY)[number];
    if (!BY.includes(by)) throw new Error(`--by takes ${BY.join(' or ')}; received ${JSON.stringify(o.by)}`);
    const given = ['contamination', 'false-positive-rate', 'threshold'].filter((k) => o[k] !== undefined);
    if (given.length > 1) throw new Error(`--${given[0]} and --${given[1]} conflict: give one`);
    if (o['false-positive-rate'] !== undefined && o.reference === undefined) {
      throw new Error('--false-positive-rate needs --reference FILE (rows presumed normal); for the scored rows themselves give --contamination');
    }
    if (o.threshold !== undefined && o.reference !== undefined) throw new Error('--threshold and --reference conflict: give one');
    const samples = integerOption('samples', o.samples, 1, 1, 100_000);
    const vae = await loadModel(o.model);
    if (o.reference !== undefined && vae.config.conditionDim > 0) {
      throw new Error('--reference: this model is conditional, and --labels are the labels of --data; give --threshold T, or --contamination of the scored rows');
    }
    const set = readDataset(vae, o.data, o.labels, o.limit === undefined ? undefined : integerOption('limit', o.limit, 0, 1));
    const measure = (kind: (typeof BY)[number], rows: Dataset) => (kind === 'score'
      ? vae.scores(rows.data, { conditions: rows.conditions, samples }) : vae.reconstructionError(rows.data, { conditions: rows.conditions }));
    const values = { score: measure('score', set), reconstruction: measure('reconstruction', set) };
    let cut: number, source: string;
    if (o.threshold !== undefined) {
      cut = numberOption('threshold', o.threshold, 0, false, -Infinity, Infinity);
      source = 'given';
    } else {
      const ref = o.reference === undefined ? null : readDataset(vae, o.reference, undefined, undefined, '--reference');
      const reference = ref === null ? values[by] : measure(by, ref);
      const rate = o['false-positive-rate'] !== undefined
        ? { falsePositiveRate: numberOption('false-positive-rate', o['false-positive-rate'], 0, false, 0, 1) }
        : { contamination: numberOption('contamination', o.contamination, 0.01, false, 0, 1) };
      const [name, r] = Object.entries(rate)[0];
      if (reference.length < Math.ceil(1 / r)) {
        throw new Error(`--${name === 'contamination' ? 'contamination' : 'false-positive-rate'} ${r} needs at least ${Math.ceil(1 / r)} reference rows; ` +
          `${ref === null ? '--data' : '--reference'} has ${reference.length}: give a larger rate, more rows (--reference FILE), or --threshold T`);
      }
      cut = threshold(reference, rate);
      source = `${name === 'contamination' ? 'contamination' : 'false-positive rate'} ${r} of ${ref === null ? 'these rows' : `${ref.count} reference rows`}`;
    }
    const lines = ['row,score,reconstruction_error,flag'];
    let flagged = 0;
    for (let i = 0; i < set.count; i++) {
      const flag = values[by][i] > cut ? 1 : 0;
      flagged += flag;
      lines.push(`${i + 1},${values.score[i]},${values.reconstruction[i]},${flag}`);
    }
    const out = (o.out as string | undefined) ?? 'scores.csv';
    writeFileAtomic(out, `${lines.join('\n')}\n`);
    console.log(`${set.count} rows scored by ${by === 'score' ? `-log p(x)${samples > 1 ? ` (IWAE, k = ${samples})` : ''}` : 'reconstruction error'}; ` +
      `threshold ${cut.toPrecision(6)} (${source}); ${flagged} flagged; wrote ${out}`);
    vae.dispose();
  },
};
