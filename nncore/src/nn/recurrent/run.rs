//! The multi-layer, optionally bidirectional recurrence over a padded,
//! time-major batch, generic over the element type (the layers run it in
//! f32, the conformance runner in f64).

use super::spec::{Mode, RecurrentSpec};
use super::step::{State, StepMask, Weights, masked, step};
use crate::ops::{cat, dropout, stack};
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

/// The per-step masks of a padded batch whose rows have `lengths`.
fn step_masks<E: Element>(lengths: &[usize], steps: usize) -> Result<Vec<StepMask<E>>> {
    let batch = lengths.len();
    (0..steps)
        .map(|t| {
            let keep: Vec<E> = lengths
                .iter()
                .map(|&l| E::of(if t < l { 1.0 } else { 0.0 }))
                .collect();
            let hold = keep.iter().map(|&k| E::of(1.0 - k.as_f64())).collect();
            Ok(StepMask {
                keep: DynTensor::from_vec(keep, &[batch, 1])?,
                hold: DynTensor::from_vec(hold, &[batch, 1])?,
            })
        })
        .collect()
}

/// Runs `spec`'s layers over `x` (`[steps, batch, input_size]`, checked by
/// the caller) from `h0` (checked; zeros when absent). With `lengths`, row
/// `b` runs only its first `lengths[b]` steps (a packed batch): its `h_n`
/// is its state after its last step and its later outputs are not
/// meaningful (packing drops them).
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
    let gates = spec.mode.gates() * hidden;
    let masks = lengths.map(|l| step_masks::<E>(l, steps)).transpose()?;
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
            let w = &weights[index];
            // The input's share of every step's gates: one product.
            let projected = w.project_input(&flat)?.reshape(&[
                steps as isize,
                batch as isize,
                gates as isize,
            ])?;
            let mut state = initial(index)?;
            let mut outputs: Vec<Option<DynTensor<E>>> = vec![None; steps];
            let order: Box<dyn Iterator<Item = usize>> = if direction == 0 {
                Box::new(0..steps)
            } else {
                Box::new((0..steps).rev())
            };
            for t in order {
                let gi = projected
                    .narrow(0, t, 1)?
                    .reshape(&[batch as isize, gates as isize])?;
                let new = step(spec.mode, hidden, w, &gi, &state)?;
                outputs[t] = Some(new.h.clone());
                state = masked(&state, new, masks.as_ref().map(|m| &m[t]))?;
            }
            let outputs: Vec<DynTensor<E>> = outputs.into_iter().flatten().collect();
            let refs: Vec<&DynTensor<E>> = outputs.iter().collect();
            directions.push(if refs.is_empty() {
                DynTensor::zeros(&[0, batch, real])?
            } else {
                stack(&refs, 0)?
            });
            h_n.push(state.h);
            c_n.extend(state.c);
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
    let stack_all = |v: &[DynTensor<E>]| stack(&v.iter().collect::<Vec<_>>(), 0);
    let hidden_out = Hidden {
        h: stack_all(&h_n)?,
        c: (!c_n.is_empty()).then(|| stack_all(&c_n)).transpose()?,
    };
    Ok((layer_input, hidden_out))
}
