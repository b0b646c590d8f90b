//! A learning-rate scheduler's state dict on arbitrary bytes: parsed as
//! JSON, then loaded into every scheduler (built over an SGD with two
//! param groups) and stepped. Errors are fine, panics are not; a failed
//! `load_state_dict` leaves the scheduler's state unchanged, and a loaded
//! state steps without dividing by zero or overflowing.
#![no_main]

use kiln::nn::Parameter;
use kiln::optim::lr_scheduler::{
    CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, LrScheduler, MultiStepLR, OneCycleLR,
    OneCycleOptions, PlateauOptions, ReduceLROnPlateau, StepLR,
};
use kiln::optim::{ParamGroup, SGD, SgdOptions};
use libfuzzer_sys::fuzz_target;

fn sgd() -> SGD {
    let options = |lr| SgdOptions {
        lr,
        momentum: 0.9,
        ..Default::default()
    };
    let p = |v: f32| Parameter::new(vec![v], &[1]);
    SGD::with_groups(
        vec![
            ParamGroup::new(vec![p(1.0)], options(0.1)),
            ParamGroup::new(vec![p(2.0)], options(0.01)),
        ],
        options(0.1),
    )
    .unwrap()
}

fuzz_target!(|data: &[u8]| {
    let Ok(state) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let mut opt = sgd();
    let one_cycle = OneCycleOptions {
        max_lr: vec![0.1],
        total_steps: Some(10),
        three_phase: true,
        ..Default::default()
    };
    let scheds: Vec<Box<dyn LrScheduler>> = vec![
        Box::new(StepLR::new(&mut opt, 2, 0.5).unwrap()),
        Box::new(MultiStepLR::new(&mut opt, vec![1, 3], 0.5).unwrap()),
        Box::new(ExponentialLR::new(&mut opt, 0.9).unwrap()),
        Box::new(CosineAnnealingLR::new(&mut opt, 4, 0.001).unwrap()),
        Box::new(LinearLR::new(&mut opt, 0.5, 1.0, 4).unwrap()),
        Box::new(LambdaLR::new(&mut opt, vec![Box::new(|e| 0.9f64.powi(e as i32))]).unwrap()),
        Box::new(OneCycleLR::new(&mut opt, one_cycle).unwrap()),
    ];
    // Each loads the state; on success it steps a few times.
    for mut sched in scheds {
        let before = sched.state_dict();
        match sched.load_state_dict(&state) {
            Ok(()) => {
                for _ in 0..3 {
                    let _ = sched.step(&mut opt);
                }
            }
            Err(_) => assert_eq!(sched.state_dict(), before),
        }
    }
    let mut plateau = ReduceLROnPlateau::new(&mut opt, PlateauOptions::default()).unwrap();
    let before = plateau.state_dict();
    match plateau.load_state_dict(&state) {
        Ok(()) => {
            for metric in [1.0, 2.0, f64::NAN] {
                let _ = plateau.step(&mut opt, metric);
            }
        }
        Err(_) => assert_eq!(plateau.state_dict(), before),
    }
});
