//! The layers of `nncore::nn`. Models hold `f32` parameters, so a layer
//! is checked in two steps: its own forward (`forward_dyn`, in `f32`, with
//! its own parameters) must agree with the functional form that is then
//! gradchecked in `f64` on the same numbers (input and parameters) with
//! respect to the input and every parameter. A layer that stopped calling
//! the functional form it claims fails the first step.

use super::{Case, Matrix, Rng};
use kiln::nn::{
    AdaptiveAvgPool2d, AvgPool2d, AvgPool2dCeil, BatchNorm1d, BatchNorm2d, Conv1d, Conv2d,
    ConvTranspose2d, Dropout, Dropout2d, DynModule, DynUnflatten, ELU, Embedding, Flatten, GELU,
    Hardtanh, Identity, LayerNorm, LeakyReLU, Linear, LogSoftmax, MaxPool2d, MaxPool2dCeil,
    ModuleExt, ReLU, ReLU6, SiLU, Sigmoid, Softmax, Softplus, Tanh, Unflatten,
};
use kiln::ops::{
    BatchNormOptions, EmbeddingOptions, GeluApproximate, adaptive_avg_pool2d, avg_pool2d,
    batch_norm, conv_transpose2d, conv1d, conv2d, dropout, dropout2d, embedding, layer_norm,
    linear, max_pool2d,
};
use kiln::shape::{U0, U1, U2, U3, U4};
use kiln::{DynTensor, LongTensor, manual_seed};

/// Relative and absolute tolerance of the `f32` forward against the `f64`
/// functional form on the same numbers.
const FORWARD_RTOL: f64 = 1e-4;
const FORWARD_ATOL: f64 = 1e-5;

pub(super) type Functional = Box<dyn Fn(&[DynTensor<f64>]) -> kiln::Result<DynTensor<f64>>>;

/// `x` rounded to `f32` (the layer's input) and back (the functional's).
pub(super) fn to_f32(x: &[f64]) -> Vec<f32> {
    x.iter().map(|&v| v as f32).collect()
}

pub(super) fn leaf64(v: Vec<f32>, shape: &[usize]) -> DynTensor<f64> {
    let v = v.into_iter().map(f64::from).collect();
    DynTensor::from_vec(v, shape).unwrap().requires_grad_(true)
}

/// Compares two outputs; `Err` names the first element that differs.
fn agree(layer: &DynTensor<f32>, functional: &DynTensor<f64>) -> Result<(), String> {
    if layer.shape() != functional.shape() {
        return Err(format!(
            "the layer's output is {:?}, the functional form's {:?}",
            layer.shape(),
            functional.shape()
        ));
    }
    for (i, (&a, &b)) in layer.to_vec().iter().zip(&functional.to_vec()).enumerate() {
        if (f64::from(a) - b).abs() > FORWARD_ATOL + FORWARD_RTOL * b.abs() {
            return Err(format!("element {i}: layer {a}, functional form {b}"));
        }
    }
    Ok(())
}

/// A layer case whose forward takes a float input (`forward_dyn`); the
/// functional receives `[input, parameters...]` in `own_parameters()`
/// order (these layers have no children).
fn layer(
    m: &mut Matrix,
    name: &str,
    label: String,
    module: &dyn DynModule,
    x: Vec<f64>,
    shape: &[usize],
    functional: impl Fn(&[DynTensor<f64>]) -> kiln::Result<DynTensor<f64>> + 'static,
) {
    let x32 = to_f32(&x);
    let mut inputs = vec![leaf64(x32.clone(), shape)];
    let input32 = DynTensor::from_vec(x32, shape).unwrap();
    for (_, p) in module.own_parameters() {
        inputs.push(leaf64(p.tensor().to_vec(), p.tensor().shape()));
    }
    // The same seed before both forwards, for the dropout layers.
    manual_seed(5);
    let ours = module.forward_dyn(&input32);
    manual_seed(5);
    let theirs = functional(&inputs);
    push(m, name, label, inputs, Box::new(functional), ours, theirs);
}

pub(super) fn push(
    m: &mut Matrix,
    name: &str,
    label: String,
    inputs: Vec<DynTensor<f64>>,
    f: Functional,
    ours: kiln::Result<DynTensor<f32>>,
    theirs: kiln::Result<DynTensor<f64>>,
) {
    let precheck = match (ours, theirs) {
        (Ok(a), Ok(b)) => agree(&a, &b),
        (Err(e), _) => Err(format!("the layer's forward failed: {e}")),
        (_, Err(e)) => Err(format!("the functional form failed: {e}")),
    };
    m.cases.push(Case {
        subject: format!("nn::{name}"),
        label,
        inputs,
        f,
        precheck,
    });
}

pub fn add(m: &mut Matrix, rng: &mut Rng) {
    activations(m, rng);
    linear_and_conv(m, rng);
    pools_and_shapes(m, rng);
    normalisation_dropout_embedding(m, rng);
}

/// Three random input shapes of rank 2 to 4.
fn three_shapes(rng: &mut Rng) -> [Vec<usize>; 3] {
    [
        vec![rng.size(1, 3), rng.size(2, 4)],
        vec![rng.size(1, 2), rng.size(2, 3), rng.size(2, 3)],
        vec![
            rng.size(1, 2),
            rng.size(1, 2),
            rng.size(2, 3),
            rng.size(1, 3),
        ],
    ]
}

fn activations(m: &mut Matrix, rng: &mut Rng) {
    for s in three_shapes(rng) {
        let n = s.iter().product();
        let l = format!("{s:?}");
        layer(m, "ReLU", l.clone(), &ReLU::new(), rng.away(n), &s, |x| {
            Ok(x[0].relu())
        });
        layer(
            m,
            "ReLU6",
            l.clone(),
            &ReLU6::new(),
            rng.away(n).iter().map(|v| 3.0 + 4.5 * v).collect(),
            &s,
            |x| Ok(x[0].hardtanh(0.0, 6.0)),
        );
        layer(
            m,
            "Identity",
            l.clone(),
            &Identity::new(),
            rng.values(n, -1.0, 1.0),
            &s,
            |x| Ok(x[0].clone()),
        );
        layer(
            m,
            "SiLU",
            l.clone(),
            &SiLU::new(),
            rng.values(n, -2.0, 2.0),
            &s,
            |x| Ok(x[0].silu()),
        );
        layer(
            m,
            "Sigmoid",
            l.clone(),
            &Sigmoid::new(),
            rng.values(n, -2.0, 2.0),
            &s,
            |x| Ok(x[0].sigmoid()),
        );
        layer(
            m,
            "Tanh",
            l.clone(),
            &Tanh::new(),
            rng.values(n, -2.0, 2.0),
            &s,
            |x| Ok(x[0].tanh()),
        );
    }
    let [a, b, _] = three_shapes(rng);
    for (s, slope) in [(&a, 0.01), (&b, 0.3)] {
        let n = s.iter().product();
        layer(
            m,
            "LeakyReLU",
            format!("{s:?} slope {slope}"),
            &LeakyReLU::new(slope),
            rng.away(n),
            s,
            move |x| Ok(x[0].leaky_relu(slope)),
        );
    }
    for (s, alpha) in [(&a, 1.0), (&b, 0.4)] {
        let n = s.iter().product();
        layer(
            m,
            "ELU",
            format!("{s:?} alpha {alpha}"),
            &ELU::new(alpha),
            rng.away(n),
            s,
            move |x| Ok(x[0].elu(alpha)),
        );
    }
    for (s, gelu, approximate) in [
        (&a, GELU::new(), GeluApproximate::None),
        (&b, GELU::tanh(), GeluApproximate::Tanh),
    ] {
        let n = s.iter().product();
        layer(
            m,
            "GELU",
            format!("{s:?} {approximate:?}"),
            &gelu,
            rng.values(n, -3.0, 3.0),
            s,
            move |x| Ok(x[0].gelu(approximate)),
        );
    }
    for (s, beta, threshold) in [(&a, 1.0, 20.0), (&b, 2.0, 1.0)] {
        let n = s.iter().product();
        let l = format!("{s:?} beta {beta} threshold {threshold}");
        layer(
            m,
            "Softplus",
            l,
            &Softplus::new(beta, threshold),
            rng.away(n),
            s,
            move |x| Ok(x[0].softplus(beta, threshold)),
        );
    }
    for (s, lo, hi) in [(&a, -1.0, 1.0), (&b, -0.5, 0.3)] {
        let n = s.iter().product();
        let x = rng.away(n).iter().map(|v| v * 1.3).collect();
        layer(
            m,
            "Hardtanh",
            format!("{s:?} [{lo}, {hi}]"),
            &Hardtanh::new(lo, hi).unwrap(),
            x,
            s,
            move |x| Ok(x[0].hardtanh(lo, hi)),
        );
    }
    for (s, dim) in [(&a, 1isize), (&b, -1)] {
        let n = s.iter().product();
        layer(
            m,
            "Softmax",
            format!("{s:?} dim {dim}"),
            &Softmax::new(dim),
            rng.values(n, -2.0, 2.0),
            s,
            move |x| x[0].softmax(dim),
        );
        layer(
            m,
            "LogSoftmax",
            format!("{s:?} dim {dim}"),
            &LogSoftmax::new(dim),
            rng.values(n, -2.0, 2.0),
            s,
            move |x| x[0].log_softmax(dim),
        );
    }
}

fn linear_and_conv(m: &mut Matrix, rng: &mut Rng) {
    for (s, bias) in [
        (vec![rng.size(1, 3), 3], true),
        (vec![2, rng.size(1, 3), 3], false),
    ] {
        let n = s.iter().product();
        let lin = Linear::<U3, U4>::with_bias(bias);
        layer(
            m,
            "Linear",
            format!("{s:?} to 4, bias {bias}"),
            &lin,
            rng.values(n, -1.0, 1.0),
            &s,
            |x| linear(&x[0], &x[1], x.get(2)),
        );
    }
    let conv = Conv2d::<U2, U3, U3, U2, U1>::new();
    let grouped = Conv2d::<U2, U4, U2, U1, U0, U2, U2>::with_bias(false);
    let sets: [(&dyn DynModule, _); 2] = [(&conv, conv.options()), (&grouped, grouped.options())];
    for (module, options) in sets {
        let s = [rng.size(1, 2), 2, rng.size(5, 6), rng.size(5, 6)];
        let n = s.iter().product();
        layer(
            m,
            "Conv2d",
            format!("{options:?}: {s:?}"),
            module,
            rng.values(n, -1.0, 1.0),
            &s,
            move |x| conv2d(&x[0], &x[1], x.get(2), options),
        );
    }
    // stride 2 padding 1; and `same` padding at dilation 2 (padding 2).
    let strided = Conv1d::<U2, U3, U3, U2, U1>::new();
    let dilated = Conv1d::<U2, U3, U3, U1, U2, U2>::new();
    let sets: [(&dyn DynModule, _); 2] =
        [(&strided, strided.options()), (&dilated, dilated.options())];
    for (module, options) in sets {
        let s = [rng.size(1, 2), 2, rng.size(6, 8)];
        let n = s.iter().product();
        layer(
            m,
            "Conv1d",
            format!("{options:?}: {s:?}"),
            module,
            rng.values(n, -1.0, 1.0),
            &s,
            move |x| conv1d(&x[0], &x[1], x.get(2), options),
        );
    }
    // stride 2 with output_padding 1; padding 1 at dilation 2.
    let upsampling = ConvTranspose2d::<U2, U3, U2, U2, U0, U1>::new();
    let dilated = ConvTranspose2d::<U2, U3, U2, U1, U1, U0, U1, U2>::new();
    let sets: [(&dyn DynModule, _); 2] = [
        (&upsampling, upsampling.options()),
        (&dilated, dilated.options()),
    ];
    for (module, options) in sets {
        let s = [1, 2, rng.size(2, 4), rng.size(2, 4)];
        let n = s.iter().product();
        layer(
            m,
            "ConvTranspose2d",
            format!("{options:?}: {s:?}"),
            module,
            rng.values(n, -1.0, 1.0),
            &s,
            move |x| conv_transpose2d(&x[0], &x[1], x.get(2), options),
        );
    }
}

fn pools_and_shapes(m: &mut Matrix, rng: &mut Rng) {
    let max2 = MaxPool2d::<U2>::new();
    let max3 = MaxPool2d::<U3, U2, U1>::new();
    let ceil = MaxPool2dCeil::<U2>::new();
    let ceil3 = MaxPool2dCeil::<U3, U2, U1>::new();
    let sets: [(&str, &dyn DynModule, _); 4] = [
        ("MaxPool2d", &max2, max2.options()),
        ("MaxPool2d", &max3, max3.options()),
        ("MaxPool2dCeil", &ceil, ceil.options()),
        ("MaxPool2dCeil", &ceil3, ceil3.options()),
    ];
    for (name, module, options) in sets {
        let s = rng.image(4, 5);
        let x = rng.ramp(s.iter().product());
        layer(
            m,
            name,
            format!("{options:?}: {s:?}"),
            module,
            x,
            &s,
            move |x| max_pool2d(&x[0], options),
        );
    }
    let avg2 = AvgPool2d::<U2>::new();
    let avg3 = AvgPool2d::<U3, U2, U1>::new().count_include_pad(false);
    let avg_ceil2 = AvgPool2dCeil::<U2>::new();
    let avg_ceil3 = AvgPool2dCeil::<U3, U2, U1>::new();
    let avg_ceil3_no_pad = AvgPool2dCeil::<U3, U2, U1>::new().count_include_pad(false);
    let sets: [(&str, &dyn DynModule, _); 5] = [
        ("AvgPool2d", &avg2, avg2.options()),
        ("AvgPool2d", &avg3, avg3.options()),
        ("AvgPool2dCeil", &avg_ceil2, avg_ceil2.options()),
        ("AvgPool2dCeil", &avg_ceil3, avg_ceil3.options()),
        (
            "AvgPool2dCeil",
            &avg_ceil3_no_pad,
            avg_ceil3_no_pad.options(),
        ),
    ];
    for (name, module, options) in sets {
        let s = rng.image(4, 5);
        let n = s.iter().product();
        layer(
            m,
            name,
            format!("{options:?}: {s:?}"),
            module,
            rng.values(n, -1.0, 1.0),
            &s,
            move |x| avg_pool2d(&x[0], options),
        );
    }
    let adaptive23 = AdaptiveAvgPool2d::<U2, U3>::new();
    let adaptive1 = AdaptiveAvgPool2d::<U1>::new();
    let sets: [(&dyn DynModule, _); 2] = [
        (&adaptive23, (Some(2), Some(3))),
        (&adaptive1, (Some(1), Some(1))),
    ];
    for (module, out) in sets {
        let s = rng.image(3, 5);
        let n = s.iter().product();
        layer(
            m,
            "AdaptiveAvgPool2d",
            format!("{out:?}: {s:?}"),
            module,
            rng.values(n, -1.0, 1.0),
            &s,
            move |x| adaptive_avg_pool2d(&x[0], out),
        );
    }
    for _ in 0..3 {
        let s = [rng.size(1, 3), rng.size(1, 3), rng.size(1, 3)];
        let n = s.iter().product();
        layer(
            m,
            "Flatten",
            format!("{s:?}"),
            &Flatten::new(),
            rng.values(n, -1.0, 1.0),
            &s,
            |x| x[0].flatten(1, -1),
        );
    }
    for (batch, sizes) in [(rng.size(1, 3), [2isize, -1]), (rng.size(1, 3), [3, 2])] {
        let s = [batch, 6];
        let module = DynUnflatten::new(1, &sizes).unwrap();
        let to = [batch as isize, sizes[0], sizes[1]];
        layer(
            m,
            "DynUnflatten",
            format!("{s:?} to {sizes:?}"),
            &module,
            rng.values(6 * batch, -1.0, 1.0),
            &s,
            move |x| x[0].reshape(&to),
        );
    }
    for batch in [1, rng.size(2, 3)] {
        let s = [batch, 6];
        let module = Unflatten::<(U2, U3)>::new();
        layer(
            m,
            "Unflatten",
            format!("{s:?} to (2, 3)"),
            &module,
            rng.values(6 * batch, -1.0, 1.0),
            &s,
            move |x| x[0].reshape(&[batch as isize, 2, 3]),
        );
    }
}

fn normalisation_dropout_embedding(m: &mut Matrix, rng: &mut Rng) {
    for training in [true, false] {
        // A new layer's running statistics are 0 and 1.
        let mut bn1 = BatchNorm1d::<U3>::new();
        let mut bn2 = BatchNorm2d::<U2>::new();
        if !training {
            bn1.eval();
            bn2.eval();
        }
        let sets: [(&str, &dyn DynModule, Vec<usize>); 2] = [
            ("BatchNorm1d", &bn1, vec![rng.size(2, 4), 3]),
            (
                "BatchNorm2d",
                &bn2,
                vec![rng.size(2, 3), 2, rng.size(1, 3), rng.size(1, 3)],
            ),
        ];
        for (name, module, s) in sets {
            let c = s[1];
            let n = s.iter().product();
            let options = BatchNormOptions {
                training,
                ..Default::default()
            };
            layer(
                m,
                name,
                format!("{s:?} training {training}"),
                module,
                rng.values(n, -1.0, 1.0),
                &s,
                move |x| {
                    let (mean, var) = (
                        DynTensor::zeros(&[c]).unwrap(),
                        DynTensor::ones(&[c]).unwrap(),
                    );
                    let running = if training { None } else { Some((&mean, &var)) };
                    batch_norm(&x[0], running, x.get(1), x.get(2), options)
                },
            );
        }
    }
    for (s, normalized) in [
        (vec![rng.size(1, 3), 4], vec![4usize]),
        (vec![2, 2, 3], vec![2, 3]),
    ] {
        let n = s.iter().product();
        let module = LayerNorm::new(&normalized);
        let l = format!("{s:?} over {normalized:?}");
        layer(
            m,
            "LayerNorm",
            l,
            &module,
            rng.values(n, -1.0, 1.0),
            &s,
            move |x| layer_norm(&x[0], &normalized, x.get(1), x.get(2), 1e-5),
        );
    }
    for (p, training) in [(0.5, false), (0.4, true)] {
        let s = [rng.size(2, 3), rng.size(2, 3), rng.size(1, 2)];
        let n = s.iter().product();
        let mut d1 = Dropout::new(p).unwrap();
        let mut d2 = Dropout2d::new(p).unwrap();
        if !training {
            d1.eval();
            d2.eval();
        }
        let l = format!("{s:?} p {p} training {training}");
        layer(
            m,
            "Dropout",
            l.clone(),
            &d1,
            rng.values(n, -1.0, 1.0),
            &s,
            move |x| {
                manual_seed(5);
                dropout(&x[0], p, training)
            },
        );
        layer(
            m,
            "Dropout2d",
            l,
            &d2,
            rng.values(n, -1.0, 1.0),
            &s,
            move |x| {
                manual_seed(5);
                dropout2d(&x[0], p, training)
            },
        );
    }
    embedding_layer(m, rng);
}

/// Embedding's input is indices, not floats: its only gradchecked input
/// is the weight.
fn embedding_layer(m: &mut Matrix, rng: &mut Rng) {
    for padding_idx in [None, Some(1usize)] {
        let (num, dim, n) = (rng.size(3, 5), rng.size(1, 3), rng.size(3, 6));
        let module = Embedding::new(num, dim)
            .padding_idx(padding_idx.map(|i| i as i64))
            .unwrap();
        // Never the padding row, whose gradient is zero on purpose (see
        // ops.rs): row 1 is looked up as row 0.
        let indices: Vec<i64> = rng
            .classes(n, num)
            .iter()
            .map(|&i| if i == 1 { 0 } else { i })
            .collect();
        let idx = LongTensor::from_vec(indices.clone(), &[n]).unwrap();
        let weight = module.weight().tensor();
        let inputs = vec![leaf64(weight.to_vec(), weight.shape())];
        let options = EmbeddingOptions {
            padding_idx,
            ..Default::default()
        };
        let f = move |x: &[DynTensor<f64>]| embedding(&idx, &x[0], options);
        let ours = module.lookup(&LongTensor::from_vec(indices, &[n]).unwrap());
        let theirs = f(&inputs);
        let l = format!("{n} indices into [{num}, {dim}], padding_idx {padding_idx:?}");
        push(m, "Embedding", l, inputs, Box::new(f), ours, theirs);
    }
}
