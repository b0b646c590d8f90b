//! Numbers worked by hand from PyTorch's formula (torch/nn/utils/clip_grad.py):
//! total = ‖(‖g_1‖_p, ‖g_2‖_p, ...)‖_p, coef = min(max_norm / (total + 1e-6), 1),
//! g ← g * coef; clip_grad_value_ clamps each element.

use super::*;

/// Two parameters with gradients a = [3, 4] (‖a‖₂ = 5) and b = [12], and one
/// without a gradient.
fn params() -> (Parameter, Parameter, Parameter) {
    let a = Parameter::new(vec![0.0, 0.0], &[2]);
    let b = Parameter::new(vec![0.0], &[1]);
    let c = Parameter::new(vec![1.0], &[1]);
    *a.grad_lock() = Some(vec![3.0, 4.0]);
    *b.grad_lock() = Some(vec![12.0]);
    (a, b, c)
}

#[test]
fn two_norm_scales_by_max_norm_over_total_plus_eps() {
    let (a, b, c) = params();
    // sqrt(9 + 16 + 144) = 13; the gradient-less c is neither counted nor changed.
    let total = clip_grad_norm_(&[a.clone(), b.clone(), c.clone()], 6.5, 2.0, false).unwrap();
    assert_eq!(total, 13.0);
    let coef = 6.5f32 / (13.0 + 1e-6); // 0.49999997 in f32
    assert!((coef - 0.5).abs() < 1e-7);
    assert_eq!(a.grad().unwrap(), vec![3.0 * coef, 4.0 * coef]);
    assert_eq!(b.grad().unwrap(), vec![12.0 * coef]);
    assert_eq!(c.grad(), None);
}

#[test]
fn a_norm_below_max_norm_leaves_gradients_unchanged() {
    let (a, b, _) = params();
    let total = clip_grad_norm_(&[a.clone(), b.clone()], 100.0, 2.0, false).unwrap();
    assert_eq!(total, 13.0);
    assert_eq!(a.grad().unwrap(), vec![3.0, 4.0]);
    assert_eq!(b.grad().unwrap(), vec![12.0]);
}

#[test]
fn other_norm_types_follow_the_norm_of_norms() {
    let cases: [(f64, f32); 5] = [
        (f64::INFINITY, 12.0),    // max(max|a|, max|b|) = max(4, 12)
        (f64::NEG_INFINITY, 3.0), // min(min|a|, min|b|) = min(3, 12)
        (1.0, 19.0),              // (3 + 4) + 12
        (0.0, 2.0),               // ‖(2 non-zeros, 1 non-zero)‖₀ = 2 tensors, as PyTorch
        (3.0, 12.207055),         // ((27 + 64) + 1728)^(1/3) = 1819^(1/3)
    ];
    for (p, expected) in cases {
        let (a, b, _) = params();
        let total = clip_grad_norm_(&[a.clone(), b.clone()], 2.0, p, false).unwrap();
        assert!((total - expected).abs() < 1e-5, "p = {p}: {total}");
        let coef = (2.0 / (expected + 1e-6)).min(1.0);
        let g = b.grad().unwrap()[0];
        assert!((g - 12.0 * coef).abs() < 1e-5, "p = {p}: {g}");
    }
}

#[test]
fn no_gradients_give_a_zero_norm() {
    let p = Parameter::new(vec![1.0], &[1]);
    assert_eq!(
        clip_grad_norm_(std::slice::from_ref(&p), 1.0, 2.0, true).unwrap(),
        0.0
    );
    assert_eq!(clip_grad_norm_(&[], 1.0, 2.0, true).unwrap(), 0.0);
    assert_eq!(p.grad(), None);
}

#[test]
fn a_non_finite_norm_is_an_error_with_pytorchs_message_when_asked() {
    let (a, b, _) = params();
    *a.grad_lock() = Some(vec![f32::INFINITY, 1.0]);
    let err = clip_grad_norm_(&[a.clone(), b.clone()], 1.0, 2.0, true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "clip_grad_norm_: non-finite value: The total norm of order 2.0 for gradients from \
         `parameters` is non-finite, so it cannot be clipped. To disable this error and scale \
         the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
    );
    assert_eq!(b.grad().unwrap(), vec![12.0], "unchanged on error");
    let err = clip_grad_norm_(std::slice::from_ref(&a), 1.0, f64::INFINITY, true).unwrap_err();
    assert!(err.to_string().contains("of order inf for"), "{err}");
}

#[test]
fn a_non_finite_norm_is_applied_anyway_when_not_asked() {
    // coef = 1 / (inf + 1e-6) = 0: inf * 0 = NaN, finite * 0 = 0 (PyTorch's result).
    let (a, b, _) = params();
    *a.grad_lock() = Some(vec![f32::INFINITY, 1.0]);
    let total = clip_grad_norm_(&[a.clone(), b.clone()], 1.0, 2.0, false).unwrap();
    assert_eq!(total, f32::INFINITY);
    let g = a.grad().unwrap();
    assert!(g[0].is_nan());
    assert_eq!(g[1], 0.0);
    assert_eq!(b.grad().unwrap(), vec![0.0]);
    // A NaN gradient makes the norm and every gradient NaN.
    let (a, b, _) = params();
    *a.grad_lock() = Some(vec![f32::NAN, 1.0]);
    let total = clip_grad_norm_(&[a.clone(), b.clone()], 1.0, 2.0, false).unwrap();
    assert!(total.is_nan());
    assert!(b.grad().unwrap()[0].is_nan());
}

#[test]
fn clip_grad_value_clamps_each_element_and_keeps_nan() {
    let (a, b, c) = params();
    *a.grad_lock() = Some(vec![-2.0, 0.5]);
    *b.grad_lock() = Some(vec![f32::NAN]);
    clip_grad_value_(&[a.clone(), b.clone(), c.clone()], 1.0);
    assert_eq!(a.grad().unwrap(), vec![-1.0, 0.5]);
    assert!(b.grad().unwrap()[0].is_nan());
    assert_eq!(c.grad(), None);
}

#[test]
fn clip_grad_value_with_a_negative_value_clamps_to_it_like_pytorch() {
    // clamp_min(x, 1) then clamp_max(., -1): every element becomes -1.
    let (a, _, _) = params();
    clip_grad_value_(std::slice::from_ref(&a), -1.0);
    assert_eq!(a.grad().unwrap(), vec![-1.0, -1.0]);
}
