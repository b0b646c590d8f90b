//! The recurrent layers built at run time (`build_layer`) run as the
//! static layers do: same weights, same numbers, and the states through
//! `forward_dyn_tuple`.

use super::*;
use crate::nn::dynamic::{DynSequential, LayerOptions, build_layer};
use crate::nn::{DynForward, Forward, Linear, Module, ModuleExt};
use crate::shape::{Dyn, U1, U2, U3, U4, U5, U8};
use crate::{DynTensor, Tensor};

/// Copies every parameter of `from` into the same-named one of `to`,
/// checking that both have the same names in the same order.
fn copy_weights(from: &dyn Module, to: &dyn Module) {
    let (from, to) = (from.named_parameters(), to.named_parameters());
    let names = |ps: &[(String, crate::nn::Parameter)]| -> Vec<String> {
        ps.iter().map(|(n, _)| n.clone()).collect()
    };
    assert_eq!(names(&from), names(&to));
    for ((_, p), (_, q)) in from.iter().zip(&to) {
        q.data_mut().copy_from_slice(&p.data());
    }
}

fn same(a: &DynTensor, b: &DynTensor) {
    assert_eq!(a.shape(), b.shape());
    assert_eq!(a.to_vec(), b.to_vec());
}

fn options(input_size: i64, hidden_size: i64) -> LayerOptions {
    LayerOptions::new()
        .with("input_size", input_size)
        .with("hidden_size", hidden_size)
}

#[test]
fn a_built_bidirectional_lstm_runs_as_the_typed_one_with_its_weights() {
    let o = options(3, 4)
        .with("num_layers", 2)
        .with("bidirectional", true);
    let built = build_layer("LSTM", &o).unwrap();
    assert_eq!(built.extra_repr(), "3, 4, num_layers=2, bidirectional=True");
    let typed = TypedLSTM::<U3, U4, U2, Bi>::new().unwrap();
    copy_weights(&typed, built.as_ref());
    let x = Tensor::<(Dyn, Dyn, U3)>::randn((Dyn(5), Dyn(2), U3::default())).unwrap();
    let (output, (h_n, c_n)) = typed.forward(x.clone());
    let _: &Tensor<(Dyn, Dyn, U8)> = &output;
    same(&built.forward_dyn(x.as_dyn()).unwrap(), output.as_dyn());
    let all = built.forward_dyn_tuple(&[x.as_dyn()]).unwrap();
    assert_eq!(all.len(), 3);
    same(&all[0], output.as_dyn());
    same(&all[1], &h_n);
    same(&all[2], &c_n);
    // Carrying the state on: the runtime layer's forward with (h_0, c_0).
    let next = built
        .forward_dyn_tuple(&[x.as_dyn(), &all[1], &all[2]])
        .unwrap();
    let (out, (h, c)) = typed
        .layer()
        .forward(x.as_dyn(), Some((&h_n, &c_n)))
        .unwrap();
    same(&next[0], &out);
    same(&next[1], &h);
    same(&next[2], &c);
    assert_ne!(
        next[0].to_vec(),
        all[0].to_vec(),
        "the state changes the output"
    );
}

#[test]
fn a_built_gru_and_rnn_take_h_0_and_return_output_and_h_n() {
    let built = build_layer("GRU", &options(4, 5).with("batch_first", true)).unwrap();
    let typed = TypedGRU::<U4, U5>::new().unwrap().batch_first(true);
    copy_weights(&typed, built.as_ref());
    let x = DynTensor::randn(&[2, 6, 4]).unwrap();
    let h0 = DynTensor::randn(&[1, 2, 5]).unwrap();
    let all = built.forward_dyn_tuple(&[&x, &h0]).unwrap();
    let (out, h_n) = typed.layer().forward(&x, Some(&h0)).unwrap();
    assert_eq!(all.len(), 2);
    same(&all[0], &out);
    same(&all[1], &h_n);

    let o = options(4, 5).with("nonlinearity", "relu");
    let built = build_layer("RNN", &o).unwrap();
    assert_eq!(built.type_name(), "RNN");
    let runtime = RNN::from_spec(RecurrentSpec::new(Mode::RnnRelu, 4, 5)).unwrap();
    copy_weights(&runtime, built.as_ref());
    let x = DynTensor::randn(&[3, 2, 4]).unwrap();
    same(
        &built.forward_dyn(&x).unwrap(),
        &runtime.forward(&x, None).unwrap().0,
    );
}

#[test]
fn built_cells_step_as_the_cells_do() {
    let x = DynTensor::randn(&[3, 4]).unwrap();
    let h = DynTensor::randn(&[3, 5]).unwrap();
    let c = DynTensor::randn(&[3, 5]).unwrap();

    let built = build_layer("LSTMCell", &options(4, 5)).unwrap();
    let cell = LSTMCell::new(4, 5);
    copy_weights(&cell, built.as_ref());
    let (h1, c1) = cell.forward(&x, Some((&h, &c))).unwrap();
    let all = built.forward_dyn_tuple(&[&x, &h, &c]).unwrap();
    same(&all[0], &h1);
    same(&all[1], &c1);
    same(
        &built.forward_dyn(&x).unwrap(),
        &cell.forward(&x, None).unwrap().0,
    );

    let built = build_layer("GRUCell", &options(4, 5).with("bias", false)).unwrap();
    let cell = GRUCell::with_bias(4, 5, false);
    copy_weights(&cell, built.as_ref());
    same(
        &built.forward_dyn_tuple(&[&x, &h]).unwrap()[0],
        &cell.forward(&x, Some(&h)).unwrap(),
    );

    let o = options(4, 5).with("nonlinearity", "relu");
    let built = build_layer("RNNCell", &o).unwrap();
    assert_eq!(built.extra_repr(), "4, 5, nonlinearity=relu");
    let cell = RNNCell::new(4, 5).relu();
    copy_weights(&cell, built.as_ref());
    let y = built.forward_dyn(&x).unwrap();
    same(&y, &cell.forward(&x, None).unwrap());
    assert!(y.to_vec().iter().all(|v| *v >= 0.0), "relu");
}

#[test]
fn a_built_lstm_sits_in_a_dyn_sequential_as_output_only_does_in_a_chain() {
    let mut net = DynSequential::new();
    let o = options(3, 4).with("bidirectional", true);
    net.push(build_layer("LSTM", &o).unwrap());
    let fc = LayerOptions::new()
        .with("in_features", 8)
        .with("out_features", 2);
    net.push(build_layer("Linear", &fc).unwrap());
    let chain = crate::nn::Sequential::new((
        OutputOnly(TypedLSTM::<U3, U4, U1, Bi>::new().unwrap()),
        (Linear::<U8, U2>::new(), ()),
    ));
    copy_weights(&chain, &net);
    let x = Tensor::<(Dyn, Dyn, U3)>::randn((Dyn(4), Dyn(2), U3::default())).unwrap();
    let y = net.forward_dyn(x.as_dyn()).unwrap();
    same(&y, chain.forward(x).as_dyn());
    assert_eq!(y.shape(), &[4, 2, 2]);
}

#[test]
fn a_built_layer_names_what_its_forward_takes() {
    let lstm = build_layer("LSTM", &options(3, 4)).unwrap();
    let x = DynTensor::zeros(&[5, 2, 3]).unwrap();
    let h = DynTensor::zeros(&[1, 2, 4]).unwrap();
    assert_eq!(
        lstm.forward_dyn_tuple(&[&x, &h]).unwrap_err().to_string(),
        "LSTM: invalid inputs: the forward takes (input) or (input, h_0, c_0), but got 2 tensors"
    );
    let gru = build_layer("GRUCell", &options(3, 4)).unwrap();
    assert_eq!(
        gru.forward_dyn_tuple(&[]).unwrap_err().to_string(),
        "GRUCell: invalid inputs: the forward takes (input) or (input, h_0), but got 0 tensors"
    );
    // A size that does not fit is the layer's error, as for the static layer.
    let wrong = DynTensor::zeros(&[5, 2, 7]).unwrap();
    assert_eq!(
        lstm.forward_dyn(&wrong).unwrap_err().to_string(),
        "LSTM: invalid input: input.size(-1) must be equal to input_size. Expected 3, got 7"
    );
    // Options PyTorch refuses are refused when the layer is built.
    let err = build_layer("GRU", &options(3, 4).with("dropout", 1.5)).err();
    assert_eq!(
        err.unwrap().to_string(),
        "GRU: invalid dropout: dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
    );
}
