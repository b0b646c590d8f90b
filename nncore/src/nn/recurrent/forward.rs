//! The forwards PyTorch's `RNN`/`LSTM`/`GRU` and cells run: the input and
//! state checks with PyTorch's messages, unbatched and `batch_first`
//! inputs, packed sequences. Generic over the element type: the layers
//! call them in f32, the conformance runner in f64.

use super::packed::{PackedSequence, pad_packed_sequence};
use super::run::{Hidden, group_weights, run_layers};
use super::spec::{CellSpec, Mode, RecurrentSpec};
use super::step::{State, Weights, step};
use crate::nn::spec::py_tuple;
use crate::{DynTensor, Element, Error, Result};

fn runtime_error(name: &'static str, what: &'static str, message: String) -> Error {
    Error::option(name, what, message)
}

/// The shape check PyTorch's `check_hidden_size` makes.
fn check_hidden(
    spec: &RecurrentSpec,
    t: &DynTensor<impl Element>,
    expected: [usize; 3],
    message: &str,
) -> Result<()> {
    if t.shape() != expected {
        return Err(runtime_error(
            spec.name(),
            "hx",
            format!("{message} {}, got {:?}", py_tuple(&expected), t.shape()),
        ));
    }
    Ok(())
}

/// PyTorch's `check_forward_args` on a batched input `x` (`[steps, batch,
/// features]` time-major, or the 2-D data of a packed batch) and `hx`.
fn check_forward_args<E: Element>(
    spec: &RecurrentSpec,
    x: &DynTensor<E>,
    batch: usize,
    hx: Option<&Hidden<E>>,
) -> Result<()> {
    let features = x.shape().last().copied().unwrap_or(0);
    if features != spec.input_size {
        return Err(runtime_error(
            spec.name(),
            "input",
            format!(
                "input.size(-1) must be equal to input_size. Expected {}, got {features}",
                spec.input_size
            ),
        ));
    }
    let Some(hx) = hx else {
        return Ok(());
    };
    let layers = spec.num_layers * spec.directions();
    let h_expected = [layers, batch, spec.real_hidden_size()];
    match &hx.c {
        None => check_hidden(spec, &hx.h, h_expected, "Expected hidden size"),
        Some(c) => {
            check_hidden(spec, &hx.h, h_expected, "Expected hidden[0] size")?;
            check_hidden(
                spec,
                c,
                [layers, batch, spec.hidden_size],
                "Expected hidden[1] size",
            )
        }
    }
}

/// PyTorch's check that an LSTM gets `(h_0, c_0)` and the others `h_0` alone.
fn check_state_kind<E: Element>(spec: &RecurrentSpec, hx: Option<&Hidden<E>>) -> Result<()> {
    match (spec.mode == Mode::Lstm, hx.map(|h| h.c.is_some())) {
        (true, Some(false)) => Err(runtime_error(
            spec.name(),
            "hx",
            "an LSTM's initial state is the pair (h_0, c_0)".into(),
        )),
        (false, Some(true)) => Err(runtime_error(
            spec.name(),
            "hx",
            format!("{}'s initial state is h_0 alone, not a pair", spec.name()),
        )),
        _ => Ok(()),
    }
}

/// Adds (`unsqueeze`) or removes (`squeeze`) the batch dimension 1 of `h`/`c`.
fn map_hidden<E: Element>(
    hx: &Hidden<E>,
    f: impl Fn(&DynTensor<E>) -> Result<DynTensor<E>>,
) -> Result<Hidden<E>> {
    Ok(Hidden {
        h: f(&hx.h)?,
        c: hx.c.as_ref().map(&f).transpose()?,
    })
}

fn insert_dim<E: Element>(t: &DynTensor<E>, dim: usize) -> Result<DynTensor<E>> {
    let mut shape: Vec<isize> = t.shape().iter().map(|&d| d as isize).collect();
    shape.insert(dim, 1);
    t.reshape(&shape)
}

fn remove_dim<E: Element>(t: &DynTensor<E>, dim: usize) -> Result<DynTensor<E>> {
    let mut shape: Vec<isize> = t.shape().iter().map(|&d| d as isize).collect();
    shape.remove(dim);
    t.reshape(&shape)
}

/// `RNN`/`LSTM`/`GRU.forward(input, hx)` on a padded input: `input` is
/// `[steps, batch, input_size]` (`[batch, steps, input_size]` with
/// `batch_first`) or unbatched `[steps, input_size]`; `hx` is `h_0` (and
/// `c_0` for an LSTM), `[num_layers * directions, batch, size]` or
/// unbatched `[num_layers * directions, size]`, zeros when absent.
/// `params` are the layer's parameters in PyTorch's order
/// ([`RecurrentSpec::parameter_shapes`]). Returns `output` and `h_n`
/// (`c_n`), unbatched when the input was.
pub fn recurrent_forward<E: Element>(
    spec: &RecurrentSpec,
    params: &[&DynTensor<E>],
    input: &DynTensor<E>,
    hx: Option<&Hidden<E>>,
    training: bool,
) -> Result<(DynTensor<E>, Hidden<E>)> {
    let name = spec.name();
    let rank = input.rank();
    if rank != 2 && rank != 3 {
        let tensor = if spec.mode == Mode::Lstm || spec.mode == Mode::Gru {
            ""
        } else {
            " tensor"
        };
        return Err(runtime_error(
            name,
            "input",
            format!("{name}: Expected input to be 2D or 3D, got {rank}D{tensor} instead"),
        ));
    }
    check_state_kind(spec, hx)?;
    let batched = rank == 3;
    if let Some(hx) = hx {
        let want = if batched { 3 } else { 2 };
        let dims = (hx.h.rank(), hx.c.as_ref().map(|c| c.rank()));
        let bad = dims.0 != want || dims.1.is_some_and(|d| d != want);
        if bad {
            let which = if batched {
                "batched 3-D"
            } else {
                "unbatched 2-D"
            };
            let message = match dims.1 {
                Some(c) => format!(
                    "For {which} input, hx and cx should also be {want}-D but got ({}-D, {c}-D) tensors",
                    dims.0
                ),
                None => format!(
                    "For {which} input, hx should also be {want}-D but got {}-D tensor",
                    dims.0
                ),
            };
            return Err(runtime_error(name, "hx", message));
        }
    }
    let unbatched_hx;
    let (x, hx) = if batched {
        let x = if spec.batch_first {
            input.transpose(0, 1)?
        } else {
            input.clone()
        };
        (x, hx)
    } else {
        unbatched_hx = hx
            .map(|h| map_hidden(h, |t| insert_dim(t, 1)))
            .transpose()?;
        (insert_dim(input, 1)?, unbatched_hx.as_ref())
    };
    let batch = x.shape()[1];
    check_forward_args(spec, &x, batch, hx)?;
    let weights = group_weights(spec, params)?;
    let (out, h_n) = run_layers(spec, &weights, &x, None, hx, training)?;
    if !batched {
        return Ok((
            remove_dim(&out, 1)?,
            map_hidden(&h_n, |t| remove_dim(t, 1))?,
        ));
    }
    let out = if spec.batch_first {
        out.transpose(0, 1)?
    } else {
        out
    };
    Ok((out, h_n))
}

/// `RNN`/`LSTM`/`GRU.forward(input, hx)` on a packed input: the output is
/// packed like the input; `h_n` (`c_n`) holds each sequence's state after
/// its own last step, in the original batch order, as PyTorch's.
pub fn recurrent_forward_packed<E: Element>(
    spec: &RecurrentSpec,
    params: &[&DynTensor<E>],
    input: &PackedSequence<E>,
    hx: Option<&Hidden<E>>,
    training: bool,
) -> Result<(PackedSequence<E>, Hidden<E>)> {
    check_state_kind(spec, hx)?;
    let batch = input.batch_sizes().first().copied().unwrap_or(0);
    check_forward_args(spec, input.data(), batch, hx)?;
    let weights = group_weights(spec, params)?;
    let (padded, lengths) = pad_packed_sequence(input, false, 0.0, None)?;
    let (out, h_n) = run_layers(spec, &weights, &padded, Some(&lengths), hx, training)?;
    let repacked = super::packed::pack_padded_sequence(
        &out,
        &lengths,
        false,
        input.sorted_indices().is_none(),
    )?;
    Ok((input.with_data(repacked.data().clone()), h_n))
}

/// `RNNCell`/`LSTMCell`/`GRUCell.forward(input, hx)`: `input` is `[batch,
/// input_size]` or unbatched `[input_size]`; `hx` is `h` (and `c` for an
/// LSTM cell), zeros when absent. `params` are `weight_ih`, `weight_hh`
/// and, with `bias`, `bias_ih`, `bias_hh`. Returns `h'` and (LSTM) `c'`.
pub fn cell_forward<E: Element>(
    spec: &CellSpec,
    params: &[&DynTensor<E>],
    input: &DynTensor<E>,
    hx: Option<(&DynTensor<E>, Option<&DynTensor<E>>)>,
) -> Result<(DynTensor<E>, Option<DynTensor<E>>)> {
    let name = spec.name();
    if input.rank() != 1 && input.rank() != 2 {
        return Err(runtime_error(
            name,
            "input",
            format!(
                "{name}: Expected input to be 1D or 2D, got {}D instead",
                input.rank()
            ),
        ));
    }
    if let Some((h, c)) = hx {
        let lstm = spec.mode == Mode::Lstm;
        if lstm != c.is_some() {
            return Err(runtime_error(
                name,
                "hx",
                if lstm {
                    "an LSTMCell's state is the pair (h, c)".into()
                } else {
                    format!("{name}'s state is h alone, not a pair")
                },
            ));
        }
        for (idx, t) in std::iter::once(h).chain(c).enumerate() {
            if t.rank() != 1 && t.rank() != 2 {
                let what = if lstm {
                    format!("hx[{idx}]")
                } else {
                    "hidden".into()
                };
                return Err(runtime_error(
                    name,
                    "hx",
                    format!(
                        "{name}: Expected {what} to be 1D or 2D, got {}D instead",
                        t.rank()
                    ),
                ));
            }
        }
    }
    let batched = input.rank() == 2;
    let x = if batched {
        input.clone()
    } else {
        insert_dim(input, 0)?
    };
    let (batch, features) = (x.shape()[0], x.shape()[1]);
    if features != spec.input_size {
        return Err(runtime_error(
            name,
            "input",
            format!(
                "input has inconsistent input_size: got {features} expected {}",
                spec.input_size
            ),
        ));
    }
    let lift = |t: &DynTensor<E>| {
        if batched {
            Ok(t.clone())
        } else {
            insert_dim(t, 0)
        }
    };
    let state = match hx {
        Some((h, c)) => State {
            h: lift(h)?,
            c: c.map(lift).transpose()?,
        },
        None => State {
            h: DynTensor::zeros(&[batch, spec.hidden_size])?,
            c: (spec.mode == Mode::Lstm)
                .then(|| DynTensor::zeros(&[batch, spec.hidden_size]))
                .transpose()?,
        },
    };
    for (i, t) in std::iter::once(&state.h).chain(&state.c).enumerate() {
        if t.shape()[0] != batch {
            return Err(runtime_error(
                name,
                "hx",
                format!(
                    "Input batch size {batch} doesn't match hidden{i} batch size {}",
                    t.shape()[0]
                ),
            ));
        }
        if t.shape()[1] != spec.hidden_size {
            return Err(runtime_error(
                name,
                "hx",
                format!(
                    "hidden{i} has inconsistent hidden_size: got {}, expected {}",
                    t.shape()[1],
                    spec.hidden_size
                ),
            ));
        }
    }
    let shapes = spec.parameter_shapes();
    if params.len() != shapes.len()
        || shapes
            .iter()
            .zip(params)
            .any(|((_, s), p)| p.shape() != s.as_slice())
    {
        return Err(Error::option(
            name,
            "parameters",
            format!("expected {:?}", shapes),
        ));
    }
    let w = Weights {
        w_ih: params[0],
        w_hh: params[1],
        b_ih: params.get(2).copied(),
        b_hh: params.get(3).copied(),
        w_hr: None,
    };
    let gi = w.project_input(&x)?;
    let new = step(spec.mode, spec.hidden_size, &w, &gi, &state)?;
    if batched {
        return Ok((new.h, new.c));
    }
    Ok((
        remove_dim(&new.h, 0)?,
        new.c.map(|c| remove_dim(&c, 0)).transpose()?,
    ))
}
