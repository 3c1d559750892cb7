"""scikit-learn peers of the tabular anomaly benchmark (tests/anomaly/tabular-benchmark.test.ts).

Run in a child process, never imported by the library. Reads one CSV with a header row: the feature columns, then
`split` (train/test), `label` (0/1) and optionally `kind` (tests/fixtures/tabular-anomalies.ts writes it). Or two
files, --train and --test, each with a `label` column. Every other column is a feature.

Both peers see standardised data (StandardScaler fitted on the training split, which may hold anomalies: as the
VAE, they are fitted on what a user has). Scores are ranked on the test split:
- PCA reconstruction error: the squared distance of a row to its projection on the first k components, for each
  k in 2..6 and for the smallest k explaining 95% of the variance; `best` is the k with the highest test AUC (an
  oracle choice, which favours the peer);
- IsolationForest (Liu, Ting & Zhou 2008), 100 trees, random_state 0, the negated score_samples.
Precision and recall are at the threshold the training scores give for the contamination (--contamination, default
0.01): the (1 - c) quantile with linear interpolation, a row flagged when its score is above it; the same rule as
wasm-vae/anomaly's threshold().

    python3 sklearn_anomaly.py DATA.csv [--contamination 0.01]
    python3 sklearn_anomaly.py --train TRAIN.csv --test TEST.csv

Prints one JSON line. Without numpy or scikit-learn it prints {"skipped": reason} and exits 0.
"""
import argparse
import csv
import json
import sys

try:
    import numpy as np
    import sklearn
    from sklearn.decomposition import PCA
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler
except ImportError as error:  # a peer only: the benchmark skips its comparison
    print(json.dumps({'skipped': f'{error}'}))
    sys.exit(0)

ANNOTATIONS = ('split', 'label', 'kind')


def read_csv(path):
    """Features (float64), labels, splits and the feature names of a CSV with a header row."""
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    header, body = rows[0], [r for r in rows[1:] if r]
    features = [j for j, name in enumerate(header) if name not in ANNOTATIONS]
    column = {name: j for j, name in enumerate(header)}
    x = np.array([[float(r[j]) for j in features] for r in body])
    labels = np.array([int(r[column['label']]) for r in body])
    splits = np.array([r[column['split']] for r in body]) if 'split' in column else None
    return x, labels, splits, [header[j] for j in features]


def flagged_metrics(train_scores, test_scores, labels, contamination):
    threshold = float(np.quantile(train_scores, 1 - contamination))  # numpy's default: linear interpolation
    flagged = test_scores > threshold
    tp = int(np.sum(flagged & (labels == 1)))
    precision = tp / int(np.sum(flagged)) if np.any(flagged) else float('nan')
    return {'threshold': threshold, 'precision': precision, 'recall': tp / int(np.sum(labels == 1)), 'flagged': int(np.sum(flagged))}


def pca_errors(pca, x):
    return np.sum((x - pca.inverse_transform(pca.transform(x))) ** 2, axis=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('data', nargs='?')
    parser.add_argument('--train')
    parser.add_argument('--test')
    parser.add_argument('--contamination', type=float, default=0.01)
    args = parser.parse_args()
    if args.data:
        x, labels, splits, names = read_csv(args.data)
        x_train, x_test, y_test = x[splits == 'train'], x[splits == 'test'], labels[splits == 'test']
    else:
        x_train, _, _, names = read_csv(args.train)
        x_test, y_test, _, _ = read_csv(args.test)

    scaler = StandardScaler().fit(x_train)
    s_train, s_test = scaler.transform(x_train), scaler.transform(x_test)

    full = PCA().fit(s_train)
    k95 = int(np.searchsorted(np.cumsum(full.explained_variance_ratio_), 0.95) + 1)
    pca = {}
    for k in sorted(set(range(2, 7)) | {k95}):
        model = PCA(n_components=k).fit(s_train)
        test_scores = pca_errors(model, s_test)
        pca[str(k)] = {'auc': float(roc_auc_score(y_test, test_scores)),
                       **flagged_metrics(pca_errors(model, s_train), test_scores, y_test, args.contamination)}
    best = max(pca, key=lambda k: pca[k]['auc'])

    forest = IsolationForest(n_estimators=100, random_state=0).fit(s_train)
    forest_test = -forest.score_samples(s_test)
    iforest = {'auc': float(roc_auc_score(y_test, forest_test)),
               **flagged_metrics(-forest.score_samples(s_train), forest_test, y_test, args.contamination)}

    print(json.dumps({
        'sklearn': sklearn.__version__, 'features': len(names), 'train': len(x_train), 'test': len(x_test),
        'anomalies': int(np.sum(y_test)), 'contamination': args.contamination,
        'pca': {'byComponents': pca, 'k95': k95, 'best': best, 'bestAuc': pca[best]['auc']},
        'isolationForest': iforest,
    }))


if __name__ == '__main__':
    main()
