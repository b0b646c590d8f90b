#!/usr/bin/env python3
"""Makes the PyTorch TransformerEncoder fixture of tests/torch_transformer.rs.

    pip install torch safetensors
    python3 scripts/make_transformer_fixture.py

Writes to tests/data/torch/:

    transformer_encoder.safetensors     the state_dict of
        nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1,
        activation="gelu", batch_first=True), 2, norm=nn.LayerNorm(8),
        enable_nested_tensor=False), saved with safetensors.torch.save_file
    transformer_encoder.io.safetensors  `input` (3, 5, 8), the key padding
        mask as 0/1 floats `key_padding_mask` (3, 5; 1 = padded), and the
        outputs in eval mode (float32): `output` (no mask), `output_padded`
        (src_key_padding_mask), `output_causal` (the causal mask of
        generate_square_subsequent_mask(5))
"""

from pathlib import Path

import torch
from safetensors.torch import save_file
from torch import nn

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "torch"


def main():
    torch.manual_seed(19)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, activation="gelu", batch_first=True)
    model = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8), enable_nested_tensor=False)
    # Distinct layers (PyTorch's deep copies start equal) and non-trivial norms.
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.1 * torch.randn_like(p))
    model.eval()
    x = torch.randn(3, 5, 8)
    pad = torch.zeros(3, 5, dtype=torch.bool)
    pad[0, 4] = True
    pad[1, 2:] = True
    causal = nn.Transformer.generate_square_subsequent_mask(5)
    outputs = {}
    with torch.no_grad():
        for fast in (True, False):
            torch.backends.mha.set_fastpath_enabled(fast)
            run = {
                "output": model(x),
                "output_padded": model(x, src_key_padding_mask=pad),
                "output_causal": model(x, mask=causal, is_causal=True),
            }
            for k, v in run.items():
                if k in outputs:
                    assert torch.allclose(outputs[k], v, atol=1e-5), k
                else:
                    outputs[k] = v
    OUT.mkdir(parents=True, exist_ok=True)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, OUT / "transformer_encoder.safetensors")
    io = {"input": x, "key_padding_mask": pad.float(), **outputs}
    save_file({k: v.contiguous() for k, v in io.items()}, OUT / "transformer_encoder.io.safetensors")
    print(f"wrote {len(state)} tensors and {len(io)} io tensors to {OUT}")


if __name__ == "__main__":
    main()
