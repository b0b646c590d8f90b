"""A small recurrent model's PyTorch state_dict and its outputs, for
tests/torch_recurrent.rs: tests/data/torch/recurrent_model.safetensors (the
state_dict, PyTorch's keys) and recurrent_io.safetensors (inputs and
PyTorch's outputs, float32). Run from the repository root."""
import torch
from safetensors.torch import save_file
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(18)


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True, proj_size=2)
        self.gru = torch.nn.GRU(4, 3, bidirectional=True)
        self.cell = torch.nn.LSTMCell(6, 4)
        self.head = torch.nn.Linear(4, 2)


model = Model().eval()
x = torch.randn(3, 4, 3)  # batch_first
lengths = torch.tensor([2, 4, 3])
y = torch.randn(5, 2, 4)
z = torch.randn(2, 6)
with torch.no_grad():
    out, (h, c) = model.lstm(x)
    packed_out, (ph, pc) = model.lstm(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
    padded, _ = pad_packed_sequence(packed_out, batch_first=True)
    gout, gh = model.gru(y)
    ch, cc = model.cell(z)
    head = model.head(ch)
save_file({k: v.contiguous() for k, v in model.state_dict().items()}, "tests/data/torch/recurrent_model.safetensors")
io = {
    "x": x, "lstm_output": out, "lstm_h_n": h, "lstm_c_n": c,
    "lengths": lengths.float(), "packed_output": padded, "packed_h_n": ph, "packed_c_n": pc,
    "y": y, "gru_output": gout, "gru_h_n": gh,
    "z": z, "cell_h": ch, "cell_c": cc, "head": head,
}
save_file({k: v.contiguous() for k, v in io.items()}, "tests/data/torch/recurrent_io.safetensors")
print(model)
