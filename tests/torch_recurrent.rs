//! A recurrent model saved by PyTorch (scripts/make_recurrent_weights.py:
//! a 2-layer bidirectional LSTM with proj_size and batch_first, a
//! bidirectional GRU, an LSTMCell and a Linear, as fields of one module)
//! loads into the same `#[derive(Module)]` struct in Kiln by PyTorch's keys
//! and gives PyTorch's outputs within 1e-5 (float32), padded and packed.

use kiln::DynTensor;
use kiln::Module;
use kiln::io::load_safetensors;
use kiln::nn::{
    DynForward, GRU, LSTM, LSTMCell, Linear, Mode, ModuleExt, RecurrentSpec, pack_padded_sequence,
    pad_packed_sequence,
};
use kiln::shape::{U2, U4};
use std::path::PathBuf;

fn data(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/torch")
        .join(file)
}

/// PyTorch's `Model`: the same fields, the same names.
#[derive(Module)]
struct Model {
    lstm: LSTM,
    gru: GRU,
    cell: LSTMCell,
    head: Linear<U4, U2>,
}

fn model() -> Model {
    let lstm = RecurrentSpec::new(Mode::Lstm, 3, 5)
        .num_layers(2)
        .bidirectional(true)
        .batch_first(true)
        .proj_size(2);
    Model {
        lstm: LSTM::from_spec(lstm).unwrap(),
        gru: GRU::from_spec(RecurrentSpec::new(Mode::Gru, 4, 3).bidirectional(true)).unwrap(),
        cell: LSTMCell::new(6, 4),
        head: Linear::new(),
    }
}

fn io(name: &str) -> DynTensor {
    let (tensors, _) = load_safetensors(data("recurrent_io.safetensors")).unwrap();
    let t = tensors.into_iter().find(|t| t.name == name).unwrap();
    DynTensor::from_vec(t.data, &t.shape).unwrap()
}

fn assert_close(what: &str, actual: &DynTensor, name: &str) {
    let expected = io(name);
    assert_eq!(actual.shape(), expected.shape(), "{what}: shape");
    for (i, (a, e)) in actual.to_vec().iter().zip(expected.to_vec()).enumerate() {
        assert!((a - e).abs() <= 1e-5, "{what}[{i}]: Kiln {a}, PyTorch {e}");
    }
}

#[test]
fn a_pytorch_recurrent_state_dict_loads_and_gives_pytorchs_outputs() {
    let mut m = model();
    m.load(data("recurrent_model.safetensors")).unwrap();
    m.eval();
    assert_eq!(
        m.to_string(),
        "Model(\n  (lstm): LSTM(3, 5, proj_size=2, num_layers=2, batch_first=True, bidirectional=True)\n  (gru): GRU(4, 3, bidirectional=True)\n  (cell): LSTMCell(6, 4)\n  (head): Linear(in_features=4, out_features=2, bias=True)\n)"
    );

    let (out, (h, c)) = m.lstm.forward(&io("x"), None).unwrap();
    assert_close("lstm output", &out, "lstm_output");
    assert_close("lstm h_n", &h, "lstm_h_n");
    assert_close("lstm c_n", &c, "lstm_c_n");

    let lengths: Vec<usize> = io("lengths").to_vec().iter().map(|&l| l as usize).collect();
    let packed = pack_padded_sequence(&io("x"), &lengths, true, false).unwrap();
    let (out, (h, c)) = m.lstm.forward_packed(&packed, None).unwrap();
    let (padded, _) = pad_packed_sequence(&out, true, 0.0, None).unwrap();
    assert_close("packed output", &padded, "packed_output");
    assert_close("packed h_n", &h, "packed_h_n");
    assert_close("packed c_n", &c, "packed_c_n");

    let (out, h) = m.gru.forward(&io("y"), None).unwrap();
    assert_close("gru output", &out, "gru_output");
    assert_close("gru h_n", &h, "gru_h_n");

    let (h, c) = m.cell.forward(&io("z"), None).unwrap();
    assert_close("cell h", &h, "cell_h");
    assert_close("cell c", &c, "cell_c");
    assert_close("head", &m.head.forward_dyn(&h).unwrap(), "head");
}
