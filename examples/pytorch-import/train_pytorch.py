"""Trains pytorch/examples' VAE (vae/main.py) on made-up 8x8 pictures and saves it for wasm-vae.

    python3 train_pytorch.py              # writes vae.safetensors and decoded.json here
    python3 train_pytorch.py --check F    # loads F (written by vae.save({ names: 'pytorch-examples' })) with
                                          # load_state_dict(strict=True) and prints what it decodes

The model is vae/main.py's class with its layer names (fc1, fc21, fc22, fc3, fc4), ReLU and Bernoulli loss;
only the sizes are parameters (64-32-4 instead of 784-400-20), so the committed file stays small.
Needs torch; uses the safetensors package when installed, else writes the format itself (a JSON header and
raw little-endian float32, as safetensors.torch.save_file does).
"""
import json
import os
import struct
import sys

import torch
from torch import nn
from torch.nn import functional as F

INPUT, HIDDEN, LATENT = 64, 32, 4
HERE = os.path.dirname(os.path.abspath(__file__))


class VAE(nn.Module):
    """pytorch/examples vae/main.py, with the sizes as parameters."""

    def __init__(self, hidden=HIDDEN, latent=LATENT):
        super().__init__()
        self.fc1 = nn.Linear(INPUT, hidden)
        self.fc21 = nn.Linear(hidden, latent)
        self.fc22 = nn.Linear(hidden, latent)
        self.fc3 = nn.Linear(latent, hidden)
        self.fc4 = nn.Linear(hidden, INPUT)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, INPUT))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    bce = F.binary_cross_entropy(recon_x, x.view(-1, INPUT), reduction='sum')
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())  # Kingma & Welling 2014, Appendix B
    return bce + kld


def bars(n):
    """n 8x8 pictures with one horizontal or vertical bar each, flattened to rows of 64 values in {0, 1}."""
    images = torch.zeros(n, 8, 8)
    vertical = torch.rand(n) < 0.5
    at = torch.randint(0, 8, (n,))
    for k in range(n):
        if vertical[k]:
            images[k, :, at[k]] = 1
        else:
            images[k, at[k], :] = 1
    return images.view(n, INPUT)


def save_file(tensors, path, metadata):
    try:
        from safetensors.torch import save_file as save
        save({k: v.contiguous() for k, v in tensors.items()}, path, metadata)
        return
    except ImportError:
        pass
    header = {'__metadata__': metadata}
    offset, blobs = 0, []
    for name, t in tensors.items():
        blob = t.detach().contiguous().to(torch.float32).numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def load_file(path):
    try:
        from safetensors.torch import load_file as load
        return load(path)
    except ImportError:
        pass
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    header.pop('__metadata__', None)
    out = {}
    for name, d in header.items():
        begin, end = d['data_offsets']
        buf = bytearray(data[8 + n + begin:8 + n + end])
        out[name] = torch.frombuffer(buf, dtype=torch.float32).reshape(d['shape']).clone()
    return out


def train(out_dir):
    torch.manual_seed(0)
    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    data = bars(2000)
    for epoch in range(1, 11):
        total = 0.0
        for batch in data[torch.randperm(len(data))].split(32):
            optimizer.zero_grad()
            recon, mu, logvar = model(batch)
            loss = loss_function(recon, batch, mu, logvar)
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f'epoch {epoch}: loss {total / len(data):.2f} nats per picture')
    model.eval()
    with torch.no_grad():
        z = torch.randn(4, LATENT)
        decoded = model.decode(z)
    os.makedirs(out_dir, exist_ok=True)
    save_file(model.state_dict(), os.path.join(out_dir, 'vae.safetensors'), {'format': 'pt'})
    with open(os.path.join(out_dir, 'decoded.json'), 'w') as f:
        json.dump({'z': z.tolist(), 'decoded': decoded.tolist(), 'torch': torch.__version__}, f)
    print(f'wrote {out_dir}/vae.safetensors and decoded.json (torch {torch.__version__})')


def check(path):
    state = {k: v for k, v in load_file(path).items() if not k.startswith('optimizer.')}
    model = VAE(state['fc1.weight'].shape[0], state['fc21.weight'].shape[0])
    model.load_state_dict(state, strict=True)
    with torch.no_grad():
        torch.manual_seed(0)
        pictures = model.decode(torch.randn(3, model.fc21.out_features))
    print(f'{path}: load_state_dict(strict=True) accepted it; 3 decoded pictures, mean ink {pictures.mean().item():.3f}')


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--check':
        check(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == '--out':
        train(sys.argv[2])
    else:
        train(HERE)
