//! Optimizers, like `torch.optim`.
//!
//! An optimizer is an [`Algorithm`]: its hyper-parameters (one value per
//! param group), its per-parameter state, and an update over slices. One
//! generic driver, [`Optimizer`], holds the param groups, keys state by
//! parameter, skips parameters without a gradient or frozen ones, and
//! offers PyTorch's API (`zero_grad`, `step`, `param_groups`,
//! `add_param_group`). Adding an optimizer is one file.

mod driver;
mod sgd;

pub use driver::{Algorithm, GroupOptions, Optimizer, ParamGroup};
pub use sgd::{SGD, Sgd, SgdOptions, SgdState};
