//! CosineAnnealingLR in PyTorch's recursive form.

use super::step::scheduler_common;
use super::{LrGroups, LrScheduler, Schedule, start};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// `CosineAnnealingLR`: anneals each group's lr from its initial value to
/// `eta_min` over `t_max` epochs along a cosine, then back up (PyTorch's
/// recursive form, which keeps cycling past `t_max`).
///
/// ```
/// # use nncore::nn::Parameter;
/// # use nncore::optim::{SgdOptions, SGD};
/// use nncore::optim::lr_scheduler::{CosineAnnealingLR, LrScheduler};
/// # let mut opt = SGD::new(vec![Parameter::new(vec![0.0], &[1])], SgdOptions { lr: 1.0, ..Default::default() })?;
/// let mut sched = CosineAnnealingLR::new(&mut opt, 2, 0.0)?;
/// sched.step(&mut opt)?;
/// assert!((sched.get_last_lr()[0] - 0.5).abs() < 1e-12);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CosineAnnealingLR {
    s: Schedule,
    t_max: usize,
    eta_min: f64,
}

impl CosineAnnealingLR {
    /// `CosineAnnealingLR(optimizer, T_max, eta_min)`.
    pub fn new(optimizer: &mut dyn LrGroups, t_max: usize, eta_min: f64) -> Result<Self> {
        let s = CosineAnnealingLR {
            s: Schedule::new(optimizer),
            t_max,
            eta_min,
        };
        start(s, optimizer)
    }

    /// The constructor's checks (PyTorch divides by zero at the first step).
    fn check(&self) -> Result<()> {
        if self.t_max == 0 {
            return Err(Error::option(
                "CosineAnnealingLR",
                "T_max",
                "T_max must be a positive integer",
            ));
        }
        Ok(())
    }

    fn lrs(&self, current: Vec<f64>) -> Vec<f64> {
        let e = self.s.last_epoch;
        let t = self.t_max as f64;
        let eta_min = self.eta_min;
        if e == 0 {
            return current;
        }
        let (e_wide, t_wide) = (i128::from(e), self.t_max as i128);
        if (e_wide - 1 - t_wide).rem_euclid(2 * t_wide) == 0 {
            return current
                .iter()
                .zip(&self.s.base_lrs)
                .map(|(lr, base)| lr + (base - eta_min) * (1.0 - (PI / t).cos()) / 2.0)
                .collect();
        }
        let e = e as f64;
        current
            .iter()
            .map(|lr| {
                (1.0 + (PI * e / t).cos()) / (1.0 + (PI * (e - 1.0) / t).cos()) * (lr - eta_min)
                    + eta_min
            })
            .collect()
    }
}
scheduler_common!(CosineAnnealingLR, "CosineAnnealingLR");
