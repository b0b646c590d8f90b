"""Writes tests/data/embedding_max_norm.json: nn.Embedding with max_norm,
run by PyTorch. Each case gives the table before the lookup, the indices,
max_norm and norm_type, and PyTorch's table after the lookup (renormalised
in place: scale max_norm / (norm + 1e-7), only the looked-up rows whose
norm exceeds max_norm), its output, and the weight's gradient of
sum(output * coef).

Run from the repository root: python3 scripts/make_embedding_max_norm.py
"""
import json
import math

import torch

torch.manual_seed(0)
cases = []
for norm_type in [2.0, 1.0, 3.0, 0.5, math.inf]:
    for max_norm in [1.0, 2.5]:
        weight = (torch.randn(6, 4) * 1.5).float()
        # Row 5 is never looked up; rows 1 and 3 are looked up twice.
        indices = torch.tensor([[1, 3, 1], [4, 0, 3]])
        emb = torch.nn.Embedding(6, 4, max_norm=max_norm, norm_type=norm_type)
        with torch.no_grad():
            emb.weight.copy_(weight)
        out = emb(indices)
        coef = torch.arange(out.numel(), dtype=torch.float32).reshape(out.shape) / 10.0
        (out * coef).sum().backward()
        cases.append(
            {
                "norm_type": "inf" if math.isinf(norm_type) else norm_type,
                "max_norm": max_norm,
                "weight": weight.flatten().tolist(),
                "indices": indices.flatten().tolist(),
                "indices_shape": list(indices.shape),
                "weight_after": emb.weight.detach().flatten().tolist(),
                "output": out.detach().flatten().tolist(),
                "grad": emb.weight.grad.flatten().tolist(),
            }
        )

with open("tests/data/embedding_max_norm.json", "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
print(f"{len(cases)} cases")
