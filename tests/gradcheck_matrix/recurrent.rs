//! The recurrent layers and packed sequences: each layer's own forward (in
//! f32, its own parameters) must agree with `recurrent_forward` /
//! `cell_forward` on the same numbers, which is then gradchecked in f64
//! with respect to the input, the initial state and every parameter,
//! through `output`, `h_n` and `c_n` at once (flattened and joined).

use super::{Matrix, Rng, leaf};
use kiln::nn::{
    CellSpec, GRU, GRUCell, Hidden, LSTM, LSTMCell, Mode, ModuleExt, RNN, RNNCell, RecurrentSpec,
    cell_forward, pack_padded_sequence, pack_sequence, pad_packed_sequence, recurrent_forward,
    recurrent_forward_packed,
};
use kiln::ops::cat;
use kiln::{DynTensor, Element, Result};

pub fn add(m: &mut Matrix, rng: &mut Rng) {
    let spec = |mode, i, h| RecurrentSpec::new(mode, i, h);
    layer(
        m,
        rng,
        "RNN",
        "tanh, 2 layers, bidirectional, h_0",
        spec(Mode::RnnTanh, 3, 2).num_layers(2).bidirectional(true),
        &[3, 2, 3],
        true,
        None,
    );
    layer(
        m,
        rng,
        "RNN",
        "relu, unbatched",
        spec(Mode::RnnRelu, 2, 3),
        &[4, 2],
        false,
        None,
    );
    layer(
        m,
        rng,
        "RNN",
        "relu, batch_first, packed",
        spec(Mode::RnnRelu, 2, 3).batch_first(true),
        &[3, 4, 2],
        false,
        Some(&[2, 4, 3]),
    );
    layer(
        m,
        rng,
        "LSTM",
        "2 layers, bidirectional, (h_0, c_0)",
        spec(Mode::Lstm, 2, 3).num_layers(2).bidirectional(true),
        &[3, 2, 2],
        true,
        None,
    );
    layer(
        m,
        rng,
        "LSTM",
        "proj_size, bidirectional, batch_first, no bias",
        spec(Mode::Lstm, 3, 3)
            .proj_size(2)
            .bidirectional(true)
            .batch_first(true)
            .bias(false),
        &[2, 3, 3],
        true,
        None,
    );
    layer(
        m,
        rng,
        "LSTM",
        "bidirectional, packed, (h_0, c_0)",
        spec(Mode::Lstm, 2, 2).bidirectional(true),
        &[4, 3, 2],
        true,
        Some(&[2, 4, 1]),
    );
    layer(
        m,
        rng,
        "GRU",
        "2 layers, batch_first, h_0",
        spec(Mode::Gru, 3, 2).num_layers(2).batch_first(true),
        &[2, 3, 3],
        true,
        None,
    );
    layer(
        m,
        rng,
        "GRU",
        "bidirectional, packed",
        spec(Mode::Gru, 2, 3).bidirectional(true),
        &[3, 3, 2],
        false,
        Some(&[3, 1, 2]),
    );
    cells(m, rng);
    packing(m, rng);
}

/// `t` flattened to one dimension.
fn flat<E: Element>(t: &DynTensor<E>) -> Result<DynTensor<E>> {
    t.reshape(&[-1])
}

/// `output`, `h_n` and `c_n` flattened and joined: one tensor to check.
fn joined<E: Element>(parts: &[&DynTensor<E>]) -> Result<DynTensor<E>> {
    let flats = parts.iter().map(|t| flat(t)).collect::<Result<Vec<_>>>()?;
    cat(&flats.iter().collect::<Vec<_>>(), 0)
}

fn to64(t: &DynTensor<f32>) -> DynTensor<f64> {
    leaf(t.to_vec().into_iter().map(f64::from).collect(), t.shape())
}

/// The f32 forward against the f64 functional form on the same numbers.
fn agree(
    ours: Result<DynTensor<f32>>,
    theirs: Result<DynTensor<f64>>,
) -> std::result::Result<(), String> {
    let (a, b) = match (ours, theirs) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) => return Err(format!("the layer's forward failed: {e}")),
        (_, Err(e)) => return Err(format!("the functional form failed: {e}")),
    };
    if a.shape() != b.shape() {
        return Err(format!("shapes {:?} and {:?}", a.shape(), b.shape()));
    }
    for (i, (&x, &y)) in a.to_vec().iter().zip(&b.to_vec()).enumerate() {
        if (f64::from(x) - y).abs() > 1e-5 + 1e-4 * y.abs() {
            return Err(format!("element {i}: layer {x}, functional form {y}"));
        }
    }
    Ok(())
}

/// One layer case. `state`: pass `h_0` (and `c_0`); `lengths`: run it packed
/// (`enforce_sorted=False`) and compare the padded output.
#[allow(clippy::too_many_arguments)]
fn layer(
    m: &mut Matrix,
    rng: &mut Rng,
    name: &str,
    label: &str,
    spec: RecurrentSpec,
    x_shape: &[usize],
    state: bool,
    lengths: Option<&[usize]>,
) {
    let batched = x_shape.len() == 3;
    let batch = if !batched {
        None
    } else if spec.batch_first {
        Some(x_shape[0])
    } else {
        Some(x_shape[1])
    };
    let layers = spec.num_layers * spec.directions();
    let state_shape = |size: usize| match batch {
        Some(b) => vec![layers, b, size],
        None => vec![layers, size],
    };
    let x = rng.constant(x_shape, -1.0, 1.0);
    let h0 = rng.constant(&state_shape(spec.real_hidden_size()), -1.0, 1.0);
    let c0 = rng.constant(&state_shape(spec.hidden_size), -1.0, 1.0);
    let lstm = spec.mode == Mode::Lstm;
    let f32_of = |t: &DynTensor<f64>| {
        DynTensor::<f32>::from_vec(t.to_vec().iter().map(|&v| v as f32).collect(), t.shape())
            .unwrap()
    };
    let (x32, h32, c32) = (f32_of(&x), f32_of(&h0), f32_of(&c0));
    let lengths_owned: Option<Vec<usize>> = lengths.map(<[usize]>::to_vec);
    // The layer's own forward, in f32.
    let (ours, params) = {
        let pack =
            |x: &DynTensor<f32>| pack_padded_sequence(x, lengths.unwrap(), spec.batch_first, false);
        let unpack = |p| pad_packed_sequence(&p, spec.batch_first, 0.0, None).map(|(t, _)| t);
        let h = state.then_some(&h32);
        match spec.mode {
            Mode::Lstm => {
                let l = LSTM::from_spec(spec).unwrap();
                let hx = state.then_some((&h32, &c32));
                let out = match lengths {
                    None => l
                        .forward(&x32, hx)
                        .and_then(|(o, (h, c))| joined(&[&o, &h, &c])),
                    Some(_) => pack(&x32)
                        .and_then(|p| l.forward_packed(&p, hx))
                        .and_then(|(o, (h, c))| joined(&[&unpack(o)?, &h, &c])),
                };
                (out, l.parameters())
            }
            Mode::Gru => {
                let l = GRU::from_spec(spec).unwrap();
                let out = match lengths {
                    None => l.forward(&x32, h).and_then(|(o, h)| joined(&[&o, &h])),
                    Some(_) => pack(&x32)
                        .and_then(|p| l.forward_packed(&p, h))
                        .and_then(|(o, h)| joined(&[&unpack(o)?, &h])),
                };
                (out, l.parameters())
            }
            Mode::RnnTanh | Mode::RnnRelu => {
                let l = RNN::from_spec(spec).unwrap();
                let out = match lengths {
                    None => l.forward(&x32, h).and_then(|(o, h)| joined(&[&o, &h])),
                    Some(_) => pack(&x32)
                        .and_then(|p| l.forward_packed(&p, h))
                        .and_then(|(o, h)| joined(&[&unpack(o)?, &h])),
                };
                (out, l.parameters())
            }
        }
    };
    let mut inputs = vec![to64(&x32)];
    if state {
        inputs.push(to64(&h32));
        if lstm {
            inputs.push(to64(&c32));
        }
    }
    let n_state = inputs.len() - 1;
    inputs.extend(params.iter().map(|p| to64(p.tensor())));
    let functional = move |t: &[DynTensor<f64>]| -> Result<DynTensor<f64>> {
        let hx = (n_state > 0).then(|| Hidden {
            h: t[1].clone(),
            c: (n_state == 2).then(|| t[2].clone()),
        });
        let params: Vec<&DynTensor<f64>> = t[1 + n_state..].iter().collect();
        let (out, h) = match &lengths_owned {
            None => recurrent_forward(&spec, &params, &t[0], hx.as_ref(), false)?,
            Some(l) => {
                let packed = pack_padded_sequence(&t[0], l, spec.batch_first, false)?;
                let (out, h) =
                    recurrent_forward_packed(&spec, &params, &packed, hx.as_ref(), false)?;
                (pad_packed_sequence(&out, spec.batch_first, 0.0, None)?.0, h)
            }
        };
        match &h.c {
            Some(c) => joined(&[&out, &h.h, c]),
            None => joined(&[&out, &h.h]),
        }
    };
    let precheck = agree(ours, functional(&inputs));
    m.cases.push(super::Case {
        subject: format!("nn::{name}"),
        label: label.to_string(),
        inputs,
        f: Box::new(functional),
        precheck,
    });
}

/// One cell case: `x_shape` `[batch, input]` or unbatched `[input]`.
fn cell(
    m: &mut Matrix,
    rng: &mut Rng,
    name: &str,
    label: &str,
    spec: CellSpec,
    x_shape: &[usize],
    state: bool,
) {
    let mut state_shape = x_shape.to_vec();
    *state_shape.last_mut().unwrap() = spec.hidden_size;
    let x = rng.leaf(x_shape);
    let h = rng.leaf(&state_shape);
    let c = rng.leaf(&state_shape);
    let f32_of = |t: &DynTensor<f64>| {
        DynTensor::<f32>::from_vec(t.to_vec().iter().map(|&v| v as f32).collect(), t.shape())
            .unwrap()
    };
    let (x32, h32, c32) = (f32_of(&x), f32_of(&h), f32_of(&c));
    let lstm = spec.mode == Mode::Lstm;
    let (ours, params) = match spec.mode {
        Mode::Lstm => {
            let l = LSTMCell::with_bias(spec.input_size, spec.hidden_size, spec.bias);
            let out = l
                .forward(&x32, state.then_some((&h32, &c32)))
                .and_then(|(h, c)| joined(&[&h, &c]));
            (out, l.parameters())
        }
        Mode::Gru => {
            let l = GRUCell::with_bias(spec.input_size, spec.hidden_size, spec.bias);
            (l.forward(&x32, state.then_some(&h32)), l.parameters())
        }
        Mode::RnnTanh | Mode::RnnRelu => {
            let mut l = RNNCell::with_bias(spec.input_size, spec.hidden_size, spec.bias);
            if spec.mode == Mode::RnnRelu {
                l = l.relu();
            }
            (l.forward(&x32, state.then_some(&h32)), l.parameters())
        }
    };
    let mut inputs = vec![to64(&x32)];
    if state {
        inputs.push(to64(&h32));
        if lstm {
            inputs.push(to64(&c32));
        }
    }
    let n_state = inputs.len() - 1;
    inputs.extend(params.iter().map(|p| to64(p.tensor())));
    let functional = move |t: &[DynTensor<f64>]| -> Result<DynTensor<f64>> {
        let hx = (n_state > 0).then(|| (&t[1], (n_state == 2).then(|| &t[2])));
        let params: Vec<&DynTensor<f64>> = t[1 + n_state..].iter().collect();
        match cell_forward(&spec, &params, &t[0], hx)? {
            (h, Some(c)) => joined(&[&h, &c]),
            (h, None) => Ok(h),
        }
    };
    let precheck = agree(ours, functional(&inputs));
    m.cases.push(super::Case {
        subject: format!("nn::{name}"),
        label: label.to_string(),
        inputs,
        f: Box::new(functional),
        precheck,
    });
}

fn cells(m: &mut Matrix, rng: &mut Rng) {
    let spec = |mode, bias| CellSpec {
        mode,
        input_size: 3,
        hidden_size: 2,
        bias,
    };
    cell(
        m,
        rng,
        "RNNCell",
        "tanh, h",
        spec(Mode::RnnTanh, true),
        &[2, 3],
        true,
    );
    cell(
        m,
        rng,
        "RNNCell",
        "relu, unbatched, no bias",
        spec(Mode::RnnRelu, false),
        &[3],
        false,
    );
    cell(
        m,
        rng,
        "LSTMCell",
        "(h, c)",
        spec(Mode::Lstm, true),
        &[2, 3],
        true,
    );
    cell(
        m,
        rng,
        "LSTMCell",
        "unbatched, no state, no bias",
        spec(Mode::Lstm, false),
        &[3],
        false,
    );
    cell(m, rng, "GRUCell", "h", spec(Mode::Gru, true), &[3, 3], true);
    cell(
        m,
        rng,
        "GRUCell",
        "unbatched, no bias",
        spec(Mode::Gru, false),
        &[3],
        true,
    );
}

/// Packing and unpacking are gathers: their gradient scatters back.
fn packing(m: &mut Matrix, rng: &mut Rng) {
    m.case(
        "nn::PackedSequence",
        "pack_padded_sequence, unsorted, batch_first",
        vec![rng.leaf(&[3, 4, 2])],
        |t| {
            Ok(pack_padded_sequence(&t[0], &[2, 4, 1], true, false)?
                .data()
                .clone())
        },
    );
    m.case(
        "nn::PackedSequence",
        "pack_sequence then pad_packed_sequence, sorted",
        vec![rng.leaf(&[3, 2]), rng.leaf(&[2, 2])],
        |t| {
            pad_packed_sequence(&pack_sequence(&[&t[0], &t[1]], true)?, false, 0.0, Some(4))
                .map(|(p, _)| p)
        },
    );
}
