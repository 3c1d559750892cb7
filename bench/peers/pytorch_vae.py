"""PyTorch peer of `npm run bench`: the pytorch/examples VAE recipe (vae/main.py), timed on the same data.

Run by bench/peers/pytorch.ts in a child process, never imported by the library. Reads MNIST from the IDX file
given on the command line (the one the Node side trains on), trains the reference recipe
(784-400-20, ReLU, Bernoulli on logits, Adam 1e-3, batch 128, shuffled) and prints one JSON line:
per thread count, the median step time over the timed steps, and the seconds of one full epoch.

    python3 pytorch_vae.py IDX_IMAGES --threads 1 --steps 200 --epoch

bench/peers/pytorch.ts runs it once per thread count, with OPENBLAS_NUM_THREADS set to match.
"""
import argparse
import ctypes
import json
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


class VAE(nn.Module):
    """pytorch/examples vae/main.py, unchanged."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return self.fc4(h3)  # logits: BCE-with-logits is the stable form of the example's sigmoid + BCE

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(logits, x, mu, logvar):
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction='sum')
    # Kingma & Welling 2014, Appendix B
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def read_idx_images(path):
    with open(path, 'rb') as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape[0], -1)
    return torch.from_numpy(data.astype(np.float32) / 255.0)


def openblas_core():
    """The OpenBLAS kernel family this process runs (what OPENBLAS_CORETYPE would pin), or None."""
    with open('/proc/self/maps') as maps:
        libs = {line.split()[-1] for line in maps if 'openblas' in line.lower() and '.so' in line}
    for lib in sorted(libs):
        try:
            fn = ctypes.CDLL(lib).openblas_get_corename
            fn.restype = ctypes.c_char_p
            return {'library': lib, 'core': fn().decode()}
        except (OSError, AttributeError):
            continue
    return None


def train_steps(model, opt, data, batch, steps, order):
    times = []
    model.train()
    for s in range(steps):
        idx = order[(s * batch) % (len(order) - batch):][:batch]
        x = data[idx]
        start = time.perf_counter()
        opt.zero_grad()
        logits, mu, logvar = model(x)
        loss = loss_function(logits, x, mu, logvar) / batch
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - start)
    return times


def epoch_seconds(model, opt, data, batch):
    order = torch.randperm(len(data))
    start = time.perf_counter()
    for b in range(0, len(data), batch):
        x = data[order[b:b + batch]]
        opt.zero_grad()
        logits, mu, logvar = model(x)
        loss = loss_function(logits, x, mu, logvar) / len(x)
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('images')
    parser.add_argument('--threads', default='1')
    parser.add_argument('--steps', type=int, default=200)
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--epoch', action='store_true', help='also time one full epoch per thread count')
    args = parser.parse_args()

    data = read_idx_images(args.images)
    results = []
    for threads in [int(t) for t in args.threads.split(',')]:
        torch.set_num_threads(threads)
        torch.manual_seed(1)
        model = VAE()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        order = torch.randperm(len(data))
        train_steps(model, opt, data, args.batch, 20, order)  # warm-up
        times = train_steps(model, opt, data, args.batch, args.steps, order)
        row = {'threads': threads, 'stepMs': statistics.median(times) * 1000, 'steps': len(times)}
        if args.epoch:
            row['epochSeconds'] = epoch_seconds(model, opt, data, args.batch)
        results.append(row)
    print(json.dumps({
        'torch': torch.__version__, 'python': sys.version.split()[0], 'numpy': np.__version__,
        'openblas': openblas_core(), 'results': results,
    }))


if __name__ == '__main__':
    main()
