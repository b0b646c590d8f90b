//! What stays a runtime check: sizes the compiler cannot know (a `Dyn`
//! batch, a sequence length, a `Dyn` feature dimension, data read from a
//! file). Each gives the error (or, inside an infallible typed op, the
//! panic) quoted in docs/compiler_checks.md; these tests pin the texts.

use kiln::prelude::*;
use kiln::{DynTensor, LongTensor};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The message of the panic `f` raises.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn dyn_batch_of_logits_and_labels_differ() {
    let logits = Tensor::<(Dyn, U10)>::zeros((Dyn(4), U10::new())).unwrap();
    let labels = Tensor::<(Dyn,), i64>::from_vec(vec![0, 1, 2], (Dyn(3),)).unwrap();
    let err = CrossEntropyLoss::new().forward(logits, labels).unwrap_err();
    // cross_entropy reports through the nll_loss it is built on.
    assert_eq!(
        err.to_string(),
        "nll_loss: shape mismatch: expected target of shape [4], found [3]"
    );
}

#[test]
fn dyn_batch_of_regression_target_differs() {
    let y = Tensor::<(Dyn, U1)>::zeros((Dyn(4), U1::new())).unwrap();
    let target = Tensor::<(Dyn, U1)>::zeros((Dyn(3), U1::new())).unwrap();
    let err = MSELoss::new().forward(y, target).unwrap_err();
    assert_eq!(
        err.to_string(),
        "mse_loss (target): shape mismatch: expected [4, 1], found [3, 1]"
    );
}

#[test]
fn sequence_lengths_differ_in_a_residual_add() {
    let a = Tensor::<(Dyn, U8)>::zeros((Dyn(5), U8::new())).unwrap();
    let b = Tensor::<(Dyn, U8)>::zeros((Dyn(6), U8::new())).unwrap();
    let msg = panic_message(|| drop(a + b));
    assert_eq!(msg, "add: runtime sizes differ: [5, 8] and [6, 8]");
}

#[test]
fn select_outside_a_runtime_sequence_length_panics() {
    // output[:, 3] of a 3-step sequence; output[:, -1] is its last step.
    let output = Tensor::<(Dyn, Dyn, U2)>::zeros((Dyn(4), Dyn(3), U2::new())).unwrap();
    assert_eq!(output.select::<1>(-1).dims().as_slice(), &[4, 2]);
    let msg = panic_message(|| drop(output.select::<1>(3)));
    assert_eq!(
        msg,
        "select::<1>(3): index out of range for dimension 1 of size 3"
    );
    let msg = panic_message(|| drop(output.select::<1>(-4)));
    assert_eq!(
        msg,
        "select::<1>(-4): index out of range for dimension 1 of size 3"
    );
}

#[test]
fn data_from_a_file_enters_through_from_dyn() {
    // Flat rows where images were expected, as read from a file.
    let raw = DynTensor::<f32>::zeros(&[2, 784]).unwrap();
    let err = Tensor::<(Dyn, U1, U28, U28)>::from_dyn(raw).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tensor::from_dyn: shape mismatch: expected [*, 1, 28, 28], found [2, 784]"
    );
    let labels = LongTensor::from_vec(vec![0, 1, 2], &[3, 1]).unwrap();
    let err = Tensor::<(Dyn,), i64>::from_dyn(labels).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tensor::from_dyn: shape mismatch: expected [*], found [3, 1]"
    );
}

#[test]
fn dyn_feature_dimension_is_checked_by_the_layer() {
    let fc = Linear::<U4, U3>::new();
    let x = Tensor::<(Dyn, Dyn)>::zeros((Dyn(2), Dyn(5))).unwrap();
    let msg = panic_message(|| drop(fc.forward(x)));
    assert_eq!(
        msg,
        "Linear: shape mismatch: expected input [*, 4], found [2, 5]"
    );
}

#[test]
fn class_index_out_of_range_is_an_error() {
    let logits = Tensor::<(Dyn, U3)>::zeros((Dyn(2), U3::new())).unwrap();
    let labels = Tensor::<(Dyn,), i64>::from_vec(vec![0, 3], (Dyn(2),)).unwrap();
    let err = CrossEntropyLoss::new().forward(logits, labels).unwrap_err();
    // cross_entropy reports through the nll_loss it is built on.
    assert_eq!(err.to_string(), "nll_loss: target 3 is out of range [0, 3)");
}
