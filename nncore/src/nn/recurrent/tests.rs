//! PyTorch's numbers for each layer and option (from
//! `scripts/make_recurrent_refs.py`: parameters `0.5 sin(0.37 k + j)`,
//! inputs `cos(0.3 i)`), run in f64, and the error messages.

use super::*;
use crate::DynTensor;
use crate::nn::ModuleExt;

/// The parameters of `shapes` as the script fills them.
fn params(shapes: &[(String, Vec<usize>)]) -> Vec<DynTensor<f64>> {
    shapes
        .iter()
        .enumerate()
        .map(|(j, (_, shape))| {
            let n: usize = shape.iter().product();
            let v = (0..n)
                .map(|k| 0.5 * (0.37 * k as f64 + j as f64).sin())
                .collect();
            DynTensor::from_vec(v, shape).unwrap()
        })
        .collect()
}

fn input(shape: &[usize]) -> DynTensor<f64> {
    let n: usize = shape.iter().product();
    DynTensor::from_vec((0..n).map(|i| (0.3 * i as f64).cos()).collect(), shape).unwrap()
}

fn close(actual: &DynTensor<f64>, expected: &[f64]) {
    let a = actual.to_vec();
    assert_eq!(a.len(), expected.len(), "sizes differ");
    for (i, (x, y)) in a.iter().zip(expected).enumerate() {
        assert!(
            (x - y).abs() <= 1e-9 + 1e-7 * y.abs(),
            "element {i}: {x} vs PyTorch's {y}"
        );
    }
}

fn run(spec: RecurrentSpec, x: &DynTensor<f64>) -> (DynTensor<f64>, Hidden<f64>) {
    let p = params(&spec.parameter_shapes());
    let refs: Vec<&DynTensor<f64>> = p.iter().collect();
    recurrent_forward(&spec, &refs, x, None, false).unwrap()
}

#[test]
fn bidirectional_two_layer_batch_first_lstm_gives_pytorchs_numbers() {
    let spec = RecurrentSpec::new(Mode::Lstm, 3, 4)
        .num_layers(2)
        .bidirectional(true)
        .batch_first(true);
    let (out, h) = run(spec, &input(&[2, 3, 3]));
    assert_eq!(out.shape(), &[2, 3, 8]);
    close(&out, LSTM_BIDI_OUT);
    close(&h.h, LSTM_BIDI_H);
    close(h.c.as_ref().unwrap(), LSTM_BIDI_C);
}

#[test]
fn projected_lstm_gives_pytorchs_numbers() {
    let (out, h) = run(
        RecurrentSpec::new(Mode::Lstm, 3, 4).proj_size(2),
        &input(&[3, 2, 3]),
    );
    assert_eq!((out.shape(), h.h.shape()), (&[3, 2, 2][..], &[1, 2, 2][..]));
    assert_eq!(h.c.as_ref().unwrap().shape(), &[1, 2, 4]);
    close(&out, LSTM_PROJ_OUT);
    close(&h.h, LSTM_PROJ_H);
    close(h.c.as_ref().unwrap(), LSTM_PROJ_C);
}

#[test]
fn two_layer_gru_gives_pytorchs_numbers() {
    let (out, h) = run(
        RecurrentSpec::new(Mode::Gru, 2, 3).num_layers(2),
        &input(&[3, 2, 2]),
    );
    close(&out, GRU_2_OUT);
    close(&h.h, GRU_2_H);
}

#[test]
fn unbatched_bidirectional_relu_rnn_gives_pytorchs_numbers() {
    let spec = RecurrentSpec::new(Mode::RnnRelu, 2, 3).bidirectional(true);
    let (out, h) = run(spec, &input(&[4, 2]));
    assert_eq!((out.shape(), h.h.shape()), (&[4, 6][..], &[2, 3][..]));
    close(&out, RNN_RELU_OUT);
    close(&h.h, RNN_RELU_H);
}

#[test]
fn packed_unsorted_lstm_gives_pytorchs_numbers() {
    let spec = RecurrentSpec::new(Mode::Lstm, 2, 3)
        .bidirectional(true)
        .batch_first(true);
    let p = params(&spec.parameter_shapes());
    let refs: Vec<&DynTensor<f64>> = p.iter().collect();
    let packed = pack_padded_sequence(&input(&[3, 4, 2]), &[2, 4, 1], true, false).unwrap();
    assert_eq!(packed.batch_sizes(), &[3, 2, 1, 1]);
    let (out, h) = recurrent_forward_packed(&spec, &refs, &packed, None, false).unwrap();
    let (padded, lengths) = pad_packed_sequence(&out, true, 0.0, None).unwrap();
    assert_eq!(lengths, vec![2, 4, 1]);
    close(&padded, LSTM_PACKED_OUT);
    close(&h.h, LSTM_PACKED_H);
    close(h.c.as_ref().unwrap(), LSTM_PACKED_C);
}

#[test]
fn cells_give_pytorchs_numbers() {
    let gru = CellSpec {
        mode: Mode::Gru,
        input_size: 3,
        hidden_size: 2,
        bias: true,
    };
    let p = params(&gru.parameter_shapes());
    let refs: Vec<&DynTensor<f64>> = p.iter().collect();
    let (h, c) = cell_forward(&gru, &refs, &input(&[2, 3]), None).unwrap();
    assert!(c.is_none());
    close(&h, GRU_CELL_H);
    let lstm = CellSpec {
        mode: Mode::Lstm,
        bias: false,
        ..gru
    };
    let p = params(&lstm.parameter_shapes());
    let refs: Vec<&DynTensor<f64>> = p.iter().collect();
    let (h, c) = cell_forward(&lstm, &refs, &input(&[3]), None).unwrap();
    close(&h, LSTM_CELL_H);
    close(&c.unwrap(), LSTM_CELL_C);
}

#[test]
fn parameters_have_pytorchs_names_shapes_and_bounds() {
    let lstm = LSTM::from_spec(
        RecurrentSpec::new(Mode::Lstm, 3, 16)
            .num_layers(2)
            .bidirectional(true)
            .proj_size(4)
            .bias(false),
    )
    .unwrap();
    let names: Vec<(String, Vec<usize>)> = lstm
        .named_parameters()
        .into_iter()
        .map(|(n, p)| (n, p.shape().to_vec()))
        .collect();
    let expected = [
        ("weight_ih_l0", vec![64, 3]),
        ("weight_hh_l0", vec![64, 4]),
        ("weight_hr_l0", vec![4, 16]),
        ("weight_ih_l0_reverse", vec![64, 3]),
        ("weight_hh_l0_reverse", vec![64, 4]),
        ("weight_hr_l0_reverse", vec![4, 16]),
        ("weight_ih_l1", vec![64, 8]),
        ("weight_hh_l1", vec![64, 4]),
        ("weight_hr_l1", vec![4, 16]),
        ("weight_ih_l1_reverse", vec![64, 8]),
        ("weight_hh_l1_reverse", vec![64, 4]),
        ("weight_hr_l1_reverse", vec![4, 16]),
    ];
    let expected: Vec<(String, Vec<usize>)> = expected
        .into_iter()
        .map(|(n, s)| (n.to_string(), s))
        .collect();
    assert_eq!(names, expected);
    let all: Vec<f32> = lstm.parameters().iter().flat_map(|p| p.to_vec()).collect();
    let max = all.iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!(max <= 0.25 && max > 0.24, "U(-1/4, 1/4): max |w| = {max}");
    assert_eq!(
        lstm.to_string(),
        "LSTM(3, 16, proj_size=4, num_layers=2, bias=False, bidirectional=True)"
    );
    let gru = GRU::new(2, 3).unwrap();
    let names: Vec<String> = gru.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    );
    assert_eq!(gru.parameter("weight_ih_l0").unwrap().shape(), &[9, 2]);
}

fn err<T>(r: crate::Result<T>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn constructor_errors_are_pytorchs() {
    use crate::nn::dynamic::LayerOptions;
    use crate::nn::spec::parse;
    let o = LayerOptions::new()
        .with("input_size", 4)
        .with("hidden_size", 3);
    assert_eq!(
        err(parse::<RNNSpec>(&o.clone().with("nonlinearity", "sigmoid"))),
        "RNN: invalid nonlinearity: Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'."
    );
    assert_eq!(
        err(parse::<LSTMSpec>(&o.clone().with("proj_size", 3))),
        "LSTM: invalid proj_size: proj_size has to be smaller than hidden_size"
    );
    assert_eq!(
        err(parse::<GRUSpec>(&o.clone().with("dropout", 1.5))),
        "GRU: invalid dropout: dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
    );
    assert_eq!(
        err(parse::<LSTMSpec>(&o.clone().with("num_layers", 0))),
        "LSTM: invalid num_layers: num_layers must be greater than zero"
    );
    assert_eq!(
        err(GRU::new(0, 3)),
        "GRU: invalid input_size: input_size must be greater than zero"
    );
    assert_eq!(
        err(RNN::new(3, 0)),
        "RNN: invalid hidden_size: hidden_size must be greater than zero"
    );
    assert_eq!(
        err(GRU::from_spec(
            RecurrentSpec::new(Mode::Gru, 3, 4).proj_size(2)
        )),
        "GRU: invalid proj_size: proj_size argument is only supported for LSTM, not RNN or GRU"
    );
    assert_eq!(
        err(RNN::from_spec(RecurrentSpec::new(Mode::Gru, 3, 4))),
        "GRU: invalid mode: this layer runs [RnnTanh, RnnRelu], not Gru"
    );
    assert_eq!(
        err(parse::<RNNCellSpec>(&o.with("nonlinearity", "gelu"))),
        "RNNCell: invalid nonlinearity: Unknown nonlinearity 'gelu'. Select from 'tanh' or 'relu'."
    );
}

#[test]
fn forward_errors_are_pytorchs() {
    let lstm = LSTM::new(4, 3).unwrap();
    let z = |s: &[usize]| DynTensor::zeros(s).unwrap();
    assert_eq!(
        err(lstm.forward(&z(&[5, 2, 5]), None)),
        "LSTM: invalid input: input.size(-1) must be equal to input_size. Expected 4, got 5"
    );
    assert_eq!(
        err(lstm.forward(&z(&[5, 2, 4, 1]), None)),
        "LSTM: invalid input: LSTM: Expected input to be 2D or 3D, got 4D instead"
    );
    assert_eq!(
        err(lstm.forward(&z(&[5, 2, 4]), Some((&z(&[1, 2, 3]), &z(&[1, 3, 3]))))),
        "LSTM: invalid hx: Expected hidden[1] size (1, 2, 3), got [1, 3, 3]"
    );
    assert_eq!(
        err(lstm.forward(&z(&[5, 2, 4]), Some((&z(&[1, 2, 2]), &z(&[1, 2, 3]))))),
        "LSTM: invalid hx: Expected hidden[0] size (1, 2, 3), got [1, 2, 2]"
    );
    assert_eq!(
        err(lstm.forward(&z(&[5, 4]), Some((&z(&[1, 1, 3]), &z(&[1, 3]))))),
        "LSTM: invalid hx: For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 2-D) tensors"
    );
    let gru = GRU::new(4, 3).unwrap();
    assert_eq!(
        err(gru.forward(&z(&[5, 2, 4]), Some(&z(&[1, 3, 3])))),
        "GRU: invalid hx: Expected hidden size (1, 2, 3), got [1, 3, 3]"
    );
    assert_eq!(
        err(gru.forward(&z(&[5, 2, 4]), Some(&z(&[2, 3])))),
        "GRU: invalid hx: For batched 3-D input, hx should also be 3-D but got 2-D tensor"
    );
    let rnn = RNN::new(4, 3).unwrap();
    assert_eq!(
        err(rnn.forward(&z(&[4]), None)),
        "RNN: invalid input: RNN: Expected input to be 2D or 3D, got 1D tensor instead"
    );
    let packed = pack_sequence(&[&z(&[3, 4]), &z(&[2, 4])], true).unwrap();
    assert_eq!(
        err(rnn.forward_packed(&packed, Some(&z(&[1, 3, 3])))),
        "RNN: invalid hx: Expected hidden size (1, 2, 3), got [1, 3, 3]"
    );
    let cell = LSTMCell::new(4, 3);
    assert_eq!(
        err(cell.forward(&z(&[2, 5]), None)),
        "LSTMCell: invalid input: input has inconsistent input_size: got 5 expected 4"
    );
    assert_eq!(
        err(cell.forward(&z(&[2, 4]), Some((&z(&[3, 3]), &z(&[3, 3]))))),
        "LSTMCell: invalid hx: Input batch size 2 doesn't match hidden0 batch size 3"
    );
    assert_eq!(
        err(cell.forward(&z(&[2, 4]), Some((&z(&[2, 3]), &z(&[2, 2]))))),
        "LSTMCell: invalid hx: hidden1 has inconsistent hidden_size: got 2, expected 3"
    );
    assert_eq!(
        err(cell.forward(&z(&[2, 2, 4]), None)),
        "LSTMCell: invalid input: LSTMCell: Expected input to be 1D or 2D, got 3D instead"
    );
    let gru_cell = GRUCell::new(4, 3);
    assert_eq!(
        err(gru_cell.forward(&z(&[2, 4]), Some(&z(&[1, 2, 3])))),
        "GRUCell: invalid hx: GRUCell: Expected hidden to be 1D or 2D, got 3D instead"
    );
}

#[test]
fn packing_errors_are_pytorchs() {
    let x = DynTensor::<f32>::zeros(&[4, 3, 2]).unwrap();
    assert_eq!(
        err(pack_padded_sequence(&x, &[3, 4, 1], false, true)),
        "pack_padded_sequence: invalid lengths: `lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability."
    );
    assert_eq!(
        err(pack_padded_sequence(&x, &[3, 0, 1], false, false)),
        "pack_padded_sequence: invalid lengths: Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"
    );
    assert_eq!(
        err(pack_padded_sequence(&x, &[3, 2], false, false)),
        "pack_padded_sequence: invalid lengths: Expected `len(lengths)` to be equal to batch_size, but got 2 (batch_size=3)"
    );
    assert_eq!(
        err(pack_padded_sequence(&x, &[5, 2, 1], false, false)),
        "pack_padded_sequence: invalid lengths: a length of 5 exceeds the input's 4 time steps"
    );
    assert_eq!(
        err(pack_sequence::<f32>(&[], true)),
        "pack_sequence: invalid sequences: received an empty list of sequences"
    );
    let packed = pack_padded_sequence(&x, &[2, 4, 1], false, false).unwrap();
    assert_eq!(packed.sorted_indices(), Some(&[1, 0, 2][..]));
    assert_eq!(packed.unsorted_indices(), Some(&[1, 0, 2][..]));
    assert_eq!(
        err(pad_packed_sequence(&packed, false, 0.0, Some(3))),
        "pad_packed_sequence: invalid total_length: Expected total_length to be at least the length of the longest sequence in input, but got total_length=3 and max sequence length being 4"
    );
    let (padded, _) = pad_packed_sequence(&packed, false, -1.0, Some(6)).unwrap();
    assert_eq!(padded.shape(), &[6, 3, 2]);
    assert_eq!(
        padded.to_vec().iter().filter(|&&v| v == -1.0).count(),
        2 * (18 - 7)
    );
}

#[test]
fn dropout_between_layers_acts_in_training_only() {
    let mut gru = GRU::from_spec(
        RecurrentSpec::new(Mode::Gru, 2, 3)
            .num_layers(2)
            .dropout(0.5),
    )
    .unwrap();
    let x = DynTensor::randn(&[6, 2, 2]).unwrap();
    crate::rng::manual_seed(1);
    let (a, _) = gru.forward(&x, None).unwrap();
    crate::rng::manual_seed(2);
    let (b, _) = gru.forward(&x, None).unwrap();
    assert_ne!(a.to_vec(), b.to_vec(), "dropout draws differ with the seed");
    gru.eval();
    let (a, _) = gru.forward(&x, None).unwrap();
    let (b, _) = gru.forward(&x, None).unwrap();
    assert_eq!(a.to_vec(), b.to_vec());
    assert_eq!(gru.to_string(), "GRU(2, 3, num_layers=2, dropout=0.5)");
}

/// The recurrent printouts of the conformance file sequence_repr.json,
/// built at run time from PyTorch's keyword arguments.
#[test]
fn runtime_built_layers_print_as_pytorch() {
    use crate::nn::dynamic::{LayerOptions, build_layer};
    let sizes = |i: i64, h: i64| {
        LayerOptions::new()
            .with("input_size", i)
            .with("hidden_size", h)
    };
    let cases = [
        ("RNN", sizes(10, 20), "RNN(10, 20)"),
        (
            "RNN",
            sizes(10, 20)
                .with("num_layers", 2)
                .with("nonlinearity", "relu")
                .with("batch_first", true),
            "RNN(10, 20, num_layers=2, batch_first=True)",
        ),
        (
            "LSTM",
            sizes(28, 128)
                .with("num_layers", 2)
                .with("bidirectional", true)
                .with("dropout", 0.25),
            "LSTM(28, 128, num_layers=2, dropout=0.25, bidirectional=True)",
        ),
        (
            "LSTM",
            sizes(8, 16).with("proj_size", 4).with("bias", false),
            "LSTM(8, 16, proj_size=4, bias=False)",
        ),
        (
            "GRU",
            sizes(32, 64).with("batch_first", true),
            "GRU(32, 64, batch_first=True)",
        ),
        (
            "RNNCell",
            sizes(4, 5).with("nonlinearity", "relu"),
            "RNNCell(4, 5, nonlinearity=relu)",
        ),
        ("LSTMCell", sizes(4, 5), "LSTMCell(4, 5)"),
        (
            "GRUCell",
            sizes(4, 5).with("bias", false),
            "GRUCell(4, 5, bias=False)",
        ),
    ];
    for (name, options, expected) in cases {
        let layer = build_layer(name, &options).unwrap();
        assert_eq!(crate::nn::module_repr(layer.as_ref()), expected);
    }
}

const LSTM_BIDI_OUT: &[f64] = &[
    3.900448564125e-02,
    1.781644180157e-01,
    5.126344334105e-02,
    1.415353249079e-01,
    -3.066299946769e-01,
    -2.521302149808e-01,
    -1.246728162050e-01,
    -1.587690536974e-01,
    8.733144654353e-02,
    2.058524260406e-01,
    7.139336310070e-02,
    2.384609938723e-01,
    -3.029498202831e-01,
    -2.523882877706e-01,
    -1.623267842487e-01,
    -1.278667617646e-01,
    1.709045804044e-01,
    1.495881806872e-01,
    1.115019253571e-01,
    2.801944521122e-01,
    -2.338179253483e-01,
    -2.365399127594e-01,
    -1.812283648771e-01,
    -9.218534589136e-02,
    9.112599586500e-02,
    1.364539307343e-01,
    7.563589529464e-02,
    1.212800593761e-01,
    -3.254057359967e-01,
    -2.874689516669e-01,
    -2.456673768938e-01,
    -4.488848103224e-03,
    1.685567073365e-01,
    1.437172005606e-01,
    1.074013315963e-01,
    2.035793409928e-01,
    -2.985200776799e-01,
    -2.840856202632e-01,
    -2.286856694663e-01,
    -2.876658585060e-02,
    1.817571153165e-01,
    1.447471925081e-01,
    1.140909017678e-01,
    2.546760753627e-01,
    -2.226449365471e-01,
    -2.479755772796e-01,
    -1.466319056210e-01,
    -1.264695518631e-01,
];
const LSTM_BIDI_H: &[f64] = &[
    -2.032682024499e-01,
    -1.065345448437e-01,
    1.242620977959e-01,
    2.867578265657e-01,
    -3.566742891646e-01,
    -1.574407480862e-01,
    -2.770556199346e-02,
    1.140551282620e-01,
    1.743502929773e-02,
    2.845327419525e-02,
    -2.486400005085e-01,
    -5.409950849705e-01,
    -3.713996657308e-01,
    -2.965922158553e-01,
    -8.726810124211e-02,
    -3.080461393659e-02,
    1.709045804044e-01,
    1.495881806872e-01,
    1.115019253571e-01,
    2.801944521122e-01,
    1.817571153165e-01,
    1.447471925081e-01,
    1.140909017678e-01,
    2.546760753627e-01,
    -3.066299946769e-01,
    -2.521302149808e-01,
    -1.246728162050e-01,
    -1.587690536974e-01,
    -3.254057359967e-01,
    -2.874689516669e-01,
    -2.456673768938e-01,
    -4.488848103224e-03,
];
const LSTM_BIDI_C: &[f64] = &[
    -4.853579329142e-01,
    -2.332422179234e-01,
    1.679003593307e-01,
    3.398495154690e-01,
    -5.690261288245e-01,
    -2.312458966277e-01,
    -4.265475875316e-02,
    1.746308280060e-01,
    1.270784240950e-01,
    1.003204119908e-01,
    -4.896318376328e-01,
    -1.192866316952e+00,
    -6.492573578954e-01,
    -1.354410201502e+00,
    -1.115425529883e+00,
    -2.047122457279e-01,
    2.536887795028e-01,
    2.783503490935e-01,
    2.584429910750e-01,
    7.058151271877e-01,
    2.714861740367e-01,
    2.664792296607e-01,
    2.639151468377e-01,
    6.502142306736e-01,
    -5.110820901610e-01,
    -7.539657410869e-01,
    -1.766579418014e-01,
    -2.364351156260e-01,
    -6.185656151190e-01,
    -7.507048849655e-01,
    -3.847633243775e-01,
    -6.328447802453e-03,
];
const LSTM_PROJ_OUT: &[f64] = &[
    4.915227665654e-01,
    2.060694486758e-01,
    3.018401927925e-01,
    1.457523288026e-01,
    -6.446367641515e-02,
    5.894788166263e-02,
    -1.061627446278e-01,
    6.123430007396e-02,
    -1.048020065439e-01,
    8.341150927588e-02,
    1.645745563623e-01,
    1.809818266517e-01,
];
const LSTM_PROJ_H: &[f64] = &[
    -1.048020065439e-01,
    8.341150927588e-02,
    1.645745563623e-01,
    1.809818266517e-01,
];
const LSTM_PROJ_C: &[f64] = &[
    -6.152992911830e-01,
    1.331036257157e-01,
    2.683303508245e-01,
    1.648198058113e-01,
    -5.760812087144e-01,
    -2.812397674549e-01,
    1.175503625586e-02,
    1.669734844859e-01,
];
const GRU_2_OUT: &[f64] = &[
    4.005543315635e-01,
    2.055675989021e-01,
    -9.475763801585e-02,
    3.915712869405e-01,
    2.042486538720e-01,
    -9.148945187843e-02,
    5.760055001251e-01,
    3.675154723043e-01,
    -1.325022920130e-01,
    5.343367128486e-01,
    3.376139689896e-01,
    -1.064424307506e-01,
    6.002034865851e-01,
    4.211831400559e-01,
    -6.066233637042e-02,
    5.383032007040e-01,
    3.693177571364e-01,
    -1.647907054145e-02,
];
const GRU_2_H: &[f64] = &[
    -3.247524717218e-01,
    -3.098564561152e-01,
    -2.617679874826e-01,
    -1.396029548903e-01,
    -1.160359307370e-01,
    -2.642455810226e-01,
    6.002034865851e-01,
    4.211831400559e-01,
    -6.066233637042e-02,
    5.383032007040e-01,
    3.693177571364e-01,
    -1.647907054145e-02,
];
const RNN_RELU_OUT: &[f64] = &[
    6.979409260363e-01,
    1.000416382903e+00,
    8.708898084148e-01,
    0.000000000000e+00,
    0.000000000000e+00,
    9.711347027666e-01,
    1.850633547807e+00,
    1.524023786370e+00,
    6.142612327230e-02,
    0.000000000000e+00,
    2.785342803612e-01,
    1.367044207181e+00,
    2.093601817216e+00,
    1.660292587262e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    5.523866322316e-01,
    1.630205096642e+00,
    2.128248283081e+00,
    1.341029835863e+00,
    0.000000000000e+00,
    5.125303337507e-01,
    8.322164154736e-01,
    9.050036005344e-01,
];
const RNN_RELU_H: &[f64] = &[
    2.128248283081e+00,
    1.341029835863e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    9.711347027666e-01,
];
const LSTM_PACKED_OUT: &[f64] = &[
    -2.979848076860e-01,
    -4.109562343454e-01,
    -3.323696701630e-01,
    1.046004929392e-01,
    4.812841663073e-02,
    -1.193636784351e-01,
    -4.446274701815e-01,
    -4.475504214040e-01,
    -2.099387936792e-01,
    7.973150338380e-02,
    3.408004602223e-02,
    -6.588014085491e-02,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    -1.298576723822e-02,
    -2.153300112028e-02,
    -5.305669355894e-02,
    -5.491374217327e-02,
    2.242107203567e-01,
    2.039831323856e-01,
    5.292265535548e-03,
    -1.131583107701e-02,
    -5.762051371675e-02,
    -5.494510700576e-02,
    2.028203101659e-01,
    1.968604416415e-01,
    -1.915754610866e-02,
    -2.457473993643e-02,
    -7.410168564046e-02,
    4.834268073729e-02,
    1.446941183131e-01,
    1.410656780643e-01,
    -1.247147579721e-01,
    -1.039126752720e-01,
    -1.180021446616e-01,
    8.935796266774e-02,
    6.915988063992e-02,
    3.921255659464e-02,
    -2.094875870485e-01,
    -2.304829816614e-01,
    -1.818942250267e-01,
    1.058618472867e-01,
    4.715725663975e-02,
    -3.780041304628e-02,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
    0.000000000000e+00,
];
const LSTM_PACKED_H: &[f64] = &[
    -4.446274701815e-01,
    -4.475504214040e-01,
    -2.099387936792e-01,
    -1.247147579721e-01,
    -1.039126752720e-01,
    -1.180021446616e-01,
    -2.094875870485e-01,
    -2.304829816614e-01,
    -1.818942250267e-01,
    1.046004929392e-01,
    4.812841663073e-02,
    -1.193636784351e-01,
    -5.491374217327e-02,
    2.242107203567e-01,
    2.039831323856e-01,
    1.058618472867e-01,
    4.715725663975e-02,
    -3.780041304628e-02,
];
const LSTM_PACKED_C: &[f64] = &[
    -9.289588410412e-01,
    -8.315455229868e-01,
    -3.563832805883e-01,
    -3.426207679354e-01,
    -2.654240735335e-01,
    -2.569598394468e-01,
    -5.174545690948e-01,
    -4.573559471002e-01,
    -3.084659430483e-01,
    5.156777533557e-01,
    2.508856231469e-01,
    -5.036890093587e-01,
    -8.953271360797e-02,
    5.128796711729e-01,
    7.642949757076e-01,
    3.031673469651e-01,
    1.521765502478e-01,
    -1.249659692028e-01,
];
const GRU_CELL_H: &[f64] = &[
    -3.290802843086e-01,
    -6.291593239245e-01,
    -3.297816547498e-01,
    -4.685814992441e-01,
];
const LSTM_CELL_H: &[f64] = &[-3.431736842665e-01, -2.742037061384e-01];
const LSTM_CELL_C: &[f64] = &[-5.303016066581e-01, -3.656437043976e-01];
