//! The multi-layer, optionally bidirectional recurrence over a padded,
//! time-major batch, generic over the element type (the layers run it in
//! f32, the conformance runner in f64).

use super::fused::{Geometry, run_direction};
use super::spec::{Mode, RecurrentSpec};
use super::step::{State, Weights};
use crate::ops::{cat, dropout};
use crate::{DynTensor, Element, Error, Result};

/// `h` (and for an LSTM `c`), all layers and directions stacked:
/// `[num_layers * directions, batch, size]`, PyTorch's `h_n` / `(h_n, c_n)`.
#[derive(Clone)]
pub struct Hidden<E: Element = f32> {
    /// `h_n`: `[num_layers * directions, batch, proj_size or hidden_size]`.
    pub h: DynTensor<E>,
    /// `c_n` (LSTM only): `[num_layers * directions, batch, hidden_size]`.
    pub c: Option<DynTensor<E>>,
}

/// The parameters of every layer and direction, in PyTorch's order
/// ([`RecurrentSpec::parameter_shapes`]), grouped.
pub(crate) fn group_weights<'a, E: Element>(
    spec: &RecurrentSpec,
    params: &[&'a DynTensor<E>],
) -> Result<Vec<Weights<'a, E>>> {
    let shapes = spec.parameter_shapes();
    if params.len() != shapes.len() {
        return Err(Error::option(
            spec.name(),
            "parameters",
            format!("expected {} tensors, got {}", shapes.len(), params.len()),
        ));
    }
    for ((name, shape), p) in shapes.iter().zip(params) {
        if p.shape() != shape.as_slice() {
            return Err(Error::option(
                spec.name(),
                "parameters",
                format!("{name} must be {shape:?}, got {:?}", p.shape()),
            ));
        }
    }
    let mut it = params.iter().copied();
    let mut next = || it.next().expect("counted above");
    let groups = spec.num_layers * spec.directions();
    Ok((0..groups)
        .map(|_| {
            let (w_ih, w_hh) = (next(), next());
            let (b_ih, b_hh) = if spec.bias {
                (Some(next()), Some(next()))
            } else {
                (None, None)
            };
            let w_hr = (spec.proj_size > 0).then(&mut next);
            Weights {
                w_ih,
                w_hh,
                b_ih,
                b_hh,
                w_hr,
            }
        })
        .collect())
}

/// Runs `spec`'s layers over `x` (`[steps, batch, input_size]`, checked by
/// the caller) from `h0` (checked; zeros when absent). With `lengths`, row
/// `b` runs only its first `lengths[b]` steps (a packed batch): its `h_n`
/// is its state after its last step and its later outputs are not
/// meaningful (packing drops them).
#[nnmacro::__compiled_once]
pub(crate) fn run_layers<E: Element>(
    spec: &RecurrentSpec,
    weights: &[Weights<'_, E>],
    x: &DynTensor<E>,
    lengths: Option<&[usize]>,
    h0: Option<&Hidden<E>>,
    training: bool,
) -> Result<(DynTensor<E>, Hidden<E>)> {
    let &[steps, batch, _] = x.shape() else {
        unreachable!("the caller makes the input [steps, batch, features]");
    };
    let (hidden, real) = (spec.hidden_size, spec.real_hidden_size());
    let initial = |index: usize| -> Result<State<E>> {
        let pick = |t: &DynTensor<E>, size: usize| -> Result<DynTensor<E>> {
            t.narrow(0, index, 1)?
                .reshape(&[batch as isize, size as isize])
        };
        Ok(match h0 {
            Some(s) => State {
                h: pick(&s.h, real)?,
                c: s.c.as_ref().map(|c| pick(c, hidden)).transpose()?,
            },
            None => State {
                h: DynTensor::zeros(&[batch, real])?,
                c: (spec.mode == Mode::Lstm)
                    .then(|| DynTensor::zeros(&[batch, hidden]))
                    .transpose()?,
            },
        })
    };
    let mut layer_input = x.clone();
    let (mut h_n, mut c_n) = (Vec::new(), Vec::new());
    for layer in 0..spec.num_layers {
        let features = layer_input.shape()[2];
        let flat = layer_input.reshape(&[(steps * batch) as isize, features as isize])?;
        let mut directions = Vec::with_capacity(spec.directions());
        for direction in 0..spec.directions() {
            let index = layer * spec.directions() + direction;
            let state = initial(index)?;
            let geo = Geometry {
                mode: spec.mode,
                steps,
                batch,
                input: features,
                hidden,
                real,
                reverse: direction == 1,
            };
            // One op per layer and direction; its output holds the
            // outputs, then h_n, then c_n.
            let all = run_direction(
                geo,
                &weights[index],
                &flat,
                &state.h,
                state.c.as_ref(),
                lengths,
            )?;
            let part = |start: usize, shape: [usize; 3]| -> Result<DynTensor<E>> {
                let len = shape.iter().product();
                all.narrow(0, start, len)?
                    .reshape(&shape.map(|d| d as isize))
            };
            let rows = steps * batch * real;
            directions.push(part(0, [steps, batch, real])?);
            h_n.push(part(rows, [1, batch, real])?);
            if spec.mode == Mode::Lstm {
                c_n.push(part(rows + batch * real, [1, batch, hidden])?);
            }
        }
        layer_input = if directions.len() == 1 {
            directions.pop().expect("one direction")
        } else {
            cat(&[&directions[0], &directions[1]], 2)?
        };
        if training && spec.dropout > 0.0 && layer + 1 < spec.num_layers {
            layer_input = dropout(&layer_input, spec.dropout, true)?;
        }
    }
    // Each part is `[1, batch, size]`: one layer and direction needs no cat.
    let stack_all = |v: &[DynTensor<E>]| match v {
        [one] => Ok(one.clone()),
        _ => cat(&v.iter().collect::<Vec<_>>(), 0),
    };
    let hidden_out = Hidden {
        h: stack_all(&h_n)?,
        c: (!c_n.is_empty()).then(|| stack_all(&c_n)).transpose()?,
    };
    Ok((layer_input, hidden_out))
}
