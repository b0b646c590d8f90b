//! ReduceLROnPlateau: lowers the lr when a metric stops improving.

use super::{LrGroups, Validated, from_state, per_group, to_state};
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
    /// `inf` (mode min) or `-inf` (mode max) until the first metric; JSON
    /// has no such number, so it is written as Python prints it.
    #[serde(with = "non_finite")]
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
        let n = optimizer.num_groups();
        let min_lrs = min_lrs(&o.min_lr, n)?;
        let best = match o.mode {
            PlateauMode::Min => f64::INFINITY,
            PlateauMode::Max => f64::NEG_INFINITY,
        };
        let s = ReduceLROnPlateau {
            o,
            min_lrs,
            best,
            num_bad_epochs: 0,
            cooldown_counter: 0,
            last_epoch: 0,
            last_lr: (0..n).map(|g| optimizer.group_lr(g)).collect(),
        };
        s.validate()?;
        Ok(s)
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
        self.last_epoch = self.last_epoch.saturating_add(1);
        if self.is_better(metric) {
            self.best = metric;
            self.num_bad_epochs = 0;
        } else {
            self.num_bad_epochs = self.num_bad_epochs.saturating_add(1);
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
        *self = from_state(state)?;
        Ok(())
    }
}

/// `min_lr` given once or once per group, PyTorch's message otherwise.
fn min_lrs(min_lr: &[f64], groups: usize) -> Result<Vec<f64>> {
    per_group(NAME, "min_lr", min_lr, groups).map_err(|_| {
        Error::option(
            NAME,
            "min_lr",
            format!("expected {groups} min_lrs, got {}", min_lr.len()),
        )
    })
}

impl Validated for ReduceLROnPlateau {
    const NAME: &'static str = NAME;
    /// The constructor's checks; the per-group `min_lrs` must be what the
    /// options give for that many groups.
    fn validate(&self) -> Result<()> {
        if self.o.factor >= 1.0 {
            return Err(Error::option(NAME, "factor", "Factor should be < 1.0."));
        }
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        if bits(&min_lrs(&self.o.min_lr, self.min_lrs.len())?) != bits(&self.min_lrs) {
            return Err(Error::option(
                NAME,
                "min_lr",
                "the per-group min_lrs differ from the min_lr option",
            ));
        }
        Ok(())
    }
}

/// An `f64` in JSON that may be non-finite: a number, or `"inf"`,
/// `"-inf"`, `"nan"` (serde_json would write `null`, which reads back as
/// an error).
mod non_finite {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        if x.is_finite() {
            s.serialize_f64(*x)
        } else {
            s.serialize_str(&crate::py_float(*x))
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Number {
        Value(f64),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        match Number::deserialize(d)? {
            Number::Value(x) => Ok(x),
            Number::Text(t) => match t.as_str() {
                "inf" => Ok(f64::INFINITY),
                "-inf" => Ok(f64::NEG_INFINITY),
                "nan" => Ok(f64::NAN),
                other => Err(serde::de::Error::custom(format!(
                    "expected a number, `inf`, `-inf` or `nan`, got `{other}`"
                ))),
            },
        }
    }
}
