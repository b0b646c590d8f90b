//! Optimizers, like `torch.optim`, and learning-rate schedulers, like
//! `torch.optim.lr_scheduler`.
//!
//! An optimizer is an [`Algorithm`]: its hyper-parameters (one value per
//! param group), its per-parameter state, and an update over slices. One
//! generic driver, [`Optimizer`], holds the param groups, keys state by
//! parameter, skips parameters without a gradient or frozen ones, and
//! offers PyTorch's API (`defaults`, `state`, `zero_grad`, `step`,
//! `param_groups`, `add_param_group`, `state_dict`, `load_state_dict`).
//! Adding an optimizer is one file. [`LBFGS`], which needs all parameters
//! at once and a closure, has its own type.
//!
//! Parameters of any element type work (`Optimizer<A, f64>` over
//! `Parameter<f64>` is how the float64 conformance cases run); models use
//! the `f32` default.
//!
//! Sparse gradients: a parameter carries, beside its dense gradient, a
//! row-sparse one ([`SparseGrad`]). A layer producing sparse gradients
//! (an `Embedding` with `sparse: true`) keeps a clone of its weight
//! `Parameter` in its backward and calls
//! [`crate::param::Parameter::accumulate_sparse_grad`]`(rows, values)`
//! instead of returning a dense weight gradient. [`SparseAdam`] consumes
//! it; every other optimizer rejects it (and SparseAdam rejects dense
//! gradients), as PyTorch does.
//!
//! Learning-rate schedulers are in [`lr_scheduler`]; they act on any
//! optimizer through [`LrGroups`].

mod adadelta;
mod adagrad;
mod adam;
mod adam_family;
mod adamax;
mod adamw;
mod asgd;
mod check;
mod driver;
mod lbfgs;
mod lbfgs_direction;
mod line_search;
pub mod lr_scheduler;
mod nadam;
mod radam;
mod rmsprop;
mod rprop;
mod sgd;
mod sparse_adam;
mod state;
pub(crate) mod state_dict;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_load;

pub use crate::param::SparseGrad;
pub use adadelta::{Adadelta, AdadeltaAlgorithm, AdadeltaOptions, AdadeltaState};
pub use adagrad::{Adagrad, AdagradAlgorithm, AdagradOptions, AdagradState};
pub use adam::{Adam, AdamAlgorithm, AdamOptions, AdamState};
pub use adamax::{Adamax, AdamaxAlgorithm, AdamaxOptions, AdamaxState};
pub use adamw::{AdamW, AdamWAlgorithm, adamw_defaults};
pub use asgd::{ASGD, AsgdAlgorithm, AsgdOptions, AsgdState};
pub use driver::{Algorithm, GroupOptions, Optimizer, ParamGroup};
pub use lbfgs::{LBFGS, LbfgsOptions, LbfgsState, LbfgsStateDict, LineSearch};
pub use lr_scheduler::LrGroups;
pub use nadam::{NAdam, NAdamAlgorithm, NAdamOptions, NAdamState};
pub use radam::{RAdam, RAdamAlgorithm, RAdamOptions, RAdamState};
pub use rmsprop::{RMSprop, RmspropAlgorithm, RmspropOptions, RmspropState};
pub use rprop::{Rprop, RpropAlgorithm, RpropOptions, RpropState};
pub use sgd::{SGD, SgdAlgorithm, SgdOptions, SgdState};
pub use sparse_adam::{SparseAdam, SparseAdamAlgorithm, SparseAdamOptions};
pub use state::{StateEntries, StateField, StateValue};
pub use state_dict::{GroupState, OptimizerStateDict};
