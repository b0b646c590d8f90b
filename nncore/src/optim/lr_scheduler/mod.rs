//! Learning-rate schedulers, like `torch.optim.lr_scheduler`.
//!
//! A scheduler acts on any optimizer through [`LrGroups`] (each param
//! group's lr, and momentum for `OneCycleLR`). As in PyTorch, building a
//! scheduler performs its initial step (epoch 0) and each
//! [`LrScheduler::step`] after `optimizer.step()` moves one epoch. The
//! optimizer is passed to each call rather than borrowed for the
//! scheduler's lifetime, so the training loop keeps using it.
//!
//! ```
//! use nncore::nn::Parameter;
//! use nncore::optim::lr_scheduler::{LrScheduler, StepLR};
//! use nncore::optim::{SgdOptions, SGD};
//! let mut opt = SGD::new(vec![Parameter::new(vec![0.0], &[1])], SgdOptions { lr: 0.1, ..Default::default() })?;
//! let mut sched = StepLR::new(&mut opt, 2, 0.5)?;
//! for _ in 0..4 {
//!     opt.step()?;
//!     sched.step(&mut opt)?;
//! }
//! assert_eq!(sched.get_last_lr(), &[0.025]);
//! # Ok::<(), nncore::Error>(())
//! ```

mod cosine;
mod lambda;
mod linear;
mod one_cycle;
mod plateau;
mod step;

pub use cosine::CosineAnnealingLR;
pub use lambda::LambdaLR;
pub use linear::LinearLR;
pub use one_cycle::{AnnealStrategy, OneCycleLR, OneCycleOptions};
pub use plateau::{PlateauMode, PlateauOptions, ReduceLROnPlateau, ThresholdMode};
pub use step::{ExponentialLR, MultiStepLR, StepLR};

use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// What a scheduler needs of an optimizer: each param group's learning
/// rate and, for `OneCycleLR`, its momentum (SGD's `momentum`, Adam's
/// `betas.0`). Implemented by every optimizer.
pub trait LrGroups {
    /// The optimizer's class name, for messages.
    fn optimizer_name(&self) -> &'static str;
    /// The number of param groups.
    fn num_groups(&self) -> usize;
    /// Group `group`'s lr.
    fn group_lr(&self, group: usize) -> f64;
    /// Sets group `group`'s lr.
    fn set_group_lr(&mut self, group: usize, lr: f64);
    /// Group `group`'s momentum, if the optimizer has one.
    fn group_momentum(&self, group: usize) -> Option<f64>;
    /// Sets group `group`'s momentum (ignored without one).
    fn set_group_momentum(&mut self, group: usize, momentum: f64);
}

/// An epoch-based scheduler.
pub trait LrScheduler {
    /// Moves one epoch and sets every group's lr.
    fn step(&mut self, optimizer: &mut dyn LrGroups) -> Result<()>;
    /// The lrs set by the last step, one per group (`get_last_lr()`).
    fn get_last_lr(&self) -> &[f64];
    /// The epoch count (`last_epoch`), 0 right after construction.
    fn last_epoch(&self) -> i64;
    /// The scheduler's state (`state_dict()`), as JSON.
    fn state_dict(&self) -> serde_json::Value;
    /// Restores [`LrScheduler::state_dict`]; an error leaves it unchanged.
    fn load_state_dict(&mut self, state: &serde_json::Value) -> Result<()>;
}

/// The state every epoch-based scheduler shares: PyTorch's `base_lrs`,
/// `last_epoch` and `_last_lr`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Schedule {
    pub base_lrs: Vec<f64>,
    pub last_epoch: i64,
    pub last_lr: Vec<f64>,
}

impl Schedule {
    pub fn new(optimizer: &dyn LrGroups) -> Self {
        Schedule {
            base_lrs: (0..optimizer.num_groups())
                .map(|g| optimizer.group_lr(g))
                .collect(),
            last_epoch: -1,
            last_lr: Vec::new(),
        }
    }

    /// Checks the optimizer has the groups the scheduler was built for.
    pub fn check(&self, name: &'static str, optimizer: &dyn LrGroups) -> Result<()> {
        if optimizer.num_groups() != self.base_lrs.len() {
            return Err(Error::option(
                name,
                "optimizer",
                format!(
                    "the scheduler was built for {} param groups, the {} has {}",
                    self.base_lrs.len(),
                    optimizer.optimizer_name(),
                    optimizer.num_groups()
                ),
            ));
        }
        Ok(())
    }

    /// Current lrs of the optimizer's groups.
    pub fn current(optimizer: &dyn LrGroups) -> Vec<f64> {
        (0..optimizer.num_groups())
            .map(|g| optimizer.group_lr(g))
            .collect()
    }

    /// Sets the lrs.
    pub fn apply(&mut self, optimizer: &mut dyn LrGroups, lrs: Vec<f64>) {
        for (g, &lr) in lrs.iter().enumerate() {
            optimizer.set_group_lr(g, lr);
        }
        self.last_lr = lrs;
    }
}

/// A per-group value given once for all groups or once per group, like
/// PyTorch's `_format_param`.
pub(crate) fn per_group(
    scheduler: &'static str,
    option: &'static str,
    values: &[f64],
    groups: usize,
) -> Result<Vec<f64>> {
    match values.len() {
        1 => Ok(vec![values[0]; groups]),
        n if n == groups => Ok(values.to_vec()),
        n => Err(Error::option(
            scheduler,
            option,
            format!("expected {groups} values for {option}, got {n}"),
        )),
    }
}

/// A scheduler whose fields are checked by one function, run by its
/// constructor and by `load_state_dict` alike: a saved state the
/// constructor would have refused (a `step_size` of 0, a `T_max` of 0)
/// is refused on load with the constructor's message, instead of
/// loading and failing (or dividing by zero) at the next `step`.
pub(crate) trait Validated: Serialize + serde::de::DeserializeOwned {
    /// The class name, for messages.
    const NAME: &'static str;
    /// Rejects what the constructor rejects, and a state no constructor
    /// and no sequence of steps produces.
    fn validate(&self) -> Result<()>;
}

impl Schedule {
    /// The checks every epoch-based scheduler's state shares: an epoch
    /// counted from -1 (the constructor's start) and one last lr per group.
    pub fn validate(&self, name: &'static str) -> Result<()> {
        if self.last_epoch < -1 {
            return Err(Error::option(
                name,
                "last_epoch",
                format!("last_epoch must be at least -1, got {}", self.last_epoch),
            ));
        }
        if !self.last_lr.is_empty() && self.last_lr.len() != self.base_lrs.len() {
            return Err(Error::option(
                name,
                "state_dict",
                format!(
                    "{} last lrs for {} param groups",
                    self.last_lr.len(),
                    self.base_lrs.len()
                ),
            ));
        }
        Ok(())
    }

    /// Moves one epoch (saturating: an epoch count never overflows).
    pub fn advance(&mut self) -> i64 {
        self.last_epoch = self.last_epoch.saturating_add(1);
        self.last_epoch
    }
}

/// Validates a freshly built scheduler and performs its initial step, as
/// PyTorch's constructors do.
pub(crate) fn start<T: Validated + LrScheduler>(
    mut scheduler: T,
    optimizer: &mut dyn LrGroups,
) -> Result<T> {
    scheduler.validate()?;
    scheduler.step(optimizer)?;
    Ok(scheduler)
}

/// Shared `state_dict` plumbing for serde-able schedulers.
pub(crate) fn to_state<T: Serialize>(s: &T) -> serde_json::Value {
    serde_json::to_value(s).expect("scheduler state serializes")
}

/// A state dict back to a scheduler, through [`Validated::validate`].
pub(crate) fn from_state<T: Validated>(state: &serde_json::Value) -> Result<T> {
    let name = T::NAME;
    let s: T = serde_json::from_value(state.clone()).map_err(|e| {
        Error::option(
            name,
            "state_dict",
            format!(
                "not a {name} state dict: {}",
                crate::excerpt(&e.to_string())
            ),
        )
    })?;
    s.validate()?;
    Ok(s)
}
