//! A graph serves one backward pass, and saved values must not change in
//! place: the refusals of PyTorch, with its numbers (checked with torch
//! 2.15 where stated).

use super::BACKWARD_TWICE;
use crate::autograd::{BackwardOptions, backward_with, backward_with_options};
use crate::{DynTensor, ops::linear};
use std::sync::Arc;

fn leaf(values: &[f64], shape: &[usize]) -> DynTensor<f64> {
    DynTensor::from_vec(values.to_vec(), shape)
        .unwrap()
        .requires_grad_(true)
}

fn retain() -> BackwardOptions {
    BackwardOptions::default().retain_graph(true)
}

const HINT: &str = "Hint: it was changed in place (an optimizer step, an init function, \
load_state_dict or data_mut) after the forward pass that saved it; call backward() before \
the change, or run the forward pass again after it.";

#[test]
fn a_second_backward_fails_with_pytorchs_text_and_accumulates_nothing() {
    let x = leaf(&[1.0, 2.0], &[2]);
    let loss = x.mul(&x).unwrap().sum();
    loss.backward().unwrap();
    let err = loss.backward().unwrap_err().to_string();
    assert_eq!(err, format!("autograd: {BACKWARD_TWICE}"));
    assert!(err.contains(
        "Trying to backward through the graph a second time (or directly access saved tensors \
         after they have already been freed). Saved intermediate values of the graph are freed \
         when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to \
         backward through the graph a second time or if you need to access saved tensors after \
         calling backward."
    ));
    assert_eq!(x.grad().unwrap(), vec![2.0, 4.0], "d(x·x)/dx once");
}

#[test]
fn retained_passes_accumulate_exactly_and_the_last_plain_pass_releases() {
    let x = leaf(&[1.0, 2.0], &[2]);
    let loss = x.mul(&x).unwrap().sum();
    loss.backward_with_options(retain()).unwrap();
    loss.backward_with_options(retain()).unwrap();
    assert_eq!(x.grad().unwrap(), vec![4.0, 8.0]);
    loss.backward().unwrap();
    assert_eq!(x.grad().unwrap(), vec![6.0, 12.0]);
    assert!(loss.backward_with_options(retain()).is_err());
    assert_eq!(x.grad().unwrap(), vec![6.0, 12.0]);
}

#[test]
fn a_leaf_and_a_graph_that_saves_nothing_take_any_number_of_passes() {
    // PyTorch: `x.backward(ones)` twice, `(x + b).sum().backward()` twice and
    // `x.sum().backward()` twice all succeed and double the gradient
    // (AddBackward0 and SumBackward0 save no tensor).
    let x = leaf(&[1.0, 2.0, 3.0], &[3]);
    backward_with(&x, vec![1.0, 1.0, 1.0]).unwrap();
    backward_with(&x, vec![1.0, 1.0, 1.0]).unwrap();
    assert_eq!(x.grad().unwrap(), vec![2.0; 3]);
    x.zero_grad();
    let b = DynTensor::<f64>::ones(&[3]).unwrap();
    let loss = x
        .add(&b)
        .unwrap()
        .add_scalar(1.0)
        .reshape(&[1, 3])
        .unwrap()
        .sum();
    loss.backward().unwrap();
    loss.backward().unwrap();
    assert_eq!(x.grad().unwrap(), vec![2.0; 3]);
}

#[test]
fn a_shared_subgraph_backpropagated_twice_with_retain_matches_pytorch() {
    // x = ones(2, 3); h = x * 3; w = full((2, 3), 2); l = (h * w + h).sum()
    // l.backward(retain_graph=True); l.backward()
    // PyTorch: x.grad = 18 everywhere, w.grad = 6 everywhere.
    let x = leaf(&[1.0; 6], &[2, 3]);
    let w = leaf(&[2.0; 6], &[2, 3]);
    let h = x.mul_scalar(3.0);
    let l = h.mul(&w).unwrap().add(&h).unwrap().sum();
    l.backward_with_options(retain()).unwrap();
    l.backward().unwrap();
    assert_eq!(x.grad().unwrap(), vec![18.0; 6]);
    assert_eq!(w.grad().unwrap(), vec![6.0; 6]);
    assert!(
        l.backward()
            .unwrap_err()
            .to_string()
            .contains(BACKWARD_TWICE)
    );
}

#[test]
fn two_losses_over_one_subgraph_need_the_first_to_retain_it() {
    let x = leaf(&[1.0, -2.0], &[2]);
    let h = x.mul(&x).unwrap(); // saves x
    let (first, second) = (h.sum(), h.mul_scalar(2.0).sum());
    first.backward().unwrap();
    let err = second.backward().unwrap_err().to_string();
    assert!(err.contains(BACKWARD_TWICE), "{err}");

    x.zero_grad();
    let h = x.mul(&x).unwrap();
    let (first, second) = (h.sum(), h.mul_scalar(2.0).sum());
    first.backward_with_options(retain()).unwrap();
    second.backward().unwrap();
    // d(3·x²)/dx = 6x
    assert_eq!(x.grad().unwrap(), vec![6.0, -12.0]);
}

#[test]
fn a_pass_frees_the_inputs_the_graph_held_unless_retained() {
    let x = leaf(&[1.0, 2.0], &[2]);
    let h = x.mul_scalar(3.0);
    let loss = h.mul(&h).unwrap().sum();
    // The user's handle and the two inputs of MulBackward.
    assert_eq!(Arc::strong_count(&h.node), 3);
    loss.backward_with_options(retain()).unwrap();
    assert_eq!(Arc::strong_count(&h.node), 3);
    loss.backward().unwrap();
    assert_eq!(
        Arc::strong_count(&h.node),
        1,
        "only the user's handle is left"
    );
    assert_eq!(loss.grad_fn_name(), Some("SumBackward"), "the names stay");
}

#[test]
fn version_counts_in_place_changes_only() {
    let w = leaf(&[0.0; 4], &[2, 2]);
    assert_eq!(w.version(), 0);
    w.data_mut()[0] = 1.0;
    crate::init::normal_(&w, 0.0, 1.0);
    assert_eq!(w.version(), 2);
    let w = w.requires_grad_(false).requires_grad_(true);
    assert_eq!(w.data().len(), 4);
    assert_eq!(w.version(), 2, "requires_grad_ and reads are not changes");
    assert_eq!(w.mul_scalar(2.0).version(), 0, "a new tensor starts at 0");
}

#[test]
fn a_weight_changed_after_the_forward_is_refused_with_pytorchs_words() {
    let x = DynTensor::<f32>::ones(&[2, 3])
        .unwrap()
        .requires_grad_(true);
    let w = DynTensor::<f32>::ones(&[4, 3])
        .unwrap()
        .requires_grad_(true);
    let loss = linear(&x, &w, None).unwrap().sum();
    w.data_mut()[0] = 2.0;
    crate::init::zeros_(&w);
    let err = loss.backward().unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "autograd: one of the variables needed for gradient computation has been modified \
             by an inplace operation: [float32 [4, 3]], which is input 1 of AddmmBackward, is at \
             version 2; expected version 0 instead. {HINT}"
        )
    );
    assert_eq!(x.grad(), None, "nothing accumulated");
}

#[test]
fn a_changed_output_that_backward_reads_is_refused() {
    let x = leaf(&[0.5, 1.0, 2.0], &[3]);
    let y = x.softmax(0).unwrap();
    let loss = y.mul_scalar(2.0).sum();
    y.data_mut()[0] = 0.0;
    let err = loss.backward().unwrap_err().to_string();
    assert!(
        err.contains(
            "[float64 [3]], which is output 0 of SoftmaxBackward, is at version 1; expected \
             version 0 instead."
        ),
        "{err}"
    );
}

#[test]
fn an_op_that_does_not_read_its_input_accepts_an_in_place_change() {
    // PyTorch: c = (a + b).sum(); b.add_(1) under no_grad; c.backward() gives a.grad = 1.
    let a = leaf(&[1.0; 3], &[3]);
    let b = DynTensor::<f64>::ones(&[3]).unwrap();
    let loss = a.add(&b).unwrap().sum();
    b.data_mut().iter_mut().for_each(|v| *v += 1.0);
    loss.backward().unwrap();
    assert_eq!(a.grad().unwrap(), vec![1.0; 3]);
}

#[test]
fn only_the_read_operand_of_a_division_is_checked() {
    // d(a/b): reads b and the output, not a.
    let a = leaf(&[1.0, 2.0], &[2]);
    let b = leaf(&[4.0, 8.0], &[2]);
    let loss = a.div(&b).unwrap().sum();
    a.data_mut()[0] = 5.0;
    loss.backward_with_options(retain()).unwrap();
    assert_eq!(a.grad().unwrap(), vec![0.25, 0.125]);
    b.data_mut()[0] = 5.0;
    let err = loss.backward().unwrap_err().to_string();
    assert!(
        err.contains("which is input 1 of DivBackward, is at version 1"),
        "{err}"
    );
}

#[test]
fn a_failed_check_leaves_a_retained_graph_usable_after_a_fresh_forward() {
    let x = leaf(&[1.0, 2.0], &[2]);
    let y = x.mul(&x).unwrap();
    x.data_mut()[0] = 3.0;
    assert!(backward_with_options(&y, vec![1.0, 1.0], retain()).is_err());
    let y = x.mul(&x).unwrap();
    backward_with(&y, vec![1.0, 1.0]).unwrap();
    assert_eq!(x.grad().unwrap(), vec![6.0, 4.0]);
}
