"""PyTorch's mnist_rnn model, trained briefly, for examples/mnist_rnn.rs and
tests/mnist_rnn_weights.rs.

Trains `RowReader` (nn.LSTM(28, 128, batch_first=True) and nn.Linear(128,
10) on the last step's output; Adam lr 1e-3, batch 64, seed 0) for
`--epochs` on the MNIST in `--data`, then writes

- tests/data/torch/mnist_rnn.safetensors: its state_dict (PyTorch's keys,
  float32), which `cargo run --release --example mnist_rnn -- --load FILE
  --eval-only` loads;
- tests/data/torch/mnist_rnn.io.safetensors: on the 1,000 test images
  shipped in data/mnist-small, the logits of the first 16 (`logits`) and
  the predicted class of every one (`predicted`, as float32: Kiln loads
  float32 safetensors only);

and prints the test accuracy on `--data`'s test split and on the shipped
test subset. Pixels are x/255 then normalised with 0.1307 / 0.3081, as
Kiln's `Mnist` does. The shipped file was made with

    python3 scripts/make_mnist_rnn_reference.py --data ../shared/data/mnist --epochs 1

Run from the repository root.
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

OUT = "tests/data/torch"
SHIPPED = "data/mnist-small"
LOGITS = 16


class RowReader(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        return self.head(self.lstm(x)[0][:, -1])


def idx(path):
    """An IDX file (raw or .gz) as a numpy array."""
    if not os.path.exists(path):
        path += ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def split(folder, prefix):
    """Images (N, 28, 28) normalised as Kiln's Mnist, and labels (N,)."""
    images = idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte"))
    labels = idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"))
    x = (torch.tensor(images, dtype=torch.float32) / 255.0 - 0.1307) / 0.3081
    return x, torch.tensor(labels, dtype=torch.int64)


def predict(model, x):
    with torch.no_grad():
        return torch.cat([model(x[i:i + 1000]) for i in range(0, len(x), 1000)])


def accuracy(model, x, y):
    return 100.0 * (predict(model, x).argmax(1) == y).sum().item() / len(y)


def fit(model, opt, x, y, test_x, test_y, epochs):
    """PyTorch's loop: batches of 64 in a fresh random order per epoch,
    cross entropy, the test accuracy after every epoch."""
    criterion = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        started = time.time()
        order = torch.randperm(len(x))
        for i in range(0, len(x), 64):
            batch = order[i:i + 64]
            opt.zero_grad()
            loss = criterion(model(x[batch]), y[batch])
            loss.backward()
            opt.step()
        model.eval()
        print(f"epoch {epoch + 1}: {time.time() - started:.1f} s, "
              f"test accuracy {accuracy(model, test_x, test_y):.2f}%", flush=True)


def save_reference(model, name, data, test_x, test_y):
    """Writes OUT/{name}.safetensors (the state_dict) and
    OUT/{name}.io.safetensors (outputs on the shipped test images)."""
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, f"{OUT}/{name}.safetensors")
    shipped_x, shipped_y = split(SHIPPED, "t10k")
    logits = predict(model, shipped_x)
    save_file({"logits": logits[:LOGITS].contiguous(),
               "predicted": logits.argmax(1).float().contiguous()},
              f"{OUT}/{name}.io.safetensors")
    print(f"test accuracy: {accuracy(model, test_x, test_y):.2f}% ({data})")
    print(f"shipped test subset: {accuracy(model, shipped_x, shipped_y):.2f}%")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=SHIPPED)
    p.add_argument("--epochs", type=int, default=1)
    args = p.parse_args()
    torch.manual_seed(0)
    x, y = split(args.data, "train")
    test_x, test_y = split(args.data, "t10k")
    model = RowReader()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    fit(model, opt, x, y, test_x, test_y, args.epochs)
    save_reference(model, "mnist_rnn", args.data, test_x, test_y)


if __name__ == "__main__":
    main()
