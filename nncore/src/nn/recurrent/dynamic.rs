//! The recurrent layers and cells at run time: built from PyTorch's class
//! name and options ([`build_layer`](crate::nn::dynamic::build_layer)),
//! and run through [`DynForward`] like any runtime-built layer.
//!
//! The convention is `OutputOnly`'s (`lstm(x)[0]` in a chain):
//! [`forward_dyn`](DynForward::forward_dyn) returns the first tensor of
//! PyTorch's result (a layer's `output`, a cell's `h'`), so a recurrent
//! layer sits in a `DynSequential` as it does in `sequential!`;
//! [`forward_dyn_tuple`](DynForward::forward_dyn_tuple) takes the initial
//! state and returns the whole tuple, flattened: `[output, h_n]`
//! (`[output, h_n, c_n]` for an LSTM), `[h']` for an RNN or GRU cell,
//! `[h', c']` for an LSTM cell.

use super::cells::{GRUCell, LSTMCell, RNNCell};
use super::layers::{GRU, LSTM, RNN};
use super::spec::{GRUCellSpec, GRUSpec, LSTMCellSpec, LSTMSpec, Mode, RNNCellSpec, RNNSpec};
use crate::nn::spec::BuildsModule;
use crate::nn::{DynForward, DynModule};
use crate::{DynTensor, Error, Result};

/// The inputs of a forward whose state is `h` alone: `[input]` or
/// `[input, h_0]`.
fn input_and_h<'a>(
    name: &'static str,
    inputs: &[&'a DynTensor],
) -> Result<(&'a DynTensor, Option<&'a DynTensor>)> {
    match *inputs {
        [x] => Ok((x, None)),
        [x, h] => Ok((x, Some(h))),
        _ => Err(wrong_inputs(name, "(input) or (input, h_0)", inputs.len())),
    }
}

/// The inputs of an LSTM's forward: `[input]` or `[input, h_0, c_0]`
/// (PyTorch takes the state as a pair, both or neither).
fn input_and_hc<'a>(
    name: &'static str,
    inputs: &[&'a DynTensor],
) -> Result<(&'a DynTensor, Option<(&'a DynTensor, &'a DynTensor)>)> {
    match *inputs {
        [x] => Ok((x, None)),
        [x, h, c] => Ok((x, Some((h, c)))),
        _ => Err(wrong_inputs(
            name,
            "(input) or (input, h_0, c_0)",
            inputs.len(),
        )),
    }
}

fn wrong_inputs(name: &'static str, takes: &str, got: usize) -> Error {
    Error::option(
        name,
        "inputs",
        format!("the forward takes {takes}, but got {got} tensors"),
    )
}

/// `DynForward` of a layer or cell: `$inputs` splits the input list into
/// the input and the initial state, and `$run(layer, input, state)` gives
/// PyTorch's result as a list of tensors; `forward_dyn` keeps the first.
macro_rules! dyn_forward {
    ($name:ident, $inputs:ident, |$layer:ident, $x:ident, $hx:ident| $run:expr) => {
        impl DynForward for $name {
            fn forward_dyn(&self, input: &DynTensor) -> Result<DynTensor> {
                let mut all = self.forward_dyn_tuple(&[input])?;
                Ok(all.swap_remove(0))
            }
            fn forward_dyn_tuple(&self, inputs: &[&DynTensor]) -> Result<Vec<DynTensor>> {
                let ($x, $hx) = $inputs(stringify!($name), inputs)?;
                let $layer = self;
                $run
            }
        }
    };
}

dyn_forward!(RNN, input_and_h, |layer, x, h| {
    let (out, h_n) = layer.forward(x, h)?;
    Ok(vec![out, h_n])
});
dyn_forward!(GRU, input_and_h, |layer, x, h| {
    let (out, h_n) = layer.forward(x, h)?;
    Ok(vec![out, h_n])
});
dyn_forward!(LSTM, input_and_hc, |layer, x, hc| {
    let (out, (h_n, c_n)) = layer.forward(x, hc)?;
    Ok(vec![out, h_n, c_n])
});
dyn_forward!(RNNCell, input_and_h, |cell, x, h| Ok(vec![
    cell.forward(x, h)?
]));
dyn_forward!(GRUCell, input_and_h, |cell, x, h| Ok(vec![
    cell.forward(x, h)?
]));
dyn_forward!(LSTMCell, input_and_hc, |cell, x, hc| {
    let (h, c) = cell.forward(x, hc)?;
    Ok(vec![h, c])
});

/// `BuildsModule` of a spec: `$build(spec)` makes the layer.
macro_rules! builds {
    ($spec:ident, |$s:ident| $build:expr) => {
        impl BuildsModule for $spec {
            fn build_module(&self) -> Result<Box<dyn DynModule>> {
                let $s = self.0;
                Ok(Box::new($build))
            }
        }
    };
}

builds!(RNNSpec, |s| RNN::from_spec(s)?);
builds!(LSTMSpec, |s| LSTM::from_spec(s)?);
builds!(GRUSpec, |s| GRU::from_spec(s)?);
builds!(RNNCellSpec, |s| {
    let cell = RNNCell::with_bias(s.input_size, s.hidden_size, s.bias);
    if s.mode == Mode::RnnRelu {
        cell.relu()
    } else {
        cell
    }
});
builds!(LSTMCellSpec, |s| LSTMCell::with_bias(
    s.input_size,
    s.hidden_size,
    s.bias
));
builds!(GRUCellSpec, |s| GRUCell::with_bias(
    s.input_size,
    s.hidden_size,
    s.bias
));
