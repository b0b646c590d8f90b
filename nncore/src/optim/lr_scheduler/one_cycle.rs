//! OneCycleLR: the 1cycle policy, with momentum cycling.

use super::{LrGroups, LrScheduler, Schedule, Validated, from_state, per_group, start, to_state};
use crate::py_float;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// How `OneCycleLR` interpolates within a phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnnealStrategy {
    /// `"cos"` (the default).
    Cos,
    /// `"linear"`.
    Linear,
}

/// `OneCycleLR`'s options and PyTorch's defaults (`max_lr` is required:
/// one value for all groups or one per group; give `total_steps`, or
/// `epochs` and `steps_per_epoch`).
///
/// ```
/// use nncore::optim::lr_scheduler::OneCycleOptions;
/// let o = OneCycleOptions { max_lr: vec![0.1], total_steps: Some(100), ..Default::default() };
/// assert_eq!(o.div_factor, 25.0);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OneCycleOptions {
    /// Peak lr, one value or one per group.
    pub max_lr: Vec<f64>,
    /// Steps in the cycle.
    pub total_steps: Option<usize>,
    /// Epochs (with `steps_per_epoch`), when `total_steps` is `None`.
    pub epochs: Option<usize>,
    /// Steps per epoch (with `epochs`).
    pub steps_per_epoch: Option<usize>,
    /// Fraction of the cycle spent increasing the lr.
    pub pct_start: f64,
    /// Cosine or linear annealing.
    pub anneal_strategy: AnnealStrategy,
    /// Cycle the momentum (SGD `momentum`, Adam `betas.0`) inversely.
    pub cycle_momentum: bool,
    /// Lowest momentum, one value or one per group.
    pub base_momentum: Vec<f64>,
    /// Highest momentum, one value or one per group.
    pub max_momentum: Vec<f64>,
    /// `initial_lr = max_lr / div_factor`.
    pub div_factor: f64,
    /// `min_lr = initial_lr / final_div_factor`.
    pub final_div_factor: f64,
    /// Use a third phase annihilating the lr (fastai's schedule).
    pub three_phase: bool,
}

impl Default for OneCycleOptions {
    fn default() -> Self {
        OneCycleOptions {
            max_lr: vec![],
            total_steps: None,
            epochs: None,
            steps_per_epoch: None,
            pct_start: 0.3,
            anneal_strategy: AnnealStrategy::Cos,
            cycle_momentum: true,
            base_momentum: vec![0.85],
            max_momentum: vec![0.95],
            div_factor: 25.0,
            final_div_factor: 1e4,
            three_phase: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
enum Level {
    Initial,
    Max,
    Min,
    BaseMomentum,
    MaxMomentum,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Phase {
    end_step: f64,
    start_lr: Level,
    end_lr: Level,
    start_momentum: Level,
    end_momentum: Level,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct GroupLevels {
    initial_lr: f64,
    max_lr: f64,
    min_lr: f64,
    base_momentum: f64,
    max_momentum: f64,
}

impl GroupLevels {
    fn get(&self, level: Level) -> f64 {
        match level {
            Level::Initial => self.initial_lr,
            Level::Max => self.max_lr,
            Level::Min => self.min_lr,
            Level::BaseMomentum => self.base_momentum,
            Level::MaxMomentum => self.max_momentum,
        }
    }
}

/// `OneCycleLR`: the lr rises from `max_lr / div_factor` to `max_lr` and
/// anneals to `initial_lr / final_div_factor` over `total_steps`, the
/// momentum moving the opposite way. Step it after every batch; stepping
/// past `total_steps` is an error, as in PyTorch.
///
/// ```
/// # use nncore::nn::Parameter;
/// use nncore::optim::lr_scheduler::{LrScheduler, OneCycleLR, OneCycleOptions};
/// use nncore::optim::{LrGroups, SgdOptions, SGD};
/// # let mut opt = SGD::new(vec![Parameter::new(vec![0.0], &[1])], SgdOptions { lr: 0.1, momentum: 0.9, ..Default::default() })?;
/// let o = OneCycleOptions { max_lr: vec![1.0], total_steps: Some(10), ..Default::default() };
/// let mut sched = OneCycleLR::new(&mut opt, o)?;
/// assert!((sched.get_last_lr()[0] - 0.04).abs() < 1e-12);
/// assert_eq!(opt.group_momentum(0), Some(0.95));
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OneCycleLR {
    s: Schedule,
    total_steps: usize,
    anneal_strategy: AnnealStrategy,
    cycle_momentum: bool,
    phases: Vec<Phase>,
    groups: Vec<GroupLevels>,
}

const NAME: &str = "OneCycleLR";

impl OneCycleLR {
    /// `OneCycleLR(optimizer, ...)`.
    pub fn new(optimizer: &mut dyn LrGroups, o: OneCycleOptions) -> Result<Self> {
        let bad = |option, reason: String| Error::option(NAME, option, reason);
        let total_steps = match (o.total_steps, o.epochs, o.steps_per_epoch) {
            (Some(t), _, _) => t,
            (None, Some(e), Some(s)) if e > 0 && s > 0 => e.checked_mul(s).ok_or_else(|| {
                bad(
                    "epochs",
                    format!("epochs * steps_per_epoch ({e} * {s}) overflows"),
                )
            })?,
            (None, Some(e), Some(s)) => {
                let (option, v) = if e == 0 {
                    ("epochs", e)
                } else {
                    ("steps_per_epoch", s)
                };
                return Err(bad(
                    option,
                    format!("Expected positive integer {option}, but got {v}"),
                ));
            }
            _ => {
                return Err(bad(
                    "total_steps",
                    "You must define either total_steps OR (epochs AND steps_per_epoch)".into(),
                ));
            }
        };
        if !(0.0..=1.0).contains(&o.pct_start) {
            return Err(bad(
                "pct_start",
                format!(
                    "Expected float between 0 and 1 pct_start, but got {}",
                    py_float(o.pct_start)
                ),
            ));
        }
        let n = optimizer.num_groups();
        let max_lrs = per_group(NAME, "max_lr", &o.max_lr, n)?;
        let base_m = per_group(NAME, "base_momentum", &o.base_momentum, n)?;
        let max_m = per_group(NAME, "max_momentum", &o.max_momentum, n)?;
        if o.cycle_momentum && (0..n).any(|g| optimizer.group_momentum(g).is_none()) {
            return Err(bad(
                "cycle_momentum",
                "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"
                    .into(),
            ));
        }
        use Level::*;
        let ts = total_steps as f64;
        let phases = if o.three_phase {
            vec![
                Phase {
                    end_step: o.pct_start * ts - 1.0,
                    start_lr: Initial,
                    end_lr: Max,
                    start_momentum: MaxMomentum,
                    end_momentum: BaseMomentum,
                },
                Phase {
                    end_step: 2.0 * o.pct_start * ts - 2.0,
                    start_lr: Max,
                    end_lr: Initial,
                    start_momentum: BaseMomentum,
                    end_momentum: MaxMomentum,
                },
                Phase {
                    end_step: ts - 1.0,
                    start_lr: Initial,
                    end_lr: Min,
                    start_momentum: MaxMomentum,
                    end_momentum: MaxMomentum,
                },
            ]
        } else {
            vec![
                Phase {
                    end_step: o.pct_start * ts - 1.0,
                    start_lr: Initial,
                    end_lr: Max,
                    start_momentum: MaxMomentum,
                    end_momentum: BaseMomentum,
                },
                Phase {
                    end_step: ts - 1.0,
                    start_lr: Max,
                    end_lr: Min,
                    start_momentum: BaseMomentum,
                    end_momentum: MaxMomentum,
                },
            ]
        };
        let groups: Vec<GroupLevels> = (0..n)
            .map(|g| {
                let initial_lr = max_lrs[g] / o.div_factor;
                GroupLevels {
                    initial_lr,
                    max_lr: max_lrs[g],
                    min_lr: initial_lr / o.final_div_factor,
                    base_momentum: base_m[g],
                    max_momentum: max_m[g],
                }
            })
            .collect();
        // PyTorch's base_lrs are the initial lrs it sets below.
        let schedule = Schedule {
            base_lrs: groups.iter().map(|l| l.initial_lr).collect(),
            last_epoch: -1,
            last_lr: Vec::new(),
        };
        let s = OneCycleLR {
            s: schedule,
            total_steps,
            anneal_strategy: o.anneal_strategy,
            cycle_momentum: o.cycle_momentum,
            phases,
            groups,
        };
        s.validate()?;
        for (g, levels) in s.groups.iter().enumerate() {
            optimizer.set_group_lr(g, levels.initial_lr);
            if s.cycle_momentum {
                optimizer.set_group_momentum(g, levels.max_momentum);
            }
        }
        start(s, optimizer)
    }

    fn anneal(&self, start: f64, end: f64, pct: f64) -> f64 {
        match self.anneal_strategy {
            AnnealStrategy::Cos => end + (start - end) / 2.0 * ((PI * pct).cos() + 1.0),
            AnnealStrategy::Linear => (end - start) * pct + start,
        }
    }
}

impl LrScheduler for OneCycleLR {
    fn step(&mut self, optimizer: &mut dyn LrGroups) -> Result<()> {
        self.s.check(NAME, optimizer)?;
        let step_num = self.s.last_epoch.saturating_add(1);
        if step_num as i128 > self.total_steps as i128 {
            return Err(Error::option(
                NAME,
                "total_steps",
                format!(
                    "Tried to step {step_num} times. The specified number of total steps is {}",
                    self.total_steps
                ),
            ));
        }
        self.s.last_epoch = step_num;
        let step = step_num as f64;
        let mut lrs = Vec::new();
        for (g, levels) in self.groups.iter().enumerate() {
            let mut start_step = 0.0;
            let last = self.phases.len() - 1;
            for (i, phase) in self.phases.iter().enumerate() {
                if step <= phase.end_step || i == last {
                    let pct = (step - start_step) / (phase.end_step - start_step);
                    lrs.push(self.anneal(
                        levels.get(phase.start_lr),
                        levels.get(phase.end_lr),
                        pct,
                    ));
                    if self.cycle_momentum {
                        let m = self.anneal(
                            levels.get(phase.start_momentum),
                            levels.get(phase.end_momentum),
                            pct,
                        );
                        optimizer.set_group_momentum(g, m);
                    }
                    break;
                }
                start_step = phase.end_step;
            }
        }
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
        to_state(self)
    }
    fn load_state_dict(&mut self, state: &serde_json::Value) -> Result<()> {
        *self = from_state(state)?;
        Ok(())
    }
}

impl Validated for OneCycleLR {
    const NAME: &'static str = NAME;
    /// The constructor's check of `total_steps`, and a state its
    /// constructor builds: two or three phases, one set of levels per group.
    fn validate(&self) -> Result<()> {
        self.s.validate(NAME)?;
        if self.total_steps == 0 {
            return Err(Error::option(
                NAME,
                "total_steps",
                "Expected positive integer total_steps, but got 0",
            ));
        }
        if !(2..=3).contains(&self.phases.len()) || self.groups.len() != self.s.base_lrs.len() {
            return Err(Error::option(
                NAME,
                "state_dict",
                format!(
                    "{} phases and {} group levels for {} param groups (2 or 3 phases, one level set per group)",
                    self.phases.len(),
                    self.groups.len(),
                    self.s.base_lrs.len()
                ),
            ));
        }
        Ok(())
    }
}
