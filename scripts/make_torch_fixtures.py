#!/usr/bin/env python3
"""Makes the PyTorch weight fixtures of tests/torch_weights.rs.

    pip install torch safetensors
    python3 scripts/make_torch_fixtures.py

For each model below (a Sequential MLP, a named Sequential, a module with
nested containers, a small LeNet) it writes to tests/data/torch/:

    NAME.safetensors     the state_dict, saved with safetensors.torch.save_file
    NAME.io.safetensors  `input` and PyTorch's `output` on it (float32)

plus mlp_f64.safetensors / mlp_bf16.safetensors (other dtypes, which Kiln
rejects). It then checks the other direction: every kiln_NAME.safetensors
(written by Kiln: `KILN_REGEN_TORCH=1 cargo test --test torch_weights`) is
loaded into the PyTorch model with load_state_dict(strict=True) and
PyTorch's output on the same input is written as
kiln_NAME.pytorch.safetensors, which the Rust test compares with Kiln's.
"""

from collections import OrderedDict
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "torch"


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.fc(x))


class Nested(nn.Module):
    """A module holding a Sequential, a ModuleList of modules and a ModuleDict."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(4, 6), nn.ReLU())
        self.blocks = nn.ModuleList([Block() for _ in range(3)])
        self.heads = nn.ModuleDict({"out": nn.Linear(6, 3), "aux": nn.Linear(6, 3)})

    def forward(self, x):
        x = self.features(x)
        for block in self.blocks:
            x = block(x)
        return self.heads["out"](x) + self.heads["aux"](x)


def models():
    return {
        "mlp": (nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)), [5, 4]),
        "named": (
            nn.Sequential(
                OrderedDict(
                    [("fc1", nn.Linear(4, 6)), ("relu1", nn.ReLU()), ("fc2", nn.Linear(6, 3))]
                )
            ),
            [5, 4],
        ),
        "nested": (Nested(), [5, 4]),
        "lenet": (
            nn.Sequential(
                nn.Conv2d(1, 4, 3, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2),
                nn.Conv2d(4, 8, 3),
                nn.ReLU(),
                nn.MaxPool2d(2),
                nn.Flatten(),
                nn.Linear(32, 10),
            ),
            [2, 1, 12, 12],
        ),
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    for name, (model, shape) in models().items():
        model.eval()
        x = torch.randn(*shape)
        with torch.no_grad():
            y = model(x)
        save_file(model.state_dict(), OUT / f"{name}.safetensors")
        save_file({"input": x, "output": y}, OUT / f"{name}.io.safetensors")
        if name == "mlp":
            sd = model.state_dict()
            save_file({k: v.double() for k, v in sd.items()}, OUT / "mlp_f64.safetensors")
            save_file({k: v.bfloat16() for k, v in sd.items()}, OUT / "mlp_bf16.safetensors")
        print(f"{name}: {[(k, tuple(v.shape)) for k, v in model.state_dict().items()]}")

    # The other direction: files saved by Kiln load into PyTorch.
    for name, (model, _) in models().items():
        kiln_file = OUT / f"kiln_{name}.safetensors"
        if not kiln_file.exists():
            print(f"{kiln_file.name}: not there yet (run the Rust test with KILN_REGEN_TORCH=1)")
            continue
        model.load_state_dict(load_file(kiln_file), strict=True)
        model.eval()
        x = load_file(OUT / f"{name}.io.safetensors")["input"]
        with torch.no_grad():
            y = model(x)
        save_file({"output": y}, OUT / f"kiln_{name}.pytorch.safetensors")
        print(f"{kiln_file.name}: loaded in PyTorch (strict), output {tuple(y.shape)}")


if __name__ == "__main__":
    main()
