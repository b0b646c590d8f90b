//! An optimizer state dict, and a whole training checkpoint, on arbitrary
//! bytes: parsed, then loaded into an Adam and an SGD over two parameters
//! and stepped. Errors are fine, panics are not, and a failed
//! `load_state_dict` leaves the optimizer's state dict unchanged.
#![no_main]

use kiln::checkpoint::Checkpoint;
use kiln::nn::Parameter;
use kiln::optim::{Adam, AdamOptions, OptimizerStateDict, SGD, SgdOptions};
use libfuzzer_sys::fuzz_target;

fn params() -> Vec<Parameter> {
    vec![
        Parameter::new(vec![1.0, -2.0, 0.5], &[3]),
        Parameter::new(vec![0.25, 4.0], &[2]),
    ]
}

fn set_grads(ps: &[Parameter]) {
    for p in ps {
        let n = p.to_vec().len();
        *p.grad_lock() = Some(vec![0.5; n]);
    }
}

fn exercise(sd: &OptimizerStateDict) {
    let ps = params();
    let mut adam = Adam::new(ps.clone(), AdamOptions::default()).unwrap();
    let before = adam.state_dict();
    match adam.load_state_dict(sd) {
        Ok(()) => {
            set_grads(&ps);
            let _ = adam.step();
        }
        Err(_) => assert_eq!(adam.state_dict(), before),
    }
    let ps = params();
    let mut sgd = SGD::new(
        ps.clone(),
        SgdOptions {
            lr: 0.1,
            momentum: 0.9,
            ..Default::default()
        },
    )
    .unwrap();
    let before = sgd.state_dict();
    match sgd.load_state_dict(sd) {
        Ok(()) => {
            set_grads(&ps);
            let _ = sgd.step();
        }
        Err(_) => assert_eq!(sgd.state_dict(), before),
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(sd) = OptimizerStateDict::from_bytes(data, "fuzz.safetensors") {
        exercise(&sd);
    }
    if let Ok(ckpt) = Checkpoint::from_bytes(data, "fuzz.ckpt") {
        exercise(&ckpt.optimizer);
    }
});
