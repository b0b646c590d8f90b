//! The ops of `nncore/src/ops`, each on random shapes and its option sets.

use super::{Matrix, Rng};
use kiln::ops::{
    AvgPool2dOptions, BatchNormOptions, Conv1dOptions, Conv2dOptions, ConvPadding,
    ConvTranspose2dOptions, EmbeddingOptions, GeluApproximate, MaxPool2dOptions,
    adaptive_avg_pool2d, avg_pool2d, batch_norm, conv_transpose2d, conv1d, conv2d, conv2d_padded,
    dropout, dropout2d, embedding, layer_norm, linear, matmul, max_pool2d,
};
use kiln::{DynTensor, LongTensor, manual_seed};

/// A random rank-1 to rank-3 shape with sizes 1 to 4.
fn shape(rng: &mut Rng) -> Vec<usize> {
    let rank = rng.size(1, 3);
    (0..rank).map(|_| rng.size(1, 4)).collect()
}

fn label(shape: &[usize]) -> String {
    format!("{shape:?}")
}

type Unary = fn(&DynTensor<f64>) -> DynTensor<f64>;

pub fn add(m: &mut Matrix, rng: &mut Rng) {
    elementwise(m, rng);
    binary(m, rng);
    activations(m, rng);
    reductions(m, rng);
    shapes_and_softmax(m, rng);
    linear_ops(m, rng);
    convolutions(m, rng);
    pools(m, rng);
    normalisation(m, rng);
    dropout_and_embedding(m, rng);
}

fn elementwise(m: &mut Matrix, rng: &mut Rng) {
    // (name, function, input domain): away from a kink, positive, or any.
    let away: &[(&str, Unary)] = &[
        ("relu", |x| x.relu()),
        ("abs", |x| x.abs()),
        ("clamp_min", |x| x.clamp_min(0.0)),
        ("clamp_max", |x| x.clamp_max(0.0)),
    ];
    let positive: &[(&str, Unary)] = &[
        ("sqrt", |x| x.sqrt()),
        ("log", |x| x.log()),
        ("log1p", |x| x.log1p()),
    ];
    let any: &[(&str, Unary)] = &[
        ("sigmoid", |x| x.sigmoid()),
        ("tanh", |x| x.tanh()),
        ("exp", |x| x.exp()),
        ("log_sigmoid", |x| x.log_sigmoid()),
        ("silu", |x| x.silu()),
        ("neg", |x| x.neg()),
    ];
    for _ in 0..3 {
        for &(name, f) in away {
            let s = shape(rng);
            m.case(
                &format!("ops::{name}"),
                label(&s),
                vec![rng.leaf_away(&s)],
                move |x| Ok(f(&x[0])),
            );
        }
        for &(name, f) in positive {
            let s = shape(rng);
            m.case(
                &format!("ops::{name}"),
                label(&s),
                vec![rng.leaf_positive(&s)],
                move |x| Ok(f(&x[0])),
            );
        }
        for &(name, f) in any {
            let s = shape(rng);
            m.case(
                &format!("ops::{name}"),
                label(&s),
                vec![rng.leaf(&s)],
                move |x| Ok(f(&x[0])),
            );
        }
    }
    // Scalar ops and clamp with their arguments.
    for (value, exponent) in [(2.5, 2.0), (-0.75, 0.5), (1.0, 3.0)] {
        let s = shape(rng);
        let l = format!("{s:?} value {value}");
        m.case("ops::mul_scalar", &l, vec![rng.leaf(&s)], move |x| {
            Ok(x[0].mul_scalar(value))
        });
        m.case("ops::add_scalar", &l, vec![rng.leaf(&s)], move |x| {
            Ok(x[0].add_scalar(value))
        });
        let l = format!("{s:?} exponent {exponent}");
        m.case(
            "ops::pow_scalar",
            &l,
            vec![rng.leaf_positive(&s)],
            move |x| Ok(x[0].pow_scalar(exponent)),
        );
    }
    for (min, max) in [
        (Some(-0.5), Some(0.5)),
        (None, Some(0.3)),
        (Some(-0.1), None),
    ] {
        let s = shape(rng);
        // Values away from the bounds: ±[0.2, 1) shifted by 0.05.
        let x = rng
            .leaf_away(&s)
            .add_scalar(0.05)
            .detach()
            .requires_grad_(true);
        m.case(
            "ops::clamp",
            format!("{s:?} min {min:?} max {max:?}"),
            vec![x],
            move |x| Ok(x[0].clamp(min, max)),
        );
    }
}

fn binary(m: &mut Matrix, rng: &mut Rng) {
    // Same shapes, then broadcasting on either side.
    for _ in 0..3 {
        let (n, k) = (rng.size(1, 4), rng.size(2, 4));
        let pairs = [
            (vec![n, k], vec![n, k]),
            (vec![n, k], vec![k]),
            (vec![n, 1, k], vec![3, 1]),
        ];
        for (a, b) in pairs {
            let l = format!("{a:?} with {b:?}");
            m.case("ops::add", &l, vec![rng.leaf(&a), rng.leaf(&b)], |x| {
                x[0].add(&x[1])
            });
            m.case("ops::sub", &l, vec![rng.leaf(&a), rng.leaf(&b)], |x| {
                x[0].sub(&x[1])
            });
            m.case("ops::mul", &l, vec![rng.leaf(&a), rng.leaf(&b)], |x| {
                x[0].mul(&x[1])
            });
            m.case(
                "ops::div",
                &l,
                vec![rng.leaf(&a), rng.leaf_positive(&b)],
                |x| x[0].div(&x[1]),
            );
            // maximum / minimum: the two sides far apart (one positive,
            // one negative) so no pair ties.
            let (p, q) = (rng.leaf_positive(&a), rng.leaf_positive(&b).neg());
            let (p, q) = (
                p.detach().requires_grad_(true),
                q.detach().requires_grad_(true),
            );
            m.case("ops::maximum", &l, vec![p.clone(), q.clone()], |x| {
                x[0].maximum(&x[1])
            });
            m.case("ops::minimum", &l, vec![q, p], |x| x[0].minimum(&x[1]));
        }
    }
}

fn activations(m: &mut Matrix, rng: &mut Rng) {
    for slope in [0.01, 0.2] {
        let s = shape(rng);
        m.case(
            "ops::leaky_relu",
            format!("{s:?} slope {slope}"),
            vec![rng.leaf_away(&s)],
            move |x| Ok(x[0].leaky_relu(slope)),
        );
    }
    for alpha in [1.0, 0.5] {
        let s = shape(rng);
        m.case(
            "ops::elu",
            format!("{s:?} alpha {alpha}"),
            vec![rng.leaf_away(&s)],
            move |x| Ok(x[0].elu(alpha)),
        );
    }
    for approximate in [GeluApproximate::None, GeluApproximate::Tanh] {
        let s = shape(rng);
        let l = format!("{s:?} {approximate:?}");
        m.case(
            "ops::gelu",
            l,
            vec![rng.leaf(&s).mul_scalar(3.0).detach().requires_grad_(true)],
            move |x| Ok(x[0].gelu(approximate)),
        );
    }
    for (beta, threshold) in [(1.0, 20.0), (2.0, 1.0)] {
        // With threshold 1 and beta 2, inputs past 0.5 take the linear branch.
        let s = shape(rng);
        let l = format!("{s:?} beta {beta} threshold {threshold}");
        m.case("ops::softplus", l, vec![rng.leaf_away(&s)], move |x| {
            Ok(x[0].softplus(beta, threshold))
        });
    }
    for (lo, hi) in [(-1.0, 1.0), (-0.5, 0.3)] {
        let s = shape(rng);
        let x = rng
            .leaf_away(&s)
            .mul_scalar(1.3)
            .detach()
            .requires_grad_(true);
        m.case(
            "ops::hardtanh",
            format!("{s:?} [{lo}, {hi}]"),
            vec![x],
            move |x| Ok(x[0].hardtanh(lo, hi)),
        );
    }
}

fn reductions(m: &mut Matrix, rng: &mut Rng) {
    for _ in 0..3 {
        let s = shape(rng);
        m.case(
            "ops::sum",
            label(&s),
            vec![rng.leaf(&s)],
            |x| Ok(x[0].sum()),
        );
        m.case("ops::mean", label(&s), vec![rng.leaf(&s)], |x| {
            Ok(x[0].mean())
        });
    }
    for dim in [0isize, -1] {
        let s = vec![rng.size(1, 4), rng.size(1, 4), rng.size(1, 3)];
        let l = format!("{s:?} dim {dim}");
        m.case("ops::sum_dim", &l, vec![rng.leaf(&s)], move |x| {
            x[0].sum_dim(dim)
        });
        m.case("ops::mean_dim", &l, vec![rng.leaf(&s)], move |x| {
            x[0].mean_dim(dim)
        });
    }
    for (p, dim, keepdim) in [(2.0, -1isize, false), (1.0, 0, true), (3.0, 1, false)] {
        let s = vec![rng.size(2, 4), rng.size(2, 4)];
        let l = format!("{s:?} p {p} dim {dim} keepdim {keepdim}");
        m.case("ops::norm_dim", l, vec![rng.leaf_away(&s)], move |x| {
            x[0].norm_dim(p, dim, keepdim)
        });
    }
}

fn shapes_and_softmax(m: &mut Matrix, rng: &mut Rng) {
    for _ in 0..3 {
        let (a, b, c) = (rng.size(1, 3), rng.size(1, 3), rng.size(2, 3));
        let s = vec![a, b, c];
        let to = [(a * b) as isize, -1];
        m.case(
            "ops::reshape",
            format!("{s:?} to {to:?}"),
            vec![rng.leaf(&s)],
            move |x| x[0].reshape(&to),
        );
        for (start, end) in [(0isize, -1isize), (1, 2)] {
            let l = format!("{s:?} dims {start}..={end}");
            m.case("ops::flatten", l, vec![rng.leaf(&s)], move |x| {
                x[0].flatten(start, end)
            });
        }
        for dims in [[2isize, 0, 1], [-1, -2, 0]] {
            let l = format!("{s:?} dims {dims:?}");
            m.case("ops::permute", l, vec![rng.leaf(&s)], move |x| {
                x[0].permute(&dims)
            });
        }
        for (dim0, dim1) in [(0isize, 2isize), (-1, 1)] {
            let l = format!("{s:?} dims {dim0} and {dim1}");
            m.case("ops::transpose", l, vec![rng.leaf(&s)], move |x| {
                x[0].transpose(dim0, dim1)
            });
        }
        for dim in [-1isize, 0] {
            let l = format!("{s:?} dim {dim}");
            m.case("ops::softmax", &l, vec![rng.leaf(&s)], move |x| {
                x[0].softmax(dim)
            });
            m.case("ops::log_softmax", &l, vec![rng.leaf(&s)], move |x| {
                x[0].log_softmax(dim)
            });
        }
    }
}

fn linear_ops(m: &mut Matrix, rng: &mut Rng) {
    for _ in 0..3 {
        let (n, k, o) = (rng.size(1, 4), rng.size(1, 4), rng.size(1, 4));
        let l = format!("[{n}, {k}] @ [{k}, {o}]");
        m.case(
            "ops::matmul",
            l,
            vec![rng.leaf(&[n, k]), rng.leaf(&[k, o])],
            |x| matmul(&x[0], &x[1]),
        );
        for batch in [vec![n], vec![2, n]] {
            let mut input = batch.clone();
            input.push(k);
            let l = format!("{input:?} to {o} with bias");
            let xs = vec![rng.leaf(&input), rng.leaf(&[o, k]), rng.leaf(&[o])];
            m.case("ops::linear", l, xs, |x| linear(&x[0], &x[1], Some(&x[2])));
            let l = format!("{input:?} to {o} without bias");
            m.case(
                "ops::linear",
                l,
                vec![rng.leaf(&input), rng.leaf(&[o, k])],
                |x| linear(&x[0], &x[1], None),
            );
        }
    }
}

fn conv2d_sets() -> Vec<(String, Conv2dOptions, usize)> {
    // (label, options, channels per group of the random shapes)
    let o = Conv2dOptions::default();
    vec![
        ("default".into(), o, 1),
        ("stride 2 padding 1".into(), o.stride(2).padding(1), 1),
        ("dilation 2".into(), o.dilation(2), 1),
        (
            "groups 2, stride (1, 2)".into(),
            Conv2dOptions {
                stride: (1, 2),
                ..o.groups(2)
            },
            2,
        ),
    ]
}

fn convolutions(m: &mut Matrix, rng: &mut Rng) {
    for (name, options, groups) in conv2d_sets() {
        let g = options.groups;
        let _ = groups;
        let (n, cin, cout, k) = (
            rng.size(1, 2),
            g * rng.size(1, 2),
            g * rng.size(1, 2),
            rng.size(1, 3),
        );
        let (h, w) = (rng.size(5, 6), rng.size(5, 6));
        let l = format!(
            "{name}: [{n}, {cin}, {h}, {w}] * [{cout}, {}, {k}, {k}]",
            cin / g
        );
        let xs = vec![
            rng.leaf(&[n, cin, h, w]),
            rng.leaf(&[cout, cin / g, k, k]),
            rng.leaf(&[cout]),
        ];
        m.case("ops::conv2d", l, xs, move |x| {
            conv2d(&x[0], &x[1], Some(&x[2]), options)
        });
    }
    for padding in [
        ConvPadding::Same,
        ConvPadding::Valid,
        ConvPadding::Explicit(1, 2),
    ] {
        let (cin, cout, k) = (rng.size(1, 2), rng.size(1, 2), rng.size(2, 3));
        let (h, w) = (rng.size(4, 5), rng.size(4, 5));
        let l = format!("{padding:?}: [1, {cin}, {h}, {w}] * [{cout}, {cin}, {k}, {k}]");
        let xs = vec![rng.leaf(&[1, cin, h, w]), rng.leaf(&[cout, cin, k, k])];
        m.case("ops::conv2d_padded", l, xs, move |x| {
            conv2d_padded(&x[0], &x[1], None, Conv2dOptions::default(), padding)
        });
    }
    let t = ConvTranspose2dOptions::default();
    let transpose_sets = [
        ("default", t),
        (
            "stride 2 output_padding 1",
            ConvTranspose2dOptions {
                stride: (2, 2),
                output_padding: (1, 1),
                ..t
            },
        ),
        (
            "padding 1 dilation 2",
            ConvTranspose2dOptions {
                padding: (1, 1),
                dilation: (2, 2),
                ..t
            },
        ),
        ("groups 2", t.groups(2)),
    ];
    for (name, options) in transpose_sets {
        let g = options.groups;
        let (cin, cout, k) = (g * rng.size(1, 2), g * rng.size(1, 2), rng.size(2, 3));
        let (h, w) = (rng.size(2, 4), rng.size(2, 4));
        let l = format!(
            "{name}: [1, {cin}, {h}, {w}] with [{cin}, {}, {k}, {k}]",
            cout / g
        );
        let xs = vec![
            rng.leaf(&[1, cin, h, w]),
            rng.leaf(&[cin, cout / g, k, k]),
            rng.leaf(&[cout]),
        ];
        m.case("ops::conv_transpose2d", l, xs, move |x| {
            conv_transpose2d(&x[0], &x[1], Some(&x[2]), options)
        });
    }
    let c = Conv1dOptions::default();
    let conv1d_sets = [
        ("default", c),
        (
            "stride 2 padding 1 dilation 2",
            c.stride(2).padding(1).dilation(2),
        ),
        ("padding same", c.padding_mode(ConvPadding::Same)),
        ("groups 2", c.groups(2)),
    ];
    for (name, options) in conv1d_sets {
        let g = options.groups;
        let (cin, cout, k, len) = (
            g * rng.size(1, 2),
            g * rng.size(1, 2),
            rng.size(1, 3),
            rng.size(6, 8),
        );
        let l = format!("{name}: [2, {cin}, {len}] * [{cout}, {}, {k}]", cin / g);
        let xs = vec![
            rng.leaf(&[2, cin, len]),
            rng.leaf(&[cout, cin / g, k]),
            rng.leaf(&[cout]),
        ];
        m.case("ops::conv1d", l, xs, move |x| {
            conv1d(&x[0], &x[1], Some(&x[2]), options)
        });
    }
}

fn pools(m: &mut Matrix, rng: &mut Rng) {
    let max_sets = [
        ("kernel 2", MaxPool2dOptions::new(2)),
        (
            "kernel 3 stride 2 padding 1",
            MaxPool2dOptions::new(3).stride(2).padding(1),
        ),
        (
            "kernel 2 stride 1 dilation 2",
            MaxPool2dOptions::new(2).stride(1).dilation(2),
        ),
        (
            "kernel 2 ceil_mode",
            MaxPool2dOptions::new(2).ceil_mode(true),
        ),
    ];
    for (name, options) in max_sets {
        let s = rng.image(4, 5);
        let ramp = rng.ramp(s.iter().product());
        let l = format!("{name}: {s:?}");
        m.case(
            "ops::max_pool2d",
            l,
            vec![super::leaf(ramp, &s)],
            move |x| max_pool2d(&x[0], options),
        );
    }
    let avg_sets = [
        ("kernel 2", AvgPool2dOptions::new(2)),
        (
            "kernel 3 stride 2 padding 1",
            AvgPool2dOptions::new(3).stride(2).padding(1),
        ),
        (
            "padding 1 count_include_pad false",
            AvgPool2dOptions::new(2).padding(1).count_include_pad(false),
        ),
        (
            "ceil_mode divisor_override 3",
            AvgPool2dOptions::new(2)
                .ceil_mode(true)
                .divisor_override(Some(3)),
        ),
    ];
    for (name, options) in avg_sets {
        let s = rng.image(4, 5);
        m.case(
            "ops::avg_pool2d",
            format!("{name}: {s:?}"),
            vec![rng.leaf(&s)],
            move |x| avg_pool2d(&x[0], options),
        );
    }
    for out in [(Some(2), Some(3)), (None, Some(1)), (Some(1), None)] {
        let s = rng.image(3, 5);
        m.case(
            "ops::adaptive_avg_pool2d",
            format!("{out:?}: {s:?}"),
            vec![rng.leaf(&s)],
            move |x| adaptive_avg_pool2d(&x[0], out),
        );
    }
}

fn normalisation(m: &mut Matrix, rng: &mut Rng) {
    for (training, affine, spatial) in [
        (true, true, false),
        (true, false, true),
        (false, true, true),
    ] {
        let c = rng.size(1, 3);
        let mut s = vec![rng.size(2, 3), c];
        if spatial {
            s.extend([rng.size(1, 3), rng.size(1, 3)]);
        }
        let mean = rng.constant(&[c], -0.5, 0.5);
        let var = rng.constant(&[c], 0.5, 1.5);
        let options = BatchNormOptions {
            training,
            ..Default::default()
        };
        let mut xs = vec![rng.leaf(&s)];
        if affine {
            xs.extend([rng.leaf(&[c]), rng.leaf(&[c])]);
        }
        let l = format!("{s:?} training {training} affine {affine}");
        m.case("ops::batch_norm", l, xs, move |x| {
            // Fresh running statistics per call: training updates them.
            let (mean, var) = (mean.detach(), var.detach());
            let running = if training { None } else { Some((&mean, &var)) };
            batch_norm(&x[0], running, x.get(1), x.get(2), options)
        });
    }
    for (normalized, affine) in [(1usize, true), (2, false), (2, true)] {
        let s = vec![rng.size(1, 3), rng.size(2, 3), rng.size(2, 4)];
        let ns = s[3 - normalized..].to_vec();
        let mut xs = vec![rng.leaf(&s)];
        if affine {
            xs.extend([rng.leaf(&ns), rng.leaf(&ns)]);
        }
        let l = format!("{s:?} over {ns:?} affine {affine}");
        m.case("ops::layer_norm", l, xs, move |x| {
            layer_norm(&x[0], &ns, x.get(1), x.get(2), 1e-5)
        });
    }
}

fn dropout_and_embedding(m: &mut Matrix, rng: &mut Rng) {
    for (p, training) in [(0.5, false), (0.3, true), (0.6, true)] {
        let s = [rng.size(1, 3), rng.size(1, 3), rng.size(1, 3)];
        let l = format!("{s:?} p {p} training {training}");
        // The same seed before every call: the same mask each time.
        m.case("ops::dropout", &l, vec![rng.leaf(&s)], move |x| {
            manual_seed(11);
            dropout(&x[0], p, training)
        });
        m.case("ops::dropout2d", &l, vec![rng.leaf(&s)], move |x| {
            manual_seed(11);
            dropout2d(&x[0], p, training)
        });
    }
    // padding_idx and scale_grad_by_freq change the gradient on purpose
    // (zero for the padding row, divided by the count), as PyTorch's do, so
    // finite differences agree only where they leave it alone: indices that
    // avoid the padding row, distinct indices. Their effect is tested with
    // PyTorch's numbers in ops/embedding.rs.
    let sets = [
        ("default", EmbeddingOptions::default(), false),
        (
            "padding_idx 0, not looked up",
            EmbeddingOptions {
                padding_idx: Some(0),
                ..Default::default()
            },
            false,
        ),
        (
            "scale_grad_by_freq, distinct indices",
            EmbeddingOptions {
                scale_grad_by_freq: true,
                ..Default::default()
            },
            true,
        ),
    ];
    for (name, options, distinct) in sets {
        let (num, dim) = (rng.size(4, 6), rng.size(1, 3));
        let n = rng.size(2, 3);
        let indices: Vec<i64> = if distinct {
            rng.permutation(num)[..n]
                .iter()
                .map(|&i| i as i64)
                .collect()
        } else {
            // 1..num: never row 0.
            rng.classes(n, num - 1).iter().map(|i| i + 1).collect()
        };
        let idx = LongTensor::from_vec(indices, &[n]).unwrap();
        let l = format!("{name}: {n} indices into [{num}, {dim}]");
        m.case("ops::embedding", l, vec![rng.leaf(&[num, dim])], move |x| {
            embedding(&idx, &x[0], options)
        });
    }
}
