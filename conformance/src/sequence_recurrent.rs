//! The recurrent layers and cells (`rnn`, `lstm`, `gru`, `rnn_cell`,
//! `lstm_cell`, `gru_cell`) of the `sequence` family: each runs through the
//! same forward functions the layers run (`recurrent_forward`,
//! `recurrent_forward_packed`, `cell_forward`), in f64 on the case's
//! parameters taken in PyTorch's order.

use super::Outcome;
use super::case::Case;
use super::harness::{Tensors, evaluate_outputs};
use super::module::training;
use super::options::layer_options;
use super::sequence::float_tensors;
use crate::nn::spec::{LayerSpec, parse};
use crate::nn::{
    CellSpec, GRUCellSpec, GRUSpec, Hidden, LSTMCellSpec, LSTMSpec, RNNCellSpec, RNNSpec,
    RecurrentSpec, cell_forward, pack_padded_sequence, pad_packed_sequence, recurrent_forward,
    recurrent_forward_packed,
};
use crate::{DynTensor, Error, Result};

/// Performs one case.
pub(crate) fn run(case: &Case) -> Outcome {
    let tensors = match float_tensors(case) {
        Ok(t) => t,
        Err(e) => return Outcome::Fail(format!("bad case: {e}")),
    };
    let lengths = match case.has_input("lengths") {
        false => None,
        true => match case.input("lengths") {
            Ok(l) => Some(l.data.iter().map(|&n| n as usize).collect::<Vec<_>>()),
            Err(e) => return Outcome::Fail(format!("bad case: {e}")),
        },
    };
    let training = training(case);
    evaluate_outputs(case, tensors, |t| {
        // Parsed inside: a constructor error (an unknown nonlinearity,
        // proj_size >= hidden_size) is the case's expected outcome.
        match case.op.as_str() {
            "rnn" => layer(
                &spec_of::<RNNSpec>(case)?.0,
                t,
                lengths.as_deref(),
                training,
            ),
            "lstm" => layer(
                &spec_of::<LSTMSpec>(case)?.0,
                t,
                lengths.as_deref(),
                training,
            ),
            "gru" => layer(
                &spec_of::<GRUSpec>(case)?.0,
                t,
                lengths.as_deref(),
                training,
            ),
            "rnn_cell" => cell(&spec_of::<RNNCellSpec>(case)?.0, t),
            "lstm_cell" => cell(&spec_of::<LSTMCellSpec>(case)?.0, t),
            "gru_cell" => cell(&spec_of::<GRUCellSpec>(case)?.0, t),
            other => Err(Error::option(
                "sequence",
                "op",
                format!("unknown op {other}"),
            )),
        }
    })
}

/// The spec from the case's constructor options, validated as PyTorch's
/// constructor validates.
fn spec_of<S: LayerSpec>(case: &Case) -> Result<S> {
    let options =
        layer_options(case.raw.get("options")).map_err(|e| Error::option(S::NAME, "options", e))?;
    parse(&options)
}

/// The case's parameters in PyTorch's order (`parameter_shapes`).
fn params_in_order(names: impl IntoIterator<Item = String>, t: &Tensors) -> Vec<&DynTensor<f64>> {
    names.into_iter().map(|name| t.get(&name)).collect()
}

/// `output, h_n` (and `c_n`) of a multi-layer RNN / LSTM / GRU, packed
/// (`pack_padded_sequence(..., enforce_sorted=False)`, compared after
/// `pad_packed_sequence`) when the case has `lengths`.
fn layer(
    spec: &RecurrentSpec,
    t: &Tensors,
    lengths: Option<&[usize]>,
    training: bool,
) -> Result<Vec<(String, DynTensor<f64>)>> {
    let params = params_in_order(spec.parameter_shapes().into_iter().map(|(n, _)| n), t);
    let hx = initial_state(t);
    let input = t.get("input");
    let (output, h_n) = match lengths {
        None => recurrent_forward(spec, &params, input, hx.as_ref(), training)?,
        Some(lengths) => {
            let packed = pack_padded_sequence(input, lengths, spec.batch_first, false)?;
            let (out, h_n) =
                recurrent_forward_packed(spec, &params, &packed, hx.as_ref(), training)?;
            (
                pad_packed_sequence(&out, spec.batch_first, 0.0, None)?.0,
                h_n,
            )
        }
    };
    let mut outputs = vec![("output".to_string(), output), ("h_n".to_string(), h_n.h)];
    outputs.extend(h_n.c.map(|c| ("c_n".to_string(), c)));
    Ok(outputs)
}

/// `hx`, or LSTM's `(h0, c0)`, when the case gives one.
fn initial_state(t: &Tensors) -> Option<Hidden<f64>> {
    match (t.opt("hx"), t.opt("h0"), t.opt("c0")) {
        (Some(h), _, _) => Some(Hidden {
            h: h.clone(),
            c: None,
        }),
        (None, Some(h), c) => Some(Hidden {
            h: h.clone(),
            c: c.cloned(),
        }),
        _ => None,
    }
}

/// `h` (and LSTMCell's `c`) of one cell step.
fn cell(spec: &CellSpec, t: &Tensors) -> Result<Vec<(String, DynTensor<f64>)>> {
    let params = params_in_order(spec.parameter_shapes().into_iter().map(|(n, _)| n), t);
    let hx = match (t.opt("hx"), t.opt("h0")) {
        (Some(h), _) => Some((h, None)),
        (None, Some(h)) => Some((h, t.opt("c0"))),
        _ => None,
    };
    let (h, c) = cell_forward(spec, &params, t.get("input"), hx)?;
    let mut outputs = vec![("h".to_string(), h)];
    outputs.extend(c.map(|c| ("c".to_string(), c)));
    Ok(outputs)
}
