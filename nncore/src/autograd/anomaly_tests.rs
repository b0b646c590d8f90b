use super::*;
use crate::autograd::no_grad;

fn x() -> DynTensor<f64> {
    DynTensor::from_vec(vec![0.0, 1.0], &[2])
        .unwrap()
        .requires_grad_(true)
}

#[test]
fn a_nan_gradient_in_backward_names_the_op() {
    // log(0) = -inf; * 0 = NaN in forward; backward: MulScalar gives 0,
    // then LogBackward computes 0 / x = 0 / 0 = NaN for element 0.
    let x = x();
    let err = detect_anomaly(|| x.log().mul_scalar(0.0).sum().backward()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "backward: non-finite value: LogBackward returned NaN at element 0 of [2] \
         as the gradient of its input 0 (anomaly mode)"
    );
    assert_eq!(x.grad(), None, "nothing accumulated past the anomaly");
    // The first anomaly of the whole computation was the forward -inf of log.
    let first = first_anomaly().unwrap();
    assert_eq!(first.op, "LogBackward");
    assert_eq!(first.pass, Pass::Forward);
    assert_eq!(
        first.to_string(),
        "the forward of LogBackward produced -inf at element 0 of [2]"
    );
}

#[test]
fn a_forward_inf_is_recorded_with_the_op_and_does_not_panic() {
    let x = DynTensor::<f64>::from_vec(vec![1.0, 1000.0], &[2])
        .unwrap()
        .requires_grad_(true);
    let y = detect_anomaly(|| x.exp());
    assert_eq!(y.to_vec()[1], f64::INFINITY);
    assert_eq!(
        first_anomaly(),
        Some(Anomaly {
            op: "ExpBackward",
            pass: Pass::Forward,
            detail: "produced inf at element 1 of [2]".into(),
        })
    );
}

#[test]
fn a_backward_anomaly_is_recorded_when_the_forward_was_finite() {
    // log(1e-320) = -736.8 is finite, but its gradient 1 / 1e-320 overflows to inf.
    let x = DynTensor::<f64>::from_vec(vec![1.0, 1e-320], &[2])
        .unwrap()
        .requires_grad_(true);
    let err = detect_anomaly(|| x.log().sum().backward()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "backward: non-finite value: LogBackward returned inf at element 1 of [2] \
         as the gradient of its input 0 (anomaly mode)"
    );
    let first = first_anomaly().unwrap();
    assert_eq!(
        first.to_string(),
        "the backward of LogBackward returned inf at element 1 of [2] as the gradient of its input 0"
    );
    // Finite both ways: no error, nothing recorded.
    let y = x.detach().requires_grad_(true);
    detect_anomaly(|| y.mul(&y).unwrap().sum().backward()).unwrap();
    assert_eq!(first_anomaly(), None);
}

#[test]
fn outside_anomaly_mode_nothing_is_checked_or_recorded() {
    detect_anomaly(|| ());
    assert_eq!(first_anomaly(), None, "an outermost call clears the record");
    let x = x();
    x.log().mul_scalar(0.0).sum().backward().unwrap();
    assert!(x.grad().unwrap()[0].is_nan());
    assert_eq!(first_anomaly(), None);
    // Under no_grad the op has no graph name, so it is not checked.
    detect_anomaly(|| no_grad(|| x.log()));
    assert_eq!(first_anomaly(), None);
    assert!(!is_anomaly_enabled());
}

#[test]
fn a_nested_call_keeps_the_outer_record() {
    let x = x();
    detect_anomaly(|| {
        let _ = x.log();
        detect_anomaly(|| ());
        assert!(is_anomaly_enabled());
    });
    assert_eq!(first_anomaly().unwrap().op, "LogBackward");
    assert!(!is_anomaly_enabled());
}
