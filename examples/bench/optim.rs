//! The optimizer of each training workload, chosen in one place.
//!
//! The workloads are generic over the optimizer: each takes an
//! [`OptChoice`], a constructor over the model's parameters. WORKLOADS.md
//! asks for Adam (lenet) and AdamW (wide), which arrive with the optim
//! branch; until then those two run SGD with momentum and the run prints so
//! (`lenet: optimizer SGD ...`). After the merge, switching is a one-line
//! change per workload: replace `SGD_FALLBACK` in [`LENET`] / [`WIDE`] by
//! the `adam` / `adamw` constructor, written like [`sgd_momentum`].

use kiln::nn::Parameter;
use kiln::optim::{Algorithm, Optimizer, SGD, SgdOptions};

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

/// Stand-in for Adam / AdamW until the optim branch is merged.
pub const SGD_FALLBACK: OptChoice = OptChoice {
    note: Some("Adam/AdamW land with the optim branch"),
    ..SGD
};

/// mlp: SGD lr 0.01 momentum 0.9.
pub const MLP: OptChoice = SGD;
/// lenet: WORKLOADS.md says Adam lr 1e-3.
pub const LENET: OptChoice = SGD_FALLBACK;
/// wide: WORKLOADS.md says AdamW lr 1e-3.
pub const WIDE: OptChoice = SGD_FALLBACK;
/// cnn: SGD lr 0.01 momentum 0.9.
pub const CNN: OptChoice = SGD;
