"""PyTorch's mnist_vit model, trained briefly, for examples/mnist_vit.rs and
tests/mnist_vit_weights.rs.

Trains `PatchTransformer` (each image as 16 patches of 7x7 pixels,
nn.Linear(49, 64) plus a learned position embedding, a two-layer
nn.TransformerEncoder (d_model 64, nhead 4, dim_feedforward 128, dropout
0.1, batch_first), the mean over the tokens, nn.Linear(64, 10); AdamW lr
1e-3, batch 64, seed 0) for `--epochs` on the MNIST in `--data`, then writes

- tests/data/torch/mnist_vit.safetensors: its state_dict (PyTorch's keys,
  float32), which `cargo run --release --example mnist_vit -- --load FILE
  --eval-only` loads;
- tests/data/torch/mnist_vit.io.safetensors: on the 1,000 test images
  shipped in data/mnist-small, the logits of the first 16 (`logits`) and
  the predicted class of every one (`predicted`, as float32);

and prints the test accuracy after each epoch on `--data`'s test split and
at the end on the shipped test subset. Pixels as Kiln's `Mnist` gives them
(x/255 normalised with 0.1307 / 0.3081). The shipped file was made with

    python3 scripts/make_mnist_vit_reference.py --data ../shared/data/mnist --epochs 1

Run from the repository root.
"""
import argparse

import torch
from torch import nn

from make_mnist_rnn_reference import SHIPPED, fit, save_reference, split


class PatchTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(49, 64)
        self.pos = nn.Parameter(torch.randn(1, 16, 64) * 0.02)
        layer = nn.TransformerEncoderLayer(64, 4, 128, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        n = x.shape[0]
        patches = x.reshape(n, 4, 7, 4, 7).permute(0, 1, 3, 2, 4).reshape(n, 16, 49)
        return self.head(self.encoder(self.embed(patches) + self.pos).mean(dim=1))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=SHIPPED)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-save", action="store_true",
                   help="only train and report (for the accuracy of other seeds)")
    args = p.parse_args()
    torch.manual_seed(args.seed)
    x, y = split(args.data, "train")
    test_x, test_y = split(args.data, "t10k")
    model = PatchTransformer()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    fit(model, opt, x, y, test_x, test_y, args.epochs)
    if not args.no_save:
        save_reference(model, "mnist_vit", args.data, test_x, test_y)


if __name__ == "__main__":
    main()
