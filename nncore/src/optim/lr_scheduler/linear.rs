//! LinearLR in PyTorch's recursive form.

use super::step::scheduler_common;
use super::{LrGroups, LrScheduler, Schedule, start};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// `LinearLR`: scales each group's lr by a factor going linearly from
/// `start_factor` to `end_factor` over `total_iters` epochs (PyTorch's
/// defaults: 1/3, 1.0, 5).
///
/// ```
/// # use nncore::nn::Parameter;
/// # use nncore::optim::{SgdOptions, SGD};
/// use nncore::optim::lr_scheduler::{LinearLR, LrScheduler};
/// # let mut opt = SGD::new(vec![Parameter::new(vec![0.0], &[1])], SgdOptions { lr: 1.0, ..Default::default() })?;
/// let mut sched = LinearLR::new(&mut opt, 0.5, 1.0, 2)?;
/// assert_eq!(sched.get_last_lr(), &[0.5]);
/// sched.step(&mut opt)?;
/// assert_eq!(sched.get_last_lr(), &[0.75]);
/// let err = LinearLR::new(&mut opt, 0.0, 1.0, 2).unwrap_err();
/// assert!(err.to_string().contains("Starting multiplicative factor"));
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinearLR {
    s: Schedule,
    start_factor: f64,
    end_factor: f64,
    total_iters: usize,
}

impl LinearLR {
    /// `LinearLR(optimizer, start_factor, end_factor, total_iters)`.
    pub fn new(
        optimizer: &mut dyn LrGroups,
        start_factor: f64,
        end_factor: f64,
        total_iters: usize,
    ) -> Result<Self> {
        let s = LinearLR {
            s: Schedule::new(optimizer),
            start_factor,
            end_factor,
            total_iters,
        };
        start(s, optimizer)
    }

    /// The constructor's checks, PyTorch's messages.
    fn check(&self) -> Result<()> {
        if !(self.start_factor > 0.0 && self.start_factor <= 1.0) {
            return Err(Error::option(
                "LinearLR",
                "start_factor",
                "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.",
            ));
        }
        if !(0.0..=1.0).contains(&self.end_factor) {
            return Err(Error::option(
                "LinearLR",
                "end_factor",
                "Ending multiplicative factor expected to be between 0 and 1.",
            ));
        }
        Ok(())
    }

    fn lrs(&self, current: Vec<f64>) -> Vec<f64> {
        let e = self.s.last_epoch;
        let (start, end, total) = (self.start_factor, self.end_factor, self.total_iters as f64);
        if e == 0 {
            return current.into_iter().map(|lr| lr * start).collect();
        }
        if e as i128 > self.total_iters as i128 {
            return current;
        }
        let factor = 1.0 + (end - start) / (total * start + (e as f64 - 1.0) * (end - start));
        current.into_iter().map(|lr| lr * factor).collect()
    }
}
scheduler_common!(LinearLR, "LinearLR");
