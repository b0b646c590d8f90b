//! A whole training checkpoint on arbitrary bytes: parsed, then restored
//! as a training loop restores one — the model, every optimizer's state,
//! the scheduler's state (into several schedulers), the random generator —
//! and trained one step. Errors are fine, panics are not; a failed restore
//! leaves the object unchanged.
#![no_main]

use kiln::checkpoint::Checkpoint;
use kiln::nn::{Linear, ModuleExt, Parameter};
use kiln::optim::lr_scheduler::{CosineAnnealingLR, LrScheduler, OneCycleLR, OneCycleOptions, StepLR};
use kiln::optim::{
    ASGD, Adadelta, Adagrad, Adam, AdamW, Adamax, NAdam, OptimizerStateDict, RAdam, RMSprop,
    Rprop, SGD, SgdOptions, adamw_defaults,
};
use kiln::typenum::{U1, U2};
use libfuzzer_sys::fuzz_target;

fn set_grads(ps: &[Parameter]) {
    for p in ps {
        let n = p.to_vec().len();
        *p.grad_lock() = Some(vec![0.25; n]);
    }
}

/// Loads the optimizer state into one optimizer and steps it.
macro_rules! optimizer {
    ($model:expr, $sd:expr, $ty:ident, $options:expr) => {{
        let ps = $model.parameters();
        let mut opt = $ty::new(ps.clone(), $options).unwrap();
        let before = opt.state_dict();
        match opt.load_state_dict($sd) {
            Ok(()) => {
                set_grads(&ps);
                let _ = opt.step();
            }
            Err(_) => assert_eq!(opt.state_dict(), before),
        }
    }};
}

fn optimizers(model: &Linear<U2, U1>, sd: &OptimizerStateDict) {
    let momentum = SgdOptions {
        lr: 0.1,
        momentum: 0.9,
        ..Default::default()
    };
    optimizer!(model, sd, SGD, momentum.clone());
    optimizer!(model, sd, Adam, Default::default());
    optimizer!(model, sd, AdamW, adamw_defaults());
    optimizer!(model, sd, Adamax, Default::default());
    optimizer!(model, sd, NAdam, Default::default());
    optimizer!(model, sd, RAdam, Default::default());
    optimizer!(model, sd, Adagrad, Default::default());
    optimizer!(model, sd, Adadelta, Default::default());
    optimizer!(model, sd, RMSprop, Default::default());
    optimizer!(model, sd, Rprop, Default::default());
    optimizer!(model, sd, ASGD, Default::default());
}

fn scheduler(model: &Linear<U2, U1>, state: &serde_json::Value) {
    let mut opt = SGD::new(
        model.parameters(),
        SgdOptions {
            lr: 0.1,
            momentum: 0.9,
            ..Default::default()
        },
    )
    .unwrap();
    let mut scheds: Vec<Box<dyn LrScheduler>> = vec![
        Box::new(StepLR::new(&mut opt, 2, 0.5).unwrap()),
        Box::new(CosineAnnealingLR::new(&mut opt, 3, 0.0).unwrap()),
        Box::new(
            OneCycleLR::new(
                &mut opt,
                OneCycleOptions {
                    max_lr: vec![0.1],
                    total_steps: Some(5),
                    ..Default::default()
                },
            )
            .unwrap(),
        ),
    ];
    for s in &mut scheds {
        let before = s.state_dict();
        match s.load_state_dict(state) {
            Ok(()) => {
                let _ = s.step(&mut opt);
            }
            Err(_) => assert_eq!(s.state_dict(), before),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(ckpt) = Checkpoint::from_bytes(data, "fuzz.ckpt") else {
        return;
    };
    let model = Linear::<U2, U1>::new();
    let before = model.state_dict();
    if ckpt.restore_model(&model).is_err() {
        let after = model.state_dict();
        assert_eq!(before.len(), after.len());
        for ((k1, t1), (k2, t2)) in before.iter().zip(&after) {
            assert_eq!((k1, t1.to_vec()), (k2, t2.to_vec()));
        }
    }
    optimizers(&model, &ckpt.optimizer);
    if let Some(state) = &ckpt.scheduler {
        scheduler(&model, state);
    }
    ckpt.restore_rng();
    let _ = kiln::DynTensor::<f32>::randn(&[4]).unwrap();
});
