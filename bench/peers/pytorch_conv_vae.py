"""PyTorch peer of the bench's conv suite: the reference convolutional VAE (issue 19), timed on the same data.

Run by bench/peers/pytorch-conv.ts in a child process, never imported by the library. The model is wasm-vae's
reference layer-list config, layer for layer: two Conv2d(k4, s2, p1) + ReLU (1→32→64 channels, 28→14→7), flatten,
Linear(3136, 20) heads for μ and log σ², Linear(20, 3136) + ReLU viewed as 64×7×7, ConvTranspose2d(64→32) + ReLU,
ConvTranspose2d(32→1) giving Bernoulli logits. Loss: BCE-with-logits summed over pixels and averaged over the
batch, plus the closed-form KL (Kingma & Welling 2014, Appendix B). Adam lr 1e-3, batch 128, shuffled.

    python3 pytorch_conv_vae.py TRAIN_IDX --threads 1 --batches 24 --rounds 3
        per round, the seconds of `batches` consecutive training steps of a shuffled epoch (data gathered and
        reshaped inside the timing, as in an epoch), scaled to one epoch (ceil(60000 / 128) = 469 batches)
    python3 pytorch_conv_vae.py TRAIN_IDX --threads 1 --serve
        the same measurement on request: each stdin line "BATCHES" answers one JSON line, so that the bench can
        alternate this peer with its own rounds on a shared machine (the model keeps training between requests)
    python3 pytorch_conv_vae.py TRAIN_IDX --threads 1 --epochs 10 --test TEST_IDX
        trains whole epochs and prints each epoch's seconds and training loss, and the test -ELBO at the end (nats
        per example, one posterior sample per image, as wasm-vae's VAE.evaluate)

The bench runs it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset and OMP_NUM_THREADS = OPENBLAS_NUM_THREADS =
threads (torch.set_num_threads(threads) here too): Debian's torch 1.13 runs these convolutions in oneDNN on its
OpenMP threads, and the linear layers in OpenBLAS.
"""
import argparse
import json
import math
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


class ConvVAE(nn.Module):
    def __init__(self, latent=20):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU())
        self.fc_mu = nn.Linear(3136, latent)
        self.fc_logvar = nn.Linear(3136, latent)
        self.dec_in = nn.Linear(latent, 3136)
        self.dec = nn.Sequential(nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(32, 1, 4, 2, 1))

    def forward(self, x):
        h = torch.flatten(self.enc(x), 1)
        mu, logvar = self.fc_mu(h), self.fc_logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        logits = self.dec(F.relu(self.dec_in(z)).view(-1, 64, 7, 7))
        return logits, mu, logvar


def loss_terms(logits, x, mu, logvar):
    """Summed over the batch: the Bernoulli reconstruction term and the KL, nats."""
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction='sum')
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())  # Kingma & Welling 2014, Appendix B
    return bce, kld


def read_idx_images(path):
    with open(path, 'rb') as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape[0], 1, 28, 28)
    return torch.from_numpy(data.astype(np.float32) / 255.0)


class Trainer:
    """One model and its optimizer, walking shuffled epochs batch by batch."""

    def __init__(self, data, batch):
        torch.manual_seed(1)
        self.data, self.batch = data, batch
        self.model = ConvVAE()
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.order, self.next = torch.randperm(len(data)), 0

    def step(self):
        if self.next >= len(self.order):
            self.order, self.next = torch.randperm(len(self.data)), 0
        x = self.data[self.order[self.next:self.next + self.batch]]
        self.next += self.batch
        self.opt.zero_grad()
        logits, mu, logvar = self.model(x)
        bce, kld = loss_terms(logits, x, mu, logvar)
        loss = (bce + kld) / len(x)
        loss.backward()
        self.opt.step()
        return loss.item() * len(x), len(x)

    def timed(self, batches):
        """Seconds of `batches` steps, and that scaled to one epoch of the data."""
        start = time.perf_counter()
        for _ in range(batches):
            self.step()
        seconds = time.perf_counter() - start
        return {'seconds': seconds, 'batches': batches,
                'epochSeconds': seconds / batches * math.ceil(len(self.data) / self.batch)}


@torch.no_grad()
def test_elbo(model, data, batch=500):
    model.eval()
    total = 0.0
    for b in range(0, len(data), batch):
        x = data[b:b + batch]
        logits, mu, logvar = model(x)
        bce, kld = loss_terms(logits, x, mu, logvar)
        total += (bce + kld).item()
    model.train()
    return total / len(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('images')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--batches', type=int, default=24, help='timed steps per round')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--warmup', type=int, default=5, help='untimed steps first')
    parser.add_argument('--serve', action='store_true', help='measure on request, one stdin line per round')
    parser.add_argument('--epochs', type=int, default=0, help='train whole epochs instead (with --test)')
    parser.add_argument('--test', help='IDX test images: the test -ELBO after --epochs')
    parser.add_argument('--limit', type=int, default=0, help='the first N training images only (a quick check)')
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    data = read_idx_images(args.images)
    if args.limit:
        data = data[:args.limit]
    trainer = Trainer(data, args.batch)
    head = {'torch': torch.__version__, 'python': sys.version.split()[0], 'threads': torch.get_num_threads(),
            'mkldnn': torch.backends.mkldnn.is_available(),
            'shapes': [list(p.shape) for p in trainer.model.parameters()]}  # the bench checks them against ours

    if args.epochs:
        epochs = []
        for e in range(args.epochs):
            start, total, n = time.perf_counter(), 0.0, 0
            for _ in range(math.ceil(len(data) / args.batch)):
                loss, rows = trainer.step()
                total, n = total + loss, n + rows
            epochs.append({'epoch': e + 1, 'seconds': time.perf_counter() - start, 'loss': total / n})
            print(json.dumps(epochs[-1]), file=sys.stderr, flush=True)
        result = {**head, 'epochs': epochs}
        if args.test:
            result['testNegativeElbo'] = test_elbo(trainer.model, read_idx_images(args.test))
        print(json.dumps(result))
        return

    for _ in range(args.warmup):
        trainer.step()
    if args.serve:
        print(json.dumps({**head, 'ready': True}), flush=True)
        for line in sys.stdin:
            if not line.strip():
                break
            print(json.dumps(trainer.timed(int(line))), flush=True)
        return
    rounds = [trainer.timed(args.batches) for _ in range(args.rounds)]
    print(json.dumps({**head, 'rounds': rounds,
                      'epochSeconds': statistics.median(r['epochSeconds'] for r in rounds)}))


if __name__ == '__main__':
    main()
