//! The optimizer of each training workload, chosen in one place.
//!
//! The workloads are generic over the optimizer: each takes an
//! [`OptChoice`], a constructor over the model's parameters, as
//! WORKLOADS.md sets them: SGD with momentum (mlp, cnn), Adam (lenet,
//! lstm), AdamW (wide, transformer).

use kiln::nn::Parameter;
use kiln::optim::{
    Adadelta, AdadeltaOptions, Adam, AdamOptions, AdamW, Algorithm, Optimizer, SGD, SgdOptions,
    adamw_defaults,
};

/// What a training step needs from an optimizer.
pub trait TrainOpt {
    /// Clears the gradients (to none, PyTorch's default).
    fn zero_grad(&self);
    /// One update of every parameter with a gradient.
    fn step(&mut self) -> kiln::Result<()>;
}

impl<A: Algorithm> TrainOpt for Optimizer<A> {
    fn zero_grad(&self) {
        Optimizer::zero_grad(self)
    }
    fn step(&mut self) -> kiln::Result<()> {
        Optimizer::step(self)
    }
}

/// A named optimizer constructor.
#[derive(Clone, Copy)]
pub struct OptChoice {
    /// Short name, also passed to the PyTorch script so both sides run the
    /// same algorithm: `sgd`, `adam` or `adamw`.
    pub name: &'static str,
    /// What is printed, with the hyper-parameters.
    pub label: &'static str,
    /// Builds it over the model's parameters.
    pub make: fn(Vec<Parameter>) -> kiln::Result<Box<dyn TrainOpt>>,
    /// Why this is not what WORKLOADS.md says, if it is not.
    pub note: Option<&'static str>,
}

/// SGD, lr 0.01, momentum 0.9: WORKLOADS.md's optimizer for mlp and cnn.
pub fn sgd_momentum(params: Vec<Parameter>) -> kiln::Result<Box<dyn TrainOpt>> {
    let options = SgdOptions {
        lr: 0.01,
        momentum: 0.9,
        ..Default::default()
    };
    Ok(Box::new(SGD::new(params, options)?))
}

/// SGD lr 0.01 momentum 0.9, as in WORKLOADS.md.
pub const SGD: OptChoice = OptChoice {
    name: "sgd",
    label: "SGD lr 0.01 momentum 0.9",
    make: sgd_momentum,
    note: None,
};

/// Adam lr 1e-3 (PyTorch's defaults otherwise): WORKLOADS.md's optimizer for lenet.
pub fn adam(params: Vec<Parameter>) -> kiln::Result<Box<dyn TrainOpt>> {
    let options = AdamOptions {
        lr: 1e-3,
        ..Default::default()
    };
    Ok(Box::new(Adam::new(params, options)?))
}

/// AdamW lr 1e-3 (PyTorch's defaults otherwise, weight_decay 0.01): WORKLOADS.md's optimizer for wide.
pub fn adamw(params: Vec<Parameter>) -> kiln::Result<Box<dyn TrainOpt>> {
    let options = AdamOptions {
        lr: 1e-3,
        ..adamw_defaults()
    };
    Ok(Box::new(AdamW::new(params, options)?))
}

/// Adam lr 1e-3.
pub const ADAM: OptChoice = OptChoice {
    name: "adam",
    label: "Adam lr 1e-3",
    make: adam,
    note: None,
};
/// AdamW lr 1e-3.
pub const ADAMW: OptChoice = OptChoice {
    name: "adamw",
    label: "AdamW lr 1e-3",
    make: adamw,
    note: None,
};

/// Adadelta lr 1.0 (PyTorch's defaults otherwise): main.py's optimizer.
pub fn adadelta(params: Vec<Parameter>) -> kiln::Result<Box<dyn TrainOpt>> {
    let options = AdadeltaOptions {
        lr: 1.0,
        ..Default::default()
    };
    Ok(Box::new(Adadelta::new(params, options)?))
}

/// Adadelta lr 1.0.
pub const ADADELTA: OptChoice = OptChoice {
    name: "adadelta",
    label: "Adadelta lr 1.0",
    make: adadelta,
    note: None,
};

/// mlp: SGD lr 0.01 momentum 0.9.
pub const MLP: OptChoice = SGD;
/// lenet: WORKLOADS.md says Adam lr 1e-3.
pub const LENET: OptChoice = ADAM;
/// wide: WORKLOADS.md says AdamW lr 1e-3.
pub const WIDE: OptChoice = ADAMW;
/// cnn: SGD lr 0.01 momentum 0.9.
pub const CNN: OptChoice = SGD;
/// mnist_example: pytorch/examples' mnist/main.py uses Adadelta lr 1.0.
pub const MNIST_EXAMPLE: OptChoice = ADADELTA;
/// lstm: WORKLOADS.md says Adam lr 1e-3.
pub const LSTM: OptChoice = ADAM;
/// transformer: WORKLOADS.md says AdamW lr 1e-3.
pub const TRANSFORMER: OptChoice = ADAMW;
