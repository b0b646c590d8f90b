//! The typed functional API (`nncore/src/typed/fn_*.rs`) and the runtime
//! ops added for it (`cat`, `stack`, `narrow`, `bmm`, `max_dim`), on random
//! batch sizes (the `Dyn` dims) and two static shapes or option sets each.
//! A typed case wraps its input with `Tensor::from_dyn` and unwraps the
//! result, so the gradient checked is the one the typed method records.
//!
//! These cases draw from a generator of their own, so that adding them
//! leaves the sizes of every other case of the matrix as they were.

use super::{Matrix, Rng};
use kiln::shape::*;
use kiln::{ConvArgs, DynTensor, Result, Tensor};

type T64<S> = Tensor<S, f64>;

/// The typed view of a case input (the same graph node).
fn typed<S: Shape>(x: &DynTensor<f64>) -> Result<T64<S>> {
    Tensor::from_dyn(x.clone())
}

pub fn add(m: &mut Matrix) {
    let mut rng = Rng(0x7479_7065);
    let rng = &mut rng;
    runtime_ops(m, rng);
    shape_ops(m, rng);
    reductions(m, rng);
    layer_ops(m, rng);
}

fn runtime_ops(m: &mut Matrix, rng: &mut Rng) {
    for dim in [0isize, -1] {
        let (a, b) = (rng.size(1, 3), rng.size(1, 3));
        let (l, r) = if dim == 0 {
            (vec![a, 3], vec![b, 3])
        } else {
            (vec![2, a], vec![2, b])
        };
        let label = format!("{l:?} with {r:?} dim {dim}");
        m.case(
            "ops::cat",
            label,
            vec![rng.leaf(&l), rng.leaf(&r)],
            move |x| kiln::ops::cat(&[&x[0], &x[1]], dim),
        );
    }
    for dim in [0usize, 2] {
        let s = vec![rng.size(1, 3), rng.size(1, 3)];
        let label = format!("3 x {s:?} dim {dim}");
        let xs = vec![rng.leaf(&s), rng.leaf(&s), rng.leaf(&s)];
        m.case("ops::stack", label, xs, move |x| {
            kiln::ops::stack(&[&x[0], &x[1], &x[2]], dim)
        });
    }
    for (dim, start, len) in [(0isize, 1, 2), (-1, 0, 1)] {
        let s = vec![rng.size(3, 4), rng.size(1, 3)];
        let label = format!("{s:?} dim {dim} from {start} length {len}");
        m.case("ops::narrow", label, vec![rng.leaf(&s)], move |x| {
            x[0].narrow(dim, start, len)
        });
    }
    for _ in 0..2 {
        let (b, i, k, j) = (
            rng.size(1, 3),
            rng.size(1, 3),
            rng.size(1, 4),
            rng.size(1, 3),
        );
        let label = format!("[{b}, {i}, {k}] @ [{b}, {k}, {j}]");
        let xs = vec![rng.leaf(&[b, i, k]), rng.leaf(&[b, k, j])];
        m.case("ops::bmm", label, xs, |x| kiln::ops::bmm(&x[0], &x[1]));
    }
    for dim in [0isize, -1] {
        let s = vec![rng.size(1, 3), rng.size(2, 4)];
        // Distinct values: no tie moves under the finite difference.
        let ramp = rng.ramp(s.iter().product());
        let label = format!("{s:?} dim {dim}");
        m.case(
            "ops::max_dim",
            label,
            vec![super::leaf(ramp, &s)],
            move |x| Ok(x[0].max_dim(dim)?.0),
        );
    }
}

/// Adds a typed case: `input` shapes of `S` (runtime sizes drawn), `f` on
/// the typed tensors.
macro_rules! typed_case {
    ($m:expr, $subject:literal, $label:expr, [$($x:expr),+], |$($t:ident: $s:ty),+| $body:expr) => {
        $m.case(concat!("typed::", $subject), $label, vec![$($x),+], move |xs| {
            let mut it = xs.iter();
            $(let $t = typed::<$s>(it.next().expect("one input per tensor"))?;)+
            Ok($body.into_dyn())
        })
    };
}

fn shape_ops(m: &mut Matrix, rng: &mut Rng) {
    let n = rng.size(1, 3);
    typed_case!(
        m,
        "reshape",
        format!("[{n}, 3, 4] to (Infer, U6)"),
        [rng.leaf(&[n, 3, 4])],
        |x: (Dyn, U3, U4)| x.reshape::<(Infer, U6)>()
    );
    typed_case!(
        m,
        "reshape",
        "[2, 3, 4] to (U4, U3, U2)",
        [rng.leaf(&[2, 3, 4])],
        |x: (U2, U3, U4)| x.reshape::<(U4, U3, U2)>()
    );
    typed_case!(
        m,
        "view",
        format!("[{n}, 12] to (Infer, U2, U6)"),
        [rng.leaf(&[n, 12])],
        |x: (Dyn, U12)| x.view::<(Infer, U2, U6)>()
    );
    typed_case!(m, "view", "[6, 2] to (U12,)", [rng.leaf(&[6, 2])], |x: (
        U6,
        U2
    )| x
        .view::<(U12,)>());
    typed_case!(
        m,
        "flatten",
        format!("[{n}, 2, 3, 2] from 1"),
        [rng.leaf(&[n, 2, 3, 2])],
        |x: (Dyn, U2, U3, U2)| x.flatten::<1>()
    );
    typed_case!(
        m,
        "flatten",
        format!("[2, {n}, 3] from 0"),
        [rng.leaf(&[2, n, 3])],
        |x: (U2, Dyn, U3)| x.flatten::<0>()
    );
    typed_case!(
        m,
        "flatten_range",
        format!("[{n}, 2, 3, 2] from 1 to 2"),
        [rng.leaf(&[n, 2, 3, 2])],
        |x: (Dyn, U2, U3, U2)| x.flatten_range::<1, 2>()
    );
    typed_case!(
        m,
        "flatten_range",
        format!("[2, 3, {n}] from 0 to 1"),
        [rng.leaf(&[2, 3, n])],
        |x: (U2, U3, Dyn)| x.flatten_range::<0, 1>()
    );
    typed_case!(
        m,
        "declared",
        format!("[{n}, 3] as (Dyn, U3)"),
        [rng.leaf(&[n, 3])],
        |x: (Dyn, U3)| x.declared::<(Dyn, U3)>()
    );
    typed_case!(
        m,
        "declared",
        "[2, 3] from (Dyn, U3) to (U2, U3)",
        [rng.leaf(&[2, 3])],
        |x: (Dyn, U3)| x.declared::<(U2, U3)>()
    );
    typed_case!(
        m,
        "transpose",
        format!("[{n}, 3] 0 and 1"),
        [rng.leaf(&[n, 3])],
        |x: (Dyn, U3)| x.transpose::<0, 1>()
    );
    typed_case!(
        m,
        "transpose",
        format!("[{n}, 2, 3, 4] 1 and 3"),
        [rng.leaf(&[n, 2, 3, 4])],
        |x: (Dyn, U2, U3, U4)| x.transpose::<1, 3>()
    );
    typed_case!(
        m,
        "permute",
        format!("[{n}, 2, 3, 4] to NHWC"),
        [rng.leaf(&[n, 2, 3, 4])],
        |x: (Dyn, U2, U3, U4)| x.permute::<0, 2, 3, 1>()
    );
    typed_case!(
        m,
        "permute",
        format!("[{n}, 2, 3] (2, 0, 1)"),
        [rng.leaf(&[n, 2, 3])],
        |x: (Dyn, U2, U3)| x.permute::<2, 0, 1>()
    );
    typed_case!(
        m,
        "unsqueeze",
        format!("[{n}, 3] at 0"),
        [rng.leaf(&[n, 3])],
        |x: (Dyn, U3)| x.unsqueeze::<0>()
    );
    typed_case!(
        m,
        "unsqueeze",
        format!("[{n}, 3] at 2"),
        [rng.leaf(&[n, 3])],
        |x: (Dyn, U3)| x.unsqueeze::<2>()
    );
    typed_case!(
        m,
        "squeeze",
        format!("[{n}, 1, 3] at 1"),
        [rng.leaf(&[n, 1, 3])],
        |x: (Dyn, U1, U3)| x.squeeze::<1>()
    );
    typed_case!(
        m,
        "squeeze",
        format!("[2, 3, 1] at 2"),
        [rng.leaf(&[2, 3, 1])],
        |x: (U2, U3, U1)| x.squeeze::<2>()
    );
    typed_case!(
        m,
        "narrow",
        format!("[{n}, 5] 1..4"),
        [rng.leaf(&[n, 5])],
        |x: (Dyn, U5)| x.narrow::<1, 1, 3>()
    );
    typed_case!(
        m,
        "narrow",
        format!("[4, {n}, 2] 2..4 of dim 0"),
        [rng.leaf(&[4, n, 2])],
        |x: (U4, Dyn, U2)| x.narrow::<0, 2, 2>()
    );
    typed_case!(
        m,
        "select",
        format!("[{n}, 4, 2] step -1 of dim 1"),
        [rng.leaf(&[n, 4, 2])],
        |x: (Dyn, Dyn, U2)| x.select::<1>(-1)
    );
    typed_case!(
        m,
        "select",
        format!("[3, {n}] row 1"),
        [rng.leaf(&[3, n])],
        |x: (U3, Dyn)| x.select::<0>(1)
    );
    typed_case!(
        m,
        "cat",
        format!("[{n}, 2] with [{n}, 3] along 1"),
        [rng.leaf(&[n, 2]), rng.leaf(&[n, 3])],
        |a: (Dyn, U2), b: (Dyn, U3)| a.cat::<1, _>(&b)
    );
    let k = rng.size(1, 3);
    typed_case!(
        m,
        "cat",
        format!("[{n}, 2, 2] with [{k}, 2, 2] along 0"),
        [rng.leaf(&[n, 2, 2]), rng.leaf(&[k, 2, 2])],
        |a: (Dyn, U2, U2), b: (Dyn, U2, U2)| a.cat::<0, _>(&b)
    );
    typed_case!(
        m,
        "stack",
        "two [2, 3] at 0",
        [rng.leaf(&[2, 3]), rng.leaf(&[2, 3])],
        |a: (U2, U3), b: (U2, U3)| Tensor::stack::<0>(&[a, b])?
    );
    typed_case!(
        m,
        "stack",
        format!("three [{n}, 2] at 2"),
        [rng.leaf(&[n, 2]), rng.leaf(&[n, 2]), rng.leaf(&[n, 2])],
        |a: (Dyn, U2), b: (Dyn, U2), c: (Dyn, U2)| Tensor::stack::<2>(&[a, b, c])?
    );
}

fn reductions(m: &mut Matrix, rng: &mut Rng) {
    let n = rng.size(1, 3);
    typed_case!(
        m,
        "sum_dim",
        format!("[{n}, 3] dim 1"),
        [rng.leaf(&[n, 3])],
        |x: (Dyn, U3)| x.sum_dim::<1>()
    );
    typed_case!(
        m,
        "sum_dim",
        format!("[2, {n}, 3] dim 0"),
        [rng.leaf(&[2, n, 3])],
        |x: (U2, Dyn, U3)| x.sum_dim::<0>()
    );
    typed_case!(
        m,
        "sum_keepdim",
        format!("[{n}, 3] dim 1"),
        [rng.leaf(&[n, 3])],
        |x: (Dyn, U3)| x.sum_keepdim::<1>()
    );
    typed_case!(
        m,
        "sum_keepdim",
        format!("[{n}, 2, 3] dim 0"),
        [rng.leaf(&[n, 2, 3])],
        |x: (Dyn, U2, U3)| x.sum_keepdim::<0>()
    );
    typed_case!(
        m,
        "mean_dim",
        format!("[{n}, 4] dim 1"),
        [rng.leaf(&[n, 4])],
        |x: (Dyn, U4)| x.mean_dim::<1>()
    );
    typed_case!(
        m,
        "mean_dim",
        format!("[{n}, 2, 3] dim 2"),
        [rng.leaf(&[n, 2, 3])],
        |x: (Dyn, U2, U3)| x.mean_dim::<2>()
    );
    typed_case!(
        m,
        "mean_keepdim",
        format!("[{n}, 4] dim 0"),
        [rng.leaf(&[n, 4])],
        |x: (Dyn, U4)| x.mean_keepdim::<0>()
    );
    typed_case!(
        m,
        "mean_keepdim",
        format!("[{n}, 2, 3] dim 1"),
        [rng.leaf(&[n, 2, 3])],
        |x: (Dyn, U2, U3)| x.mean_keepdim::<1>()
    );
    let ramp = |rng: &mut Rng, s: &[usize]| super::leaf(rng.ramp(s.iter().product()), s);
    typed_case!(
        m,
        "max_dim",
        format!("[{n}, 4] dim 1"),
        [ramp(rng, &[n, 4])],
        |x: (Dyn, U4)| x.max_dim::<1>().0
    );
    typed_case!(
        m,
        "max_dim",
        format!("[3, {n}, 2] dim 0"),
        [ramp(rng, &[3, n, 2])],
        |x: (U3, Dyn, U2)| x.max_dim::<0>().0
    );
    typed_case!(
        m,
        "max_keepdim",
        format!("[{n}, 4] dim 1"),
        [ramp(rng, &[n, 4])],
        |x: (Dyn, U4)| x.max_keepdim::<1>().0
    );
    typed_case!(
        m,
        "max_keepdim",
        format!("[{n}, 3, 2] dim 2"),
        [ramp(rng, &[n, 3, 2])],
        |x: (Dyn, U3, U2)| x.max_keepdim::<2>().0
    );
    typed_case!(
        m,
        "softmax",
        format!("[{n}, 5] dim 1"),
        [rng.leaf(&[n, 5])],
        |x: (Dyn, U5)| x.softmax::<1>()
    );
    typed_case!(
        m,
        "softmax",
        format!("[{n}, 3, 2] dim 0"),
        [rng.leaf(&[n, 3, 2])],
        |x: (Dyn, U3, U2)| x.softmax::<0>()
    );
    typed_case!(
        m,
        "log_softmax",
        format!("[{n}, 10] dim 1"),
        [rng.leaf(&[n, 10])],
        |x: (Dyn, U10)| x.log_softmax::<1>()
    );
    typed_case!(
        m,
        "log_softmax",
        format!("[{n}, 3, 4] dim 2"),
        [rng.leaf(&[n, 3, 4])],
        |x: (Dyn, U3, U4)| x.log_softmax::<2>()
    );
}

fn layer_ops(m: &mut Matrix, rng: &mut Rng) {
    let n = rng.size(1, 2);
    typed_case!(
        m,
        "matmul",
        format!("[{n}, 3] @ [3, 4]"),
        [rng.leaf(&[n, 3]), rng.leaf(&[3, 4])],
        |a: (Dyn, U3), b: (U3, U4)| a.matmul(&b)
    );
    typed_case!(
        m,
        "matmul",
        format!("[2, 5] @ [5, {n}]"),
        [rng.leaf(&[2, 5]), rng.leaf(&[5, n])],
        |a: (U2, U5), b: (U5, Dyn)| a.matmul(&b)
    );
    typed_case!(
        m,
        "bmm",
        format!("[{n}, 2, 3] @ [{n}, 3, 2]"),
        [rng.leaf(&[n, 2, 3]), rng.leaf(&[n, 3, 2])],
        |a: (Dyn, U2, U3), b: (Dyn, U3, U2)| a.bmm(&b)
    );
    typed_case!(
        m,
        "bmm",
        "[2, 1, 4] @ [2, 4, 3]",
        [rng.leaf(&[2, 1, 4]), rng.leaf(&[2, 4, 3])],
        |a: (U2, U1, U4), b: (U2, U4, U3)| a.bmm(&b)
    );
    typed_case!(
        m,
        "conv2d",
        format!("[{n}, 2, 5, 5] with [3, 2, 3, 3] and bias"),
        [
            rng.leaf(&[n, 2, 5, 5]),
            rng.leaf(&[3, 2, 3, 3]),
            rng.leaf(&[3])
        ],
        |x: (Dyn, U2, U5, U5), w: (U3, U2, U3, U3), b: (U3,)| x.conv2d(&w, Some(&b))
    );
    typed_case!(
        m,
        "conv2d",
        format!("[{n}, 1, 4, 6] with [2, 1, 2, 2]"),
        [rng.leaf(&[n, 1, 4, 6]), rng.leaf(&[2, 1, 2, 2])],
        |x: (Dyn, U1, U4, U6), w: (U2, U1, U2, U2)| x.conv2d(&w, None)
    );
    typed_case!(
        m,
        "conv2d_with",
        format!("[{n}, 2, 5, 5] stride 2 padding 1"),
        [rng.leaf(&[n, 2, 5, 5]), rng.leaf(&[3, 2, 3, 3])],
        |x: (Dyn, U2, U5, U5), w: (U3, U2, U3, U3)| x.conv2d_with(&w, None, ConvArgs::<2, 1, 1>)
    );
    typed_case!(
        m,
        "conv2d_with",
        format!("[{n}, 1, 6, 6] dilation 2 and bias"),
        [
            rng.leaf(&[n, 1, 6, 6]),
            rng.leaf(&[2, 1, 2, 2]),
            rng.leaf(&[2])
        ],
        |x: (Dyn, U1, U6, U6), w: (U2, U1, U2, U2), b: (U2,)| {
            x.conv2d_with(&w, Some(&b), ConvArgs::<1, 0, 2>)
        }
    );
    let ramp = |rng: &mut Rng, s: &[usize]| super::leaf(rng.ramp(s.iter().product()), s);
    typed_case!(
        m,
        "max_pool2d",
        format!("[{n}, 2, 4, 4] kernel 2"),
        [ramp(rng, &[n, 2, 4, 4])],
        |x: (Dyn, U2, U4, U4)| x.max_pool2d::<2>()
    );
    typed_case!(
        m,
        "max_pool2d",
        format!("[{n}, 1, 6, 5] kernel 3"),
        [ramp(rng, &[n, 1, 6, 5])],
        |x: (Dyn, U1, U6, U5)| x.max_pool2d::<3>()
    );
    typed_case!(
        m,
        "max_pool2d_with",
        format!("[{n}, 1, 5, 5] kernel 3 stride 2 padding 1"),
        [ramp(rng, &[n, 1, 5, 5])],
        |x: (Dyn, U1, U5, U5)| x.max_pool2d_with::<3, 2, 1, 1>()
    );
    typed_case!(
        m,
        "max_pool2d_with",
        format!("[{n}, 2, 5, 5] kernel 2 stride 1 dilation 2"),
        [ramp(rng, &[n, 2, 5, 5])],
        |x: (Dyn, U2, U5, U5)| x.max_pool2d_with::<2, 1, 0, 2>()
    );
    typed_case!(
        m,
        "avg_pool2d",
        format!("[{n}, 2, 4, 4] kernel 2"),
        [rng.leaf(&[n, 2, 4, 4])],
        |x: (Dyn, U2, U4, U4)| x.avg_pool2d::<2>()
    );
    typed_case!(
        m,
        "avg_pool2d",
        format!("[{n}, 1, 6, 7] kernel 3"),
        [rng.leaf(&[n, 1, 6, 7])],
        |x: (Dyn, U1, U6, U7)| x.avg_pool2d::<3>()
    );
    typed_case!(
        m,
        "avg_pool2d_with",
        format!("[{n}, 1, 5, 5] kernel 3 stride 2 padding 1"),
        [rng.leaf(&[n, 1, 5, 5])],
        |x: (Dyn, U1, U5, U5)| x.avg_pool2d_with::<3, 2, 1>()
    );
    typed_case!(
        m,
        "avg_pool2d_with",
        format!("[{n}, 2, 6, 6] kernel 2 stride 1"),
        [rng.leaf(&[n, 2, 6, 6])],
        |x: (Dyn, U2, U6, U6)| x.avg_pool2d_with::<2, 1, 0>()
    );
    // Dropout draws its mask per call: each evaluation draws from a fork
    // seeded alike, so the mask is the same (as in ops/dropout.rs).
    for (p, seed) in [(0.3, 5u64), (0.5, 9)] {
        typed_case!(
            m,
            "dropout",
            format!("[{n}, 6] p {p} training"),
            [rng.leaf(&[n, 6])],
            |x: (Dyn, U6)| kiln::fork_rng(seed, || x.dropout(p, true))
        );
    }
    typed_case!(
        m,
        "gelu",
        format!("[{n}, 4]"),
        [rng.leaf(&[n, 4])],
        |x: (Dyn, U4)| x.gelu()
    );
    typed_case!(m, "gelu", "[2, 3, 2]", [rng.leaf(&[2, 3, 2])], |x: (
        U2,
        U3,
        U2
    )| x
        .gelu());
    typed_case!(
        m,
        "gelu_tanh",
        format!("[{n}, 4]"),
        [rng.leaf(&[n, 4])],
        |x: (Dyn, U4)| x.gelu_tanh()
    );
    typed_case!(m, "gelu_tanh", "[3, 2]", [rng.leaf(&[3, 2])], |x: (
        U3,
        U2
    )| x
        .gelu_tanh());
}
