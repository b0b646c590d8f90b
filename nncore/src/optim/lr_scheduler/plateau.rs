//! ReduceLROnPlateau: lowers the lr when a metric stops improving.

use super::{LrGroups, from_state, per_group, to_state};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// Whether lower (`Min`) or higher (`Max`) metrics are better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlateauMode {
    /// `"min"` (the default).
    Min,
    /// `"max"`.
    Max,
}

/// How `threshold` measures a significant improvement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThresholdMode {
    /// `"rel"`: relative to the best (the default).
    Rel,
    /// `"abs"`: an absolute margin.
    Abs,
}

/// `ReduceLROnPlateau`'s options and PyTorch's defaults.
///
/// ```
/// use nncore::optim::lr_scheduler::PlateauOptions;
/// assert_eq!(PlateauOptions::default().patience, 10);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlateauOptions {
    /// Min or max mode.
    pub mode: PlateauMode,
    /// Factor applied to the lr (< 1).
    pub factor: f64,
    /// Epochs without improvement tolerated before reducing.
    pub patience: usize,
    /// Improvement threshold.
    pub threshold: f64,
    /// Relative or absolute threshold.
    pub threshold_mode: ThresholdMode,
    /// Epochs to wait after a reduction.
    pub cooldown: usize,
    /// Lower bound on the lr: one value or one per group.
    pub min_lr: Vec<f64>,
    /// Reductions smaller than this are skipped.
    pub eps: f64,
}

impl Default for PlateauOptions {
    fn default() -> Self {
        PlateauOptions {
            mode: PlateauMode::Min,
            factor: 0.1,
            patience: 10,
            threshold: 1e-4,
            threshold_mode: ThresholdMode::Rel,
            cooldown: 0,
            min_lr: vec![0.0],
            eps: 1e-8,
        }
    }
}

/// `ReduceLROnPlateau`: [`ReduceLROnPlateau::step`] takes the epoch's
/// metric; after `patience` epochs without improvement each group's lr is
/// multiplied by `factor` (not below its `min_lr`).
///
/// ```
/// # use nncore::nn::Parameter;
/// # use nncore::optim::{SgdOptions, SGD};
/// use nncore::optim::lr_scheduler::{PlateauOptions, ReduceLROnPlateau};
/// # let mut opt = SGD::new(vec![Parameter::new(vec![0.0], &[1])], SgdOptions { lr: 1.0, ..Default::default() })?;
/// let mut sched = ReduceLROnPlateau::new(&mut opt, PlateauOptions { patience: 0, factor: 0.5, ..Default::default() })?;
/// sched.step(&mut opt, 1.0)?;
/// sched.step(&mut opt, 1.0)?; // no improvement
/// assert_eq!(sched.get_last_lr(), &[0.5]);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReduceLROnPlateau {
    o: PlateauOptions,
    min_lrs: Vec<f64>,
    best: f64,
    num_bad_epochs: usize,
    cooldown_counter: usize,
    last_epoch: i64,
    last_lr: Vec<f64>,
}

const NAME: &str = "ReduceLROnPlateau";

impl ReduceLROnPlateau {
    /// `ReduceLROnPlateau(optimizer, ...)`.
    pub fn new(optimizer: &mut dyn LrGroups, o: PlateauOptions) -> Result<Self> {
        if o.factor >= 1.0 {
            return Err(Error::option(NAME, "factor", "Factor should be < 1.0."));
        }
        let n = optimizer.num_groups();
        let min_lrs = per_group(NAME, "min_lr", &o.min_lr, n).map_err(|_| {
            Error::option(
                NAME,
                "min_lr",
                format!("expected {n} min_lrs, got {}", o.min_lr.len()),
            )
        })?;
        let best = match o.mode {
            PlateauMode::Min => f64::INFINITY,
            PlateauMode::Max => f64::NEG_INFINITY,
        };
        Ok(ReduceLROnPlateau {
            o,
            min_lrs,
            best,
            num_bad_epochs: 0,
            cooldown_counter: 0,
            last_epoch: 0,
            last_lr: (0..n).map(|g| optimizer.group_lr(g)).collect(),
        })
    }

    fn is_better(&self, a: f64) -> bool {
        let (best, th) = (self.best, self.o.threshold);
        match (self.o.mode, self.o.threshold_mode) {
            (PlateauMode::Min, ThresholdMode::Rel) => a < best * (1.0 - th),
            (PlateauMode::Min, ThresholdMode::Abs) => a < best - th,
            (PlateauMode::Max, ThresholdMode::Rel) => a > best * (th + 1.0),
            (PlateauMode::Max, ThresholdMode::Abs) => a > best + th,
        }
    }

    /// One epoch with its metric.
    pub fn step(&mut self, optimizer: &mut dyn LrGroups, metric: f64) -> Result<()> {
        if optimizer.num_groups() != self.min_lrs.len() {
            return Err(Error::option(
                NAME,
                "optimizer",
                format!(
                    "the scheduler was built for {} param groups, the {} has {}",
                    self.min_lrs.len(),
                    optimizer.optimizer_name(),
                    optimizer.num_groups()
                ),
            ));
        }
        self.last_epoch += 1;
        if self.is_better(metric) {
            self.best = metric;
            self.num_bad_epochs = 0;
        } else {
            self.num_bad_epochs += 1;
        }
        if self.cooldown_counter > 0 {
            self.cooldown_counter -= 1;
            self.num_bad_epochs = 0;
        }
        if self.num_bad_epochs > self.o.patience {
            for g in 0..optimizer.num_groups() {
                let old = optimizer.group_lr(g);
                let new = (old * self.o.factor).max(self.min_lrs[g]);
                if old - new > self.o.eps {
                    optimizer.set_group_lr(g, new);
                }
            }
            self.cooldown_counter = self.o.cooldown;
            self.num_bad_epochs = 0;
        }
        self.last_lr = (0..optimizer.num_groups())
            .map(|g| optimizer.group_lr(g))
            .collect();
        Ok(())
    }

    /// The lrs after the last step.
    pub fn get_last_lr(&self) -> &[f64] {
        &self.last_lr
    }

    /// The state (`state_dict()`), as JSON.
    pub fn state_dict(&self) -> serde_json::Value {
        to_state(self)
    }

    /// Restores [`ReduceLROnPlateau::state_dict`].
    pub fn load_state_dict(&mut self, state: &serde_json::Value) -> Result<()> {
        *self = from_state(NAME, state)?;
        Ok(())
    }
}
