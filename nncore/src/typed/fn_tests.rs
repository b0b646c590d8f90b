//! Tests of the typed functional API: output types, values against
//! PyTorch's, and the panics on runtime (`Dyn`) sizes that do not fit.

use crate::Tensor;
use crate::shape::*;

/// Compiles only if both tensors have the same type.
fn same_type<S: Shape>(_: &Tensor<S>, _: &Tensor<S>) {}

fn arange<S: Shape>(shape: S) -> Tensor<S> {
    let n = shape.dims().numel();
    Tensor::from_vec((0..n).map(|v| v as f32).collect(), shape).unwrap()
}

#[test]
fn shape_ops_give_pytorchs_values() {
    // torch.arange(24.).reshape(2, 3, 4)
    let x = arange((Dyn(2), U3::new(), U4::new()));
    // .permute(2, 0, 1).flatten()
    let p = x.permute::<2, 0, 1>();
    same_type(&p, &arange((U4::new(), Dyn(2), U3::new())));
    assert_eq!(
        p.to_vec(),
        [
            0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23
        ]
        .map(|v| v as f32)
        .to_vec()
    );
    // .transpose(1, 2) equals .permute(0, 2, 1)
    assert_eq!(
        x.transpose::<1, 2>().to_vec(),
        x.permute::<0, 2, 1>().to_vec()
    );
    // .narrow(2, 1, 2)
    assert_eq!(
        x.narrow::<2, 1, 2>().to_vec(),
        [1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22]
            .map(|v| v as f32)
            .to_vec()
    );
    // .reshape(-1, 6), .flatten(1), .unsqueeze(1).squeeze(1)
    let r = x.reshape::<(Infer, U6)>();
    assert_eq!(r.dims().as_slice(), &[4, 6]);
    assert_eq!(r.to_vec(), x.to_vec());
    assert_eq!(x.flatten::<1>().dims().as_slice(), &[2, 12]);
    assert_eq!(x.flatten::<0>().dims().as_slice(), &[24]);
    let u = x.unsqueeze::<1>();
    same_type(&u.squeeze::<1>(), &x);
    // torch.cat([x, x[:, :1]], 1) and torch.stack([x, x], 3)
    let c = x.cat::<1, _>(&x.narrow::<1, 0, 1>());
    assert_eq!(c.dims().as_slice(), &[2, 4, 4]);
    assert_eq!(
        c.to_vec()[12..20],
        [0, 1, 2, 3, 12, 13, 14, 15].map(|v| v as f32)
    );
    let s = Tensor::stack::<3>(&[x.clone(), x.clone()]).unwrap();
    assert_eq!(s.dims().as_slice(), &[2, 3, 4, 2]);
    assert_eq!(s.to_vec()[..4], [0.0, 0.0, 1.0, 1.0]);
}

#[test]
fn reductions_give_pytorchs_values() {
    let x = arange((Dyn(2), U3::new(), U4::new()));
    // x.sum(1), x.mean(2, keepdim=True), x.max(1), x.argmax(2)
    assert_eq!(
        x.sum_dim::<1>().to_vec(),
        [12, 15, 18, 21, 48, 51, 54, 57].map(|v| v as f32).to_vec()
    );
    let m = x.mean_keepdim::<2>();
    assert_eq!(m.dims().as_slice(), &[2, 3, 1]);
    assert_eq!(m.to_vec(), vec![1.5, 5.5, 9.5, 13.5, 17.5, 21.5]);
    let (values, indices) = x.max_dim::<1>();
    assert_eq!(
        values.to_vec(),
        [8, 9, 10, 11, 20, 21, 22, 23].map(|v| v as f32).to_vec()
    );
    assert_eq!(indices.to_vec(), vec![2; 8]);
    let (values, indices) = x.max_keepdim::<0>();
    assert_eq!(values.dims().as_slice(), &[1, 3, 4]);
    assert_eq!(indices.to_vec(), vec![1; 12]);
    assert_eq!(x.argmax::<2>().to_vec(), vec![3; 6]);
    assert_eq!(x.argmax_keepdim::<2>().dims().as_slice(), &[2, 3, 1]);
    // F.softmax(x, 1) sums to one along dim 1
    let sums = x.softmax::<1>().sum_dim::<1>().to_vec();
    assert!(sums.iter().all(|s| (s - 1.0).abs() < 1e-6));
}

#[test]
fn matrix_products_give_pytorchs_values() {
    // torch.arange(6.).reshape(2, 3) @ torch.arange(6.).reshape(3, 2)
    let a = arange((Dyn(2), U3::new()));
    let b = arange((U3::new(), U2::new()));
    assert_eq!(a.matmul(&b).to_vec(), vec![10.0, 13.0, 28.0, 40.0]);
    let ab =
        arange((U1::new(), U2::new(), U3::new())).bmm(&arange((U1::new(), U3::new(), U2::new())));
    assert_eq!(ab.to_vec(), vec![10.0, 13.0, 28.0, 40.0]);
}

#[test]
#[should_panic(
    expected = "reshape: runtime sizes: a tensor of shape [5, 2] (10 elements) does not fit [2, 4]"
)]
fn reshape_of_a_runtime_count_that_does_not_divide_panics() {
    let _ = Tensor::<(Dyn, U2)>::zeros((Dyn(5), U2::new()))
        .unwrap()
        .reshape::<(Infer, U4)>();
}

#[test]
#[should_panic(expected = "squeeze::<0>(): dimension 0 has the runtime size 3, not 1")]
fn squeeze_of_a_runtime_size_other_than_one_panics() {
    let _ = Tensor::<(Dyn, U2)>::zeros((Dyn(3), U2::new()))
        .unwrap()
        .squeeze::<0>();
}

#[test]
#[should_panic(
    expected = "narrow: invalid length: start (1) + length (2) exceeds dimension size (2)"
)]
fn narrow_past_a_runtime_size_panics() {
    let _ = Tensor::<(Dyn, U2)>::zeros((Dyn(2), U2::new()))
        .unwrap()
        .narrow::<0, 1, 2>();
}

#[test]
#[should_panic(
    expected = "cat: shape mismatch: expected [3, *] (sizes may differ only in dimension 1), found [4, 2]"
)]
fn cat_of_differing_runtime_sizes_panics() {
    let a = Tensor::<(Dyn, U2)>::zeros((Dyn(3), U2::new())).unwrap();
    let _ = a.cat::<1, _>(&Tensor::<(Dyn, U2)>::zeros((Dyn(4), U2::new())).unwrap());
}

#[test]
#[should_panic(expected = "eq: runtime sizes differ: [3] and [4]")]
fn eq_of_differing_runtime_sizes_panics() {
    let a = Tensor::<(Dyn,), i64>::from_vec(vec![0; 3], (Dyn(3),)).unwrap();
    let _ = a.eq(&Tensor::<(Dyn,), i64>::from_vec(vec![0; 4], (Dyn(4),)).unwrap());
}

#[test]
#[should_panic(
    expected = "Dropout: invalid p: dropout probability has to be between 0 and 1, but got 1.5"
)]
fn dropout_with_a_bad_probability_panics() {
    let _ = Tensor::<(U2,)>::zeros((U2::new(),))
        .unwrap()
        .dropout(1.5, true);
}

#[test]
fn stack_errors_are_values() {
    let rows: Vec<Tensor<(Dyn,)>> = vec![];
    assert_eq!(
        Tensor::stack::<0>(&rows).unwrap_err().to_string(),
        "stack: invalid tensors: expected a non-empty list of tensors"
    );
    let rows = vec![
        Tensor::<(Dyn,)>::zeros((Dyn(2),)).unwrap(),
        Tensor::zeros((Dyn(3),)).unwrap(),
    ];
    assert_eq!(
        Tensor::stack::<0>(&rows).unwrap_err().to_string(),
        "stack: shape mismatch: expected every tensor of shape [2], found [3]"
    );
}

/// `torch.flatten(x, 1, 2)` of `torch.arange(48.).reshape(2, 3, 4, 2)`:
/// shape (2, 12, 2), the same elements in the same order; and its gradient
/// through the typed API (a reshape: the upstream gradient, reshaped back).
#[test]
fn flatten_range_gives_pytorchs_shape_and_gradient() {
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    let x = arange((Dyn(2), U3::new(), U4::new(), U2::new()));
    let y = x.flatten_range::<1, 2>();
    same_type(&y, &arange((Dyn(2), U12::new(), U2::new())));
    assert_eq!(y.to_vec(), x.to_vec());
    assert_eq!(x.flatten_range::<0, 1>().dims().as_slice(), &[6, 4, 2]);
    assert_eq!(x.flatten_range::<3, 3>().dims().as_slice(), &[2, 3, 4, 2]);
    assert_eq!(x.flatten_range::<0, 3>().dims().as_slice(), &[48]);
    // Equal to flatten::<START>() when END is the last dimension.
    same_type(&x.flatten_range::<1, 3>(), &x.flatten::<1>());

    let raw = crate::test_util::rand64(&[2, 3, 4, 2], 5).requires_grad_(true);
    gradcheck(
        |xs| {
            let x = Tensor::<(Dyn, U3, U4, U2), f64>::from_dyn(xs[0].clone())?;
            // Multiplied by itself so that the gradient depends on the values.
            let y = x.flatten_range::<1, 2>().into_dyn();
            y.mul(&y)
        },
        std::slice::from_ref(&raw),
        GradcheckOptions::default(),
    )
    .unwrap();
}

#[test]
#[should_panic(
    expected = "declared: runtime sizes: a tensor of shape [3, 10] does not fit the declared [4, 10]"
)]
fn declared_with_a_different_runtime_batch_panics() {
    let x = Tensor::<(Dyn, U10)>::zeros((Dyn(3), U10::new())).unwrap();
    let _: Tensor<(U4, U10)> = x.declared();
}
