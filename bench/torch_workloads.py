#!/usr/bin/env python3
"""The workloads of shared/bench/WORKLOADS.md in PyTorch on the CPU.

Mirror of `cargo run --release --example bench`: same models, batch sizes,
losses, optimizers, warm-up and step counts, one fixed synthetic batch per
workload (torch.manual_seed(0)), the same correctness guard (the loss of the
last step must be below that of the first) and the same JSON keys.

    python3 bench/torch_workloads.py [--threads N] [--workload ID]... [--json]
        [--optimizer ID=NAME]...

`--optimizer lenet=sgd` runs lenet with SGD lr 0.01 momentum 0.9 instead of
WORKLOADS.md's Adam, so that the comparison stays like for like while Kiln
substitutes an optimizer (bench/compare.py passes what Kiln reports).
"""

import argparse
import json
import sys
import time

import torch
from torch import nn

IDS = ["mlp", "lenet", "wide", "cnn", "mnist_example", "lstm", "transformer", "infer1", "sgemm"]
SMALL = (20, 200)  # (warm-up, timed)
BIG = (20, 50)
# WORKLOADS.md's optimizers; `--optimizer` may override them.
OPTIMIZERS = {"mlp": "sgd", "lenet": "adam", "wide": "adamw", "cnn": "sgd",
              "mnist_example": "adadelta",
              "lstm": "adam", "transformer": "adamw"}


def make_optimizer(name, params):
    if name == "sgd":
        return torch.optim.SGD(params, lr=0.01, momentum=0.9)
    if name == "adam":
        return torch.optim.Adam(params, lr=1e-3)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=1e-3)
    if name == "adadelta":
        return torch.optim.Adadelta(params, lr=1.0)
    raise SystemExit(f"unknown optimizer {name!r}: expected sgd, adam, adamw or adadelta")


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )


def wide():
    return nn.Sequential(
        nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(),
        nn.Linear(1024, 10),
    )


def cnn():
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(4096, 10),
    )


def mnist_example():
    """pytorch/examples' mnist/main.py Net as a chain; CrossEntropyLoss on
    its logits is main.py's log_softmax + nll_loss in one."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 1), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(), nn.Linear(9216, 128),
        nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10),
    )


class RowReader(nn.Module):
    """LSTM(28, 128, batch_first=True) over the 28 rows, Linear(128, 10) on
    the last step's output (examples/mnist_rnn.rs)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        return self.head(self.lstm(x)[0][:, -1])


class Encoder(nn.Module):
    """Two post-norm ReLU TransformerEncoderLayer(128, 4, 256, dropout=0.1,
    batch_first=True), the mean over the tokens, Linear(128, 10)
    (examples/bench/transformer.rs)."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(128, 4, 256, dropout=0.1,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2,
                                             enable_nested_tensor=False)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        return self.head(self.encoder(x).mean(dim=1))


def time_steps(steps, step):
    warmup, timed = steps
    for _ in range(warmup):
        step()
    times = []
    cpu = time.process_time()
    for _ in range(timed):
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1e6)
    cpu_us = (time.process_time() - cpu) * 1e6 / max(timed, 1)
    times.sort()
    n = len(times)
    median = times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
    return {"median_us": round(median, 2), "min_us": round(times[0], 2),
            "max_us": round(times[-1], 2), "cpu_us_per_step": round(cpu_us, 2)}


def train(wid, model, x, steps, opt_name):
    model.train()
    opt = make_optimizer(opt_name, model.parameters())
    y = torch.randint(0, 10, (x.shape[0],))
    criterion = nn.CrossEntropyLoss()
    losses = []

    def step():
        loss = criterion(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
        losses.append(loss.item())

    row = time_steps(steps, step)
    if not losses[-1] < losses[0]:
        raise SystemExit(f"{wid}: correctness guard failed: loss went from "
                         f"{losses[0]} to {losses[-1]} in {len(losses)} steps")
    row.update(optimizer=opt_name, steps=len(losses),
               first_loss=losses[0], last_loss=losses[-1])
    return row


def run(wid, opt_names):
    torch.manual_seed(0)
    if wid == "mlp":
        # 20 + 280 = 300 steps, WORKLOADS.md's guard.
        return train(wid, mlp(), torch.randn(64, 784), (20, 280), opt_names[wid])
    if wid == "lenet":
        return train(wid, lenet(), torch.randn(64, 1, 28, 28), SMALL, opt_names[wid])
    if wid == "wide":
        model = wide()
        weights = sum(p.numel() for p in model.parameters())
        row = train(wid, model, torch.randn(256, 784), BIG, opt_names[wid])
        row["gflops"] = 6 * 256 * weights / row["median_us"] / 1e3
        return row
    if wid == "cnn":
        return train(wid, cnn(), torch.randn(32, 3, 32, 32), BIG, opt_names[wid])
    if wid == "mnist_example":
        return train(wid, mnist_example(), torch.randn(64, 1, 28, 28), BIG, opt_names[wid])
    if wid == "lstm":
        return train(wid, RowReader(), torch.randn(64, 28, 28), SMALL, opt_names[wid])
    if wid == "transformer":
        return train(wid, Encoder(), torch.randn(32, 64, 128), SMALL, opt_names[wid])
    if wid == "infer1":
        model = mlp().eval()
        x = torch.randn(1, 784)

        def step():
            with torch.no_grad():
                model(x)

        return time_steps((100, 2000), step)
    if wid == "sgemm":
        n = 1024
        a, b = torch.randn(n, n), torch.randn(n, n)
        c = torch.empty(n, n)
        row = time_steps(BIG, lambda: torch.mm(a, b, out=c))
        row["gflops"] = 2 * n**3 / row["median_us"] / 1e3
        return row
    raise SystemExit(f"unknown workload {wid!r}; expected one of {', '.join(IDS)}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--workload", action="append", default=[])
    p.add_argument("--json", action="store_true")
    p.add_argument("--optimizer", action="append", default=[],
                   metavar="ID=NAME")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    opt_names = dict(OPTIMIZERS)
    for o in args.optimizer:
        wid, _, name = o.partition("=")
        opt_names[wid] = name
    ids = args.workload or IDS
    out = {}
    if not args.json:
        print(f"{'workload':<8} {'threads':>7} {'median':>12} {'min':>12} "
              f"{'max':>12} {'GFLOP/s':>9}")
    for wid in ids:
        row = {"threads": args.threads, **run(wid, opt_names)}
        out[wid] = row
        if not args.json:
            g = f"{row['gflops']:.1f}" if "gflops" in row else "-"
            print(f"{wid:<8} {args.threads:>7} {row['median_us']:>9.1f} µs "
                  f"{row['min_us']:>9.1f} µs {row['max_us']:>9.1f} µs {g:>9}",
                  flush=True)
    if args.json:
        json.dump(out, sys.stdout)
        print()


if __name__ == "__main__":
    main()
