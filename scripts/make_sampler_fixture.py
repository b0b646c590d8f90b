#!/usr/bin/env python3
"""Write tests/data/distributed_sampler.json: PyTorch's DistributedSampler
and randperm sequences, the reference for kiln-distributed's sampler.

    python3 scripts/make_sampler_fixture.py

Needs torch. Each sampler case lists the options and the indices PyTorch's
torch.utils.data.DistributedSampler yields for that rank and epoch. The
randperm cases give torch.randperm(n, generator=torch.Generator().manual_seed(seed))
in full for small n and, for MNIST-sized n, its first and last 16 entries
and the checksum sum(i * perm[i]) so the file stays small.
"""

import json
import os

import torch
from torch.utils.data import DistributedSampler


class Sized:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


def sampler_cases():
    cases = []
    for n in [0, 1, 2, 5, 10, 11, 17, 100, 1001]:
        for world in ([3] if n > 100 else [1, 2, 3, 4]):
            for shuffle, drop_last in [(True, False), (True, True), (False, False), (False, True)]:
                for seed, epoch in [(0, 0), (0, 3), (42, 1)]:
                    if not shuffle and (seed, epoch) != (0, 0):
                        continue
                    if n > 100 and (seed, epoch) == (0, 3):
                        continue
                    for rank in range(world):
                        s = DistributedSampler(Sized(n), num_replicas=world, rank=rank,
                                               shuffle=shuffle, seed=seed, drop_last=drop_last)
                        s.set_epoch(epoch)
                        cases.append({
                            "len": n, "world": world, "rank": rank, "shuffle": shuffle,
                            "seed": seed, "epoch": epoch, "drop_last": drop_last,
                            "num_samples": len(s), "indices": list(s),
                        })
    return cases


def randperm_cases():
    cases = []
    for n, seed in [(1, 0), (2, 0), (10, 0), (10, 1), (33, 2**32 + 5), (700, 123), (1300, 9)]:
        g = torch.Generator().manual_seed(seed)
        cases.append({"n": n, "seed": seed, "perm": torch.randperm(n, generator=g).tolist()})
    summaries = []
    for n, seed in [(60000, 0), (60000, 1), (60000, 2026)]:
        g = torch.Generator().manual_seed(seed)
        p = torch.randperm(n, generator=g).tolist()
        summaries.append({"n": n, "seed": seed, "head": p[:16], "tail": p[-16:],
                          "checksum": sum(i * v for i, v in enumerate(p))})
    return cases, summaries


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    full, summaries = randperm_cases()
    out = {
        "torch_version": torch.__version__,
        "sampler": sampler_cases(),
        "randperm": full,
        "randperm_summary": summaries,
    }
    path = os.path.join(root, "tests", "data", "distributed_sampler.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}: {len(out['sampler'])} sampler cases")


if __name__ == "__main__":
    main()
