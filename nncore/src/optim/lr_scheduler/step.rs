//! StepLR, MultiStepLR and ExponentialLR: decays by `gamma` at given
//! epochs, in PyTorch's recursive (chainable) form.

use super::{LrGroups, LrScheduler, Schedule, start};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// The `LrScheduler` impl of a recursive-form scheduler (a `Schedule` in
/// field `s`, an `lrs(current)` method and a `check(&self)` holding the
/// constructor's checks): `load_state_dict` goes through `check` as the
/// constructor does.
macro_rules! scheduler_common {
    ($ty:ident, $name:literal) => {
        impl super::Validated for $ty {
            const NAME: &'static str = $name;
            fn validate(&self) -> Result<()> {
                self.s.validate($name)?;
                self.check()
            }
        }

        impl LrScheduler for $ty {
            fn step(&mut self, optimizer: &mut dyn LrGroups) -> Result<()> {
                self.s.check($name, optimizer)?;
                self.s.advance();
                let lrs = self.lrs(Schedule::current(optimizer));
                self.s.apply(optimizer, lrs);
                Ok(())
            }
            fn get_last_lr(&self) -> &[f64] {
                &self.s.last_lr
            }
            fn last_epoch(&self) -> i64 {
                self.s.last_epoch
            }
            fn state_dict(&self) -> serde_json::Value {
                super::to_state(self)
            }
            fn load_state_dict(&mut self, state: &serde_json::Value) -> Result<()> {
                *self = super::from_state(state)?;
                Ok(())
            }
        }
    };
}
pub(crate) use scheduler_common;

/// `StepLR`: multiplies each group's lr by `gamma` every `step_size` epochs.
///
/// ```
/// # use nncore::nn::Parameter;
/// # use nncore::optim::{SgdOptions, SGD};
/// use nncore::optim::lr_scheduler::{LrScheduler, StepLR};
/// # let mut opt = SGD::new(vec![Parameter::new(vec![0.0], &[1])], SgdOptions { lr: 1.0, ..Default::default() })?;
/// let mut sched = StepLR::new(&mut opt, 1, 0.1)?;
/// sched.step(&mut opt)?;
/// assert_eq!(sched.get_last_lr(), &[0.1]);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepLR {
    s: Schedule,
    step_size: usize,
    gamma: f64,
}

impl StepLR {
    /// `StepLR(optimizer, step_size, gamma)` (PyTorch's default gamma is 0.1).
    pub fn new(optimizer: &mut dyn LrGroups, step_size: usize, gamma: f64) -> Result<Self> {
        let s = StepLR {
            s: Schedule::new(optimizer),
            step_size,
            gamma,
        };
        start(s, optimizer)
    }

    /// The constructor's checks (PyTorch divides by zero at the first step).
    fn check(&self) -> Result<()> {
        if self.step_size == 0 {
            return Err(Error::option(
                "StepLR",
                "step_size",
                "step_size must be a positive integer",
            ));
        }
        Ok(())
    }

    fn lrs(&self, current: Vec<f64>) -> Vec<f64> {
        let e = i128::from(self.s.last_epoch);
        if e == 0 || e % self.step_size as i128 != 0 {
            current
        } else {
            current.into_iter().map(|lr| lr * self.gamma).collect()
        }
    }
}
scheduler_common!(StepLR, "StepLR");

/// `MultiStepLR`: multiplies each group's lr by `gamma` at each milestone
/// epoch (a milestone listed twice multiplies by `gamma²`).
///
/// ```
/// # use nncore::nn::Parameter;
/// # use nncore::optim::{SgdOptions, SGD};
/// use nncore::optim::lr_scheduler::{LrScheduler, MultiStepLR};
/// # let mut opt = SGD::new(vec![Parameter::new(vec![0.0], &[1])], SgdOptions { lr: 1.0, ..Default::default() })?;
/// let mut sched = MultiStepLR::new(&mut opt, vec![2], 0.5)?;
/// sched.step(&mut opt)?;
/// sched.step(&mut opt)?;
/// assert_eq!(sched.get_last_lr(), &[0.5]);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MultiStepLR {
    s: Schedule,
    milestones: Vec<usize>,
    gamma: f64,
}

impl MultiStepLR {
    /// `MultiStepLR(optimizer, milestones, gamma)`.
    pub fn new(optimizer: &mut dyn LrGroups, milestones: Vec<usize>, gamma: f64) -> Result<Self> {
        let s = MultiStepLR {
            s: Schedule::new(optimizer),
            milestones,
            gamma,
        };
        start(s, optimizer)
    }

    /// PyTorch checks nothing here.
    fn check(&self) -> Result<()> {
        Ok(())
    }

    fn lrs(&self, current: Vec<f64>) -> Vec<f64> {
        let e = i128::from(self.s.last_epoch);
        let count = self.milestones.iter().filter(|&&m| m as i128 == e).count();
        if count == 0 {
            current
        } else {
            let factor = self.gamma.powi(count as i32);
            current.into_iter().map(|lr| lr * factor).collect()
        }
    }
}
scheduler_common!(MultiStepLR, "MultiStepLR");

/// `ExponentialLR`: multiplies each group's lr by `gamma` every epoch.
///
/// ```
/// # use nncore::nn::Parameter;
/// # use nncore::optim::{SgdOptions, SGD};
/// use nncore::optim::lr_scheduler::{ExponentialLR, LrScheduler};
/// # let mut opt = SGD::new(vec![Parameter::new(vec![0.0], &[1])], SgdOptions { lr: 1.0, ..Default::default() })?;
/// let mut sched = ExponentialLR::new(&mut opt, 0.5)?;
/// sched.step(&mut opt)?;
/// assert_eq!(sched.get_last_lr(), &[0.5]);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExponentialLR {
    s: Schedule,
    gamma: f64,
}

impl ExponentialLR {
    /// `ExponentialLR(optimizer, gamma)`.
    pub fn new(optimizer: &mut dyn LrGroups, gamma: f64) -> Result<Self> {
        let s = ExponentialLR {
            s: Schedule::new(optimizer),
            gamma,
        };
        start(s, optimizer)
    }

    /// PyTorch checks nothing here.
    fn check(&self) -> Result<()> {
        Ok(())
    }

    fn lrs(&self, current: Vec<f64>) -> Vec<f64> {
        if self.s.last_epoch == 0 {
            current
        } else {
            current.into_iter().map(|lr| lr * self.gamma).collect()
        }
    }
}
scheduler_common!(ExponentialLR, "ExponentialLR");
