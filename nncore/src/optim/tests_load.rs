//! State loaded from a file is checked as the constructors check their
//! arguments: a saved state the constructor would refuse is refused by
//! `load_state_dict` with the constructor's message, and the optimizer or
//! scheduler is left unchanged.

use super::lr_scheduler::{
    CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, LrScheduler, MultiStepLR, OneCycleLR,
    OneCycleOptions, PlateauOptions, ReduceLROnPlateau, StepLR,
};
use super::*;
use crate::param::Parameter;
use serde_json::{Value, json};

fn sgd() -> SGD {
    let p = Parameter::new(vec![1.0, -2.0], &[2]);
    SGD::new(
        vec![p],
        SgdOptions {
            lr: 0.1,
            momentum: 0.9,
            ..Default::default()
        },
    )
    .unwrap()
}

fn message<T>(r: crate::Result<T>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

/// `state` with `key` set to `value`.
fn with(mut state: Value, key: &str, value: Value) -> Value {
    state[key] = value;
    state
}

/// Loads `bad` into `sched`: the error message, and the state unchanged.
fn refused(sched: &mut dyn LrScheduler, bad: Value) -> String {
    let before = sched.state_dict();
    let m = message(sched.load_state_dict(&bad));
    assert_eq!(sched.state_dict(), before, "{m}");
    m
}

#[test]
fn a_saved_step_size_or_t_max_of_zero_is_refused_with_the_constructors_message() {
    let mut opt = sgd();
    let mut step = StepLR::new(&mut opt, 2, 0.5).unwrap();
    assert_eq!(
        message(StepLR::new(&mut opt, 0, 0.5)),
        "StepLR: invalid step_size: step_size must be a positive integer"
    );
    let bad = with(step.state_dict(), "step_size", json!(0));
    assert_eq!(
        refused(&mut step, bad),
        "StepLR: invalid step_size: step_size must be a positive integer"
    );
    let mut cosine = CosineAnnealingLR::new(&mut opt, 4, 0.0).unwrap();
    let bad = with(cosine.state_dict(), "t_max", json!(0));
    assert_eq!(
        refused(&mut cosine, bad),
        "CosineAnnealingLR: invalid T_max: T_max must be a positive integer"
    );
    // Both still step: nothing was loaded.
    step.step(&mut opt).unwrap();
    cosine.step(&mut opt).unwrap();
}

#[test]
fn linear_lr_factors_are_checked_on_load() {
    let mut opt = sgd();
    let mut s = LinearLR::new(&mut opt, 0.5, 1.0, 3).unwrap();
    let bad = with(s.state_dict(), "start_factor", json!(0.0));
    assert_eq!(
        refused(&mut s, bad),
        "LinearLR: invalid start_factor: Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
    );
    let bad = with(s.state_dict(), "end_factor", json!(1.5));
    assert_eq!(
        refused(&mut s, bad),
        "LinearLR: invalid end_factor: Ending multiplicative factor expected to be between 0 and 1."
    );
}

#[test]
fn an_epoch_before_the_start_or_a_lr_list_of_another_length_is_refused() {
    let mut opt = sgd();
    let mut s = ExponentialLR::new(&mut opt, 0.5).unwrap();
    let mut bad = s.state_dict();
    bad["s"]["last_epoch"] = json!(-2);
    assert_eq!(
        refused(&mut s, bad),
        "ExponentialLR: invalid last_epoch: last_epoch must be at least -1, got -2"
    );
    let mut bad = s.state_dict();
    bad["s"]["last_lr"] = json!([0.1, 0.2]);
    assert_eq!(
        refused(&mut s, bad),
        "ExponentialLR: invalid state_dict: 2 last lrs for 1 param groups"
    );
    let mut m = MultiStepLR::new(&mut opt, vec![1], 0.5).unwrap();
    let mut bad = m.state_dict();
    bad["s"]["last_epoch"] = json!(i64::MIN);
    assert!(refused(&mut m, bad).starts_with("MultiStepLR: invalid last_epoch"));
    let mut lambda = LambdaLR::new(&mut opt, vec![Box::new(|_| 1.0)]).unwrap();
    let bad = with(lambda.state_dict(), "last_epoch", json!(-3));
    assert_eq!(
        refused(&mut lambda, bad),
        "LambdaLR: invalid last_epoch: last_epoch must be at least -1, got -3"
    );
}

#[test]
fn the_last_epoch_saturates_instead_of_overflowing() {
    let mut opt = sgd();
    let mut s = StepLR::new(&mut opt, 3, 0.5).unwrap();
    let mut at_end = s.state_dict();
    at_end["s"]["last_epoch"] = json!(i64::MAX);
    s.load_state_dict(&at_end).unwrap();
    s.step(&mut opt).unwrap();
    assert_eq!(s.last_epoch(), i64::MAX);
}

#[test]
fn one_cycle_state_is_checked_on_load() {
    let mut opt = sgd();
    let options = OneCycleOptions {
        max_lr: vec![0.1],
        total_steps: Some(10),
        ..Default::default()
    };
    let mut s = OneCycleLR::new(&mut opt, options.clone()).unwrap();
    assert_eq!(
        message(OneCycleLR::new(
            &mut opt,
            OneCycleOptions {
                total_steps: Some(0),
                ..options.clone()
            }
        )),
        "OneCycleLR: invalid total_steps: Expected positive integer total_steps, but got 0"
    );
    let bad = with(s.state_dict(), "total_steps", json!(0));
    assert_eq!(
        refused(&mut s, bad),
        "OneCycleLR: invalid total_steps: Expected positive integer total_steps, but got 0"
    );
    let bad = with(s.state_dict(), "phases", json!([]));
    assert_eq!(
        refused(&mut s, bad),
        "OneCycleLR: invalid state_dict: 0 phases and 1 group levels for 1 param groups (2 or 3 phases, one level set per group)"
    );
    assert_eq!(
        message(OneCycleLR::new(
            &mut opt,
            OneCycleOptions {
                total_steps: None,
                epochs: Some(usize::MAX),
                steps_per_epoch: Some(2),
                ..options
            }
        )),
        format!(
            "OneCycleLR: invalid epochs: epochs * steps_per_epoch ({} * 2) overflows",
            usize::MAX
        )
    );
}

#[test]
fn plateau_state_is_checked_on_load() {
    let mut opt = sgd();
    let mut s = ReduceLROnPlateau::new(&mut opt, PlateauOptions::default()).unwrap();
    let mut bad = s.state_dict();
    bad["o"]["factor"] = json!(1.0);
    let before = s.state_dict();
    assert_eq!(
        message(s.load_state_dict(&bad)),
        "ReduceLROnPlateau: invalid factor: Factor should be < 1.0."
    );
    let mut bad = s.state_dict();
    bad["o"]["min_lr"] = json!([0.0, 0.1]);
    assert_eq!(
        message(s.load_state_dict(&bad)),
        "ReduceLROnPlateau: invalid min_lr: expected 1 min_lrs, got 2"
    );
    let bad = with(s.state_dict(), "min_lrs", json!([0.5]));
    assert_eq!(
        message(s.load_state_dict(&bad)),
        "ReduceLROnPlateau: invalid min_lr: the per-group min_lrs differ from the min_lr option"
    );
    assert_eq!(s.state_dict(), before);
}

#[test]
fn a_plateau_state_before_its_first_metric_round_trips() {
    // `best` is inf until the first metric: it used to save as `null`
    // and fail to load.
    let mut opt = sgd();
    let mut s = ReduceLROnPlateau::new(&mut opt, PlateauOptions::default()).unwrap();
    let saved = s.state_dict();
    assert_eq!(saved["best"], json!("inf"));
    s.load_state_dict(&saved).unwrap();
    assert_eq!(s.state_dict(), saved);
    let bad = with(saved, "best", json!("lots"));
    assert_eq!(
        message(s.load_state_dict(&bad)),
        "ReduceLROnPlateau: invalid state_dict: not a ReduceLROnPlateau state dict: expected a number, `inf`, `-inf` or `nan`, got `lots`"
    );
}

#[test]
fn every_optimizer_refuses_a_saved_option_its_constructor_refuses() {
    let p = || vec![Parameter::new(vec![1.0, -2.0], &[2])];
    /// Saves `opt`'s state with `lr` set to -1 and loads it back.
    macro_rules! refuses_negative_lr {
        ($opt:expr) => {{
            let mut opt = $opt.unwrap();
            let mut sd = opt.state_dict();
            sd.groups[0].options["lr"] = json!(-1.0);
            let before = opt.state_dict();
            let m = message(opt.load_state_dict(&sd));
            assert_eq!(opt.state_dict(), before);
            m
        }};
    }
    let cases = [
        (
            "SGD",
            refuses_negative_lr!(SGD::new(p(), SgdOptions::default())),
        ),
        (
            "Adam",
            refuses_negative_lr!(Adam::new(p(), AdamOptions::default())),
        ),
        (
            "AdamW",
            refuses_negative_lr!(AdamW::new(p(), adamw_defaults())),
        ),
        (
            "Adamax",
            refuses_negative_lr!(Adamax::new(p(), AdamaxOptions::default())),
        ),
        (
            "NAdam",
            refuses_negative_lr!(NAdam::new(p(), NAdamOptions::default())),
        ),
        (
            "RAdam",
            refuses_negative_lr!(RAdam::new(p(), RAdamOptions::default())),
        ),
        (
            "Adagrad",
            refuses_negative_lr!(Adagrad::new(p(), AdagradOptions::default())),
        ),
        (
            "Adadelta",
            refuses_negative_lr!(Adadelta::new(p(), AdadeltaOptions::default())),
        ),
        (
            "RMSprop",
            refuses_negative_lr!(RMSprop::new(p(), RmspropOptions::default())),
        ),
        (
            "Rprop",
            refuses_negative_lr!(Rprop::new(p(), RpropOptions::default())),
        ),
        (
            "ASGD",
            refuses_negative_lr!(ASGD::new(p(), AsgdOptions::default())),
        ),
        (
            "SparseAdam",
            refuses_negative_lr!(SparseAdam::new(p(), SparseAdamOptions::default())),
        ),
    ];
    for (name, m) in cases {
        assert_eq!(
            m,
            format!("{name}: invalid lr: Invalid learning rate: -1.0")
        );
    }
}

#[test]
fn lbfgs_refuses_saved_options_its_constructor_refuses() {
    let x = Parameter::<f64>::of(vec![0.0], &[1]);
    let mut opt = LBFGS::new(vec![x], LbfgsOptions::default()).unwrap();
    let mut sd = opt.state_dict();
    sd.options.max_iter = 0;
    assert_eq!(
        message(opt.load_state_dict(&sd)),
        "LBFGS: invalid max_iter: max_iter must be at least 1"
    );
    sd.options = LbfgsOptions {
        lr: f64::NAN,
        ..Default::default()
    };
    assert_eq!(
        message(opt.load_state_dict(&sd)),
        "LBFGS: invalid lr: Invalid learning rate: nan"
    );
    assert_eq!(opt.param_groups()[0].options, LbfgsOptions::default());
}

#[test]
fn non_finite_numbers_print_as_python_does() {
    let p = || vec![Parameter::new(vec![1.0], &[1])];
    let lr = |lr: f64| {
        message(SGD::new(
            p(),
            SgdOptions {
                lr,
                ..Default::default()
            },
        ))
    };
    assert_eq!(lr(f64::NAN), "SGD: invalid lr: Invalid learning rate: nan");
    assert_eq!(
        lr(f64::NEG_INFINITY),
        "SGD: invalid lr: Invalid learning rate: -inf"
    );
    // PyTorch accepts an infinite lr (`0.0 <= inf`), and so does Kiln.
    assert!(
        SGD::new(
            p(),
            SgdOptions {
                lr: f64::INFINITY,
                ..Default::default()
            }
        )
        .is_ok()
    );
    assert_eq!(
        message(Adam::new(
            p(),
            AdamOptions {
                betas: (f64::NAN, 0.999),
                ..Default::default()
            }
        )),
        "Adam: invalid betas: Invalid beta parameter at index 0: nan"
    );
    assert_eq!(
        message(crate::ops::dropout(
            &crate::DynTensor::<f32>::zeros(&[1]).unwrap(),
            2.0,
            true
        )),
        "Dropout: invalid p: dropout probability has to be between 0 and 1, but got 2.0"
    );
}
