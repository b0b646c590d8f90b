"""PyTorch's numbers for nncore/src/nn/recurrent/tests.rs.

Every parameter (in PyTorch's registration order, k-th element of the
j-th parameter) is 0.5 * sin(0.37 * k + j), every input element
cos(0.3 * i); the printout is Rust `const`s to paste into the tests.
"""
import math
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_default_dtype(torch.float64)


def fill(module):
    with torch.no_grad():
        for j, (_, p) in enumerate(module.named_parameters()):
            flat = torch.tensor([0.5 * math.sin(0.37 * k + j) for k in range(p.numel())])
            p.copy_(flat.reshape(p.shape))


def inputs(*shape):
    n = math.prod(shape)
    return torch.tensor([math.cos(0.3 * i) for i in range(n)]).reshape(shape)


def emit(name, t):
    vals = ", ".join(f"{v:.12e}" for v in t.detach().flatten().tolist())
    print(f"const {name}: &[f64] = &[{vals}];")


def layer_case(tag, module, x, lengths=None):
    fill(module)
    if lengths is None:
        out, hid = module(x)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=module.batch_first, enforce_sorted=False)
        out, hid = module(packed)
        out, _ = pad_packed_sequence(out, batch_first=module.batch_first)
    emit(f"{tag}_OUT", out)
    if isinstance(hid, tuple):
        emit(f"{tag}_H", hid[0])
        emit(f"{tag}_C", hid[1])
    else:
        emit(f"{tag}_H", hid)


layer_case("LSTM_BIDI", torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True), inputs(2, 3, 3))
layer_case("LSTM_PROJ", torch.nn.LSTM(3, 4, proj_size=2), inputs(3, 2, 3))
layer_case("GRU_2", torch.nn.GRU(2, 3, num_layers=2), inputs(3, 2, 2))
layer_case("RNN_RELU", torch.nn.RNN(2, 3, nonlinearity="relu", bidirectional=True), inputs(4, 2))
layer_case("LSTM_PACKED", torch.nn.LSTM(2, 3, bidirectional=True, batch_first=True), inputs(3, 4, 2), lengths=[2, 4, 1])
cell = torch.nn.GRUCell(3, 2)
fill(cell)
emit("GRU_CELL_H", cell(inputs(2, 3)))
cell = torch.nn.LSTMCell(3, 2, bias=False)
fill(cell)
h, c = cell(inputs(3))
emit("LSTM_CELL_H", h)
emit("LSTM_CELL_C", c)
