//! The Optimizer API and bad input across optimizers: errors name the
//! optimizer and the option with PyTorch's message, and leave parameters
//! and state unchanged.

use super::lr_scheduler::{
    LinearLR, LrScheduler, OneCycleLR, OneCycleOptions, PlateauOptions, ReduceLROnPlateau, StepLR,
};
use super::*;
use crate::param::Parameter;

fn param() -> Parameter {
    Parameter::new(vec![1.0, -2.0, 3.0, 0.5], &[2, 2])
}

fn message<T>(r: crate::Result<T>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_negative_lr_is_rejected_by_every_optimizer() {
    let p = || vec![param()];
    let expect = |name: &str, m: String| {
        assert_eq!(
            m,
            format!("{name}: invalid lr: Invalid learning rate: -0.1")
        );
    };
    expect(
        "SGD",
        message(SGD::new(
            p(),
            SgdOptions {
                lr: -0.1,
                ..Default::default()
            },
        )),
    );
    expect(
        "ASGD",
        message(ASGD::new(
            p(),
            AsgdOptions {
                lr: -0.1,
                ..Default::default()
            },
        )),
    );
    expect(
        "Adadelta",
        message(Adadelta::new(
            p(),
            AdadeltaOptions {
                lr: -0.1,
                ..Default::default()
            },
        )),
    );
    expect(
        "Adagrad",
        message(Adagrad::new(
            p(),
            AdagradOptions {
                lr: -0.1,
                ..Default::default()
            },
        )),
    );
    expect(
        "Adam",
        message(Adam::new(
            p(),
            AdamOptions {
                lr: -0.1,
                ..Default::default()
            },
        )),
    );
    expect(
        "AdamW",
        message(AdamW::new(
            p(),
            AdamOptions {
                lr: -0.1,
                ..adamw_defaults()
            },
        )),
    );
    expect(
        "Adamax",
        message(Adamax::new(
            p(),
            AdamaxOptions {
                lr: -0.1,
                ..Default::default()
            },
        )),
    );
    expect(
        "NAdam",
        message(NAdam::new(
            p(),
            NAdamOptions {
                lr: -0.1,
                ..Default::default()
            },
        )),
    );
    expect(
        "RAdam",
        message(RAdam::new(
            p(),
            RAdamOptions {
                lr: -0.1,
                ..Default::default()
            },
        )),
    );
    expect(
        "RMSprop",
        message(RMSprop::new(
            p(),
            RmspropOptions {
                lr: -0.1,
                ..Default::default()
            },
        )),
    );
    expect(
        "Rprop",
        message(Rprop::new(
            p(),
            RpropOptions {
                lr: -0.1,
                ..Default::default()
            },
        )),
    );
    expect(
        "SparseAdam",
        message(SparseAdam::new(
            p(),
            SparseAdamOptions {
                lr: -0.1,
                ..Default::default()
            },
        )),
    );
    expect(
        "LBFGS",
        message(LBFGS::new(
            p(),
            LbfgsOptions {
                lr: -0.1,
                ..Default::default()
            },
        )),
    );
}

#[test]
fn betas_outside_zero_one_are_rejected_naming_the_index() {
    let m = message(Adam::new(
        vec![param()],
        AdamOptions {
            betas: (1.0, 0.999),
            ..Default::default()
        },
    ));
    assert_eq!(
        m,
        "Adam: invalid betas: Invalid beta parameter at index 0: 1.0"
    );
    let m = message(NAdam::new(
        vec![param()],
        NAdamOptions {
            betas: (0.9, -0.5),
            ..Default::default()
        },
    ));
    assert_eq!(
        m,
        "NAdam: invalid betas: Invalid beta parameter at index 1: -0.5"
    );
    let m = message(Rprop::new(
        vec![param()],
        RpropOptions {
            etas: (1.5, 1.2),
            ..Default::default()
        },
    ));
    assert_eq!(m, "Rprop: invalid etas: Invalid eta values: 1.5, 1.2");
    let m = message(Adadelta::new(
        vec![param()],
        AdadeltaOptions {
            rho: 1.5,
            ..Default::default()
        },
    ));
    assert_eq!(m, "Adadelta: invalid rho: Invalid rho value: 1.5");
}

#[test]
fn an_invalid_option_set_between_steps_fails_the_step_and_changes_nothing() {
    let p = param();
    let mut opt = SGD::new(
        vec![p.clone()],
        SgdOptions {
            lr: 0.1,
            momentum: 0.9,
            ..Default::default()
        },
    )
    .unwrap();
    *p.grad_lock() = Some(vec![1.0; 4]);
    opt.step().unwrap();
    let (before, state) = (p.to_vec(), opt.state(&p).cloned());
    opt.param_groups_mut()[0].options.dampening = 0.5;
    opt.param_groups_mut()[0].options.nesterov = true;
    assert_eq!(
        message(opt.step()),
        "SGD: invalid nesterov: Nesterov momentum requires a momentum and zero dampening"
    );
    assert_eq!(p.to_vec(), before);
    assert_eq!(opt.state(&p).cloned(), state);
}

#[test]
fn lbfgs_fails_where_pytorch_fails_with_an_error_naming_the_option() {
    // PyTorch: UnboundLocalError (max_eval 0 with strong_wolfe) and
    // IndexError (history_size 0 once an update is stored).
    let run = |options: LbfgsOptions| {
        let x = Parameter::<f64>::of(vec![-1.2, 1.0], &[2]);
        let mut opt = LBFGS::new(vec![x.clone()], options).unwrap();
        let p = x.clone();
        message(opt.step(|| {
            let v = p.to_vec();
            *p.grad_lock() = Some(vec![2.0 * (v[0] - 1.0), 20.0 * (v[1] - 2.0)]);
            Ok((v[0] - 1.0).powi(2) + 10.0 * (v[1] - 2.0).powi(2))
        }))
    };
    assert_eq!(
        run(LbfgsOptions {
            max_eval: Some(0),
            line_search_fn: Some(LineSearch::StrongWolfe),
            ..Default::default()
        }),
        "LBFGS: invalid max_eval: the strong_wolfe line search needs max_eval of at least 1, got 0"
    );
    assert_eq!(
        run(LbfgsOptions {
            lr: 0.1,
            history_size: 0,
            ..Default::default()
        }),
        "LBFGS: invalid history_size: history_size must be at least 1 to store an update"
    );
}

#[test]
fn sparse_and_dense_gradients_go_only_where_they_belong() {
    let p = param();
    let mut adam = Adam::new(vec![p.clone()], AdamOptions::default()).unwrap();
    p.accumulate_sparse_grad(&[1], &[1.0, 1.0]).unwrap();
    assert_eq!(
        message(adam.step()),
        "Adam: invalid params: Adam does not support sparse gradients, please consider SparseAdam instead"
    );
    p.zero_grad();
    let mut sparse = SparseAdam::new(vec![p.clone()], SparseAdamOptions::default()).unwrap();
    *p.grad_lock() = Some(vec![1.0; 4]);
    assert_eq!(
        message(sparse.step()),
        "SparseAdam: invalid params: SparseAdam does not support dense gradients, please consider Adam instead"
    );
    assert_eq!(p.to_vec(), vec![1.0, -2.0, 3.0, 0.5]);
    assert!(adam.state(&p).is_none() && sparse.state(&p).is_none());
}

#[test]
fn add_param_group_rejects_a_parameter_twice() {
    let (a, b) = (param(), param());
    let mut opt = Adam::new(vec![a.clone()], AdamOptions::default()).unwrap();
    opt.add_param_group(ParamGroup::new(
        vec![b],
        AdamOptions {
            lr: 1e-4,
            ..Default::default()
        },
    ))
    .unwrap();
    assert_eq!(
        message(opt.add_param_group(ParamGroup::new(vec![a], AdamOptions::default()))),
        "Adam: invalid params: some parameters appear in more than one parameter group"
    );
    assert_eq!(opt.param_groups().len(), 2);
    assert_eq!(opt.param_groups()[1].options.lr, 1e-4);
    assert_eq!(opt.defaults().lr, 1e-3);
}

#[test]
fn state_is_readable_zero_grad_sets_none_and_gradless_params_do_not_advance() {
    let (a, b) = (param(), param());
    let mut opt = Adam::new(vec![a.clone(), b.clone()], AdamOptions::default()).unwrap();
    *a.grad_lock() = Some(vec![0.5; 4]);
    opt.step().unwrap();
    let s = opt.state(&a).unwrap();
    assert_eq!(s.step, 1.0);
    assert!(s.exp_avg.iter().all(|&v| (v - 0.05).abs() < 1e-7)); // (1 - 0.9) * 0.5
    assert!(s.exp_avg_sq.iter().all(|&v| (v - 0.00025).abs() < 1e-7)); // (1 - 0.999) * 0.25
    assert!(opt.state(&b).is_none());
    opt.zero_grad();
    assert!(a.grad().is_none());
    opt.step().unwrap();
    assert_eq!(opt.state(&a).unwrap().step, 1.0);
}

#[test]
fn a_state_dict_from_another_optimizer_or_other_parameters_is_an_error() {
    let p = param();
    let mut sgd = SGD::new(
        vec![p.clone()],
        SgdOptions {
            momentum: 0.9,
            ..Default::default()
        },
    )
    .unwrap();
    *p.grad_lock() = Some(vec![1.0; 4]);
    sgd.step().unwrap();
    let mut adam = Adam::new(vec![p.clone()], AdamOptions::default()).unwrap();
    adam.step().unwrap();
    let before = adam.state(&p).cloned();
    assert_eq!(
        message(adam.load_state_dict(&sgd.state_dict())),
        "Adam: invalid state_dict: the state dict is from a SGD optimizer, not Adam"
    );
    let other = Adam::new(
        vec![Parameter::new(vec![0.0; 3], &[3])],
        AdamOptions::default(),
    )
    .unwrap();
    assert_eq!(
        message(adam.load_state_dict(&other.state_dict())),
        "Adam: invalid state_dict: parameter 0 has shape [2, 2], the saved state is for shape [3]"
    );
    let two = Adam::new(vec![param(), param()], AdamOptions::default()).unwrap();
    assert_eq!(
        message(adam.load_state_dict(&two.state_dict())),
        "Adam: invalid state_dict: loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
    );
    assert_eq!(adam.state(&p).cloned(), before);
}

#[test]
fn a_state_dict_round_trips_through_safetensors_exactly() {
    let p = param();
    let mut opt = RMSprop::new(
        vec![p.clone()],
        RmspropOptions {
            lr: 0.0123456789,
            centered: true,
            momentum: 0.3,
            ..Default::default()
        },
    )
    .unwrap();
    *p.grad_lock() = Some(vec![0.1, -0.2, 0.3, 0.7]);
    opt.step().unwrap();
    let sd = opt.state_dict();
    let path =
        std::env::temp_dir().join(format!("kiln-optim-rt-{}.safetensors", std::process::id()));
    sd.save(&path).unwrap();
    let loaded = OptimizerStateDict::load(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(loaded, sd);
    let mut fresh = RMSprop::new(vec![p.clone()], RmspropOptions::default()).unwrap();
    fresh.load_state_dict(&loaded).unwrap();
    assert_eq!(fresh.state(&p), opt.state(&p));
    assert_eq!(
        fresh.param_groups()[0].options,
        opt.param_groups()[0].options
    );
}

#[test]
fn a_model_file_is_not_an_optimizer_state_dict() {
    let path = std::env::temp_dir().join(format!(
        "kiln-optim-model-{}.safetensors",
        std::process::id()
    ));
    crate::io::save_safetensors(&path, &[("0.bias", &[1], &[0.0])], None).unwrap();
    let m = message(OptimizerStateDict::load(&path));
    std::fs::remove_file(&path).unwrap();
    assert!(
        m.ends_with("no `kiln.optimizer` metadata: not an optimizer state dict"),
        "{m}"
    );
}

#[test]
fn schedulers_reject_bad_options_as_pytorch_does() {
    let mut opt = SGD::new(
        vec![param()],
        SgdOptions {
            lr: 0.1,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        message(LinearLR::new(&mut opt, 0.0, 1.0, 5)),
        "LinearLR: invalid start_factor: Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
    );
    assert_eq!(
        message(ReduceLROnPlateau::new(
            &mut opt,
            PlateauOptions {
                factor: 1.0,
                ..Default::default()
            }
        )),
        "ReduceLROnPlateau: invalid factor: Factor should be < 1.0."
    );
    assert_eq!(
        message(
            OneCycleLR::new(
                &mut opt,
                OneCycleOptions {
                    max_lr: vec![0.1],
                    total_steps: Some(2),
                    ..Default::default()
                }
            )
            .and_then(|mut s| {
                s.step(&mut opt)?;
                s.step(&mut opt)?;
                s.step(&mut opt)
            })
        ),
        "OneCycleLR: invalid total_steps: Tried to step 3 times. The specified number of total steps is 2"
    );
    let mut adagrad = Adagrad::new(vec![param()], AdagradOptions::default()).unwrap();
    assert_eq!(
        message(OneCycleLR::new(
            &mut adagrad,
            OneCycleOptions {
                max_lr: vec![0.1],
                total_steps: Some(5),
                ..Default::default()
            }
        )),
        "OneCycleLR: invalid cycle_momentum: optimizer must support momentum or beta1 with `cycle_momentum` option enabled"
    );
}

#[test]
fn a_scheduler_acts_on_every_group_and_its_state_round_trips() {
    let mut opt = SGD::new(
        vec![param()],
        SgdOptions {
            lr: 0.1,
            ..Default::default()
        },
    )
    .unwrap();
    opt.add_param_group(ParamGroup::new(
        vec![param()],
        SgdOptions {
            lr: 0.01,
            ..Default::default()
        },
    ))
    .unwrap();
    let mut sched = StepLR::new(&mut opt, 1, 0.5).unwrap();
    sched.step(&mut opt).unwrap();
    assert_eq!(sched.get_last_lr(), &[0.05, 0.005]);
    assert_eq!(opt.param_groups()[1].options.lr, 0.005);
    let saved = sched.state_dict();
    let mut other = StepLR::new(&mut opt, 7, 0.9).unwrap();
    other.load_state_dict(&saved).unwrap();
    assert_eq!(other.last_epoch(), 1);
    let mut single = SGD::new(vec![param()], SgdOptions::default()).unwrap();
    assert_eq!(
        message(sched.step(&mut single)),
        "StepLR: invalid optimizer: the scheduler was built for 2 param groups, the SGD has 1"
    );
}
