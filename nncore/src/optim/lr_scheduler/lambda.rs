//! LambdaLR: each group's lr is its initial lr times a closure of the epoch.

use super::{LrGroups, LrScheduler, Schedule, Validated, from_state, to_state};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// A learning-rate factor as a function of the epoch.
pub type LrLambda = Box<dyn Fn(usize) -> f64 + Send + Sync>;

/// `LambdaLR`: sets each group's lr to `base_lr * lr_lambda(epoch)`, with
/// one closure for all groups or one per group. The state dict holds the
/// epoch and lrs, not the closures (as PyTorch skips plain functions).
///
/// ```
/// # use nncore::nn::Parameter;
/// # use nncore::optim::{SgdOptions, SGD};
/// use nncore::optim::lr_scheduler::{LambdaLR, LrScheduler};
/// # let mut opt = SGD::new(vec![Parameter::new(vec![0.0], &[1])], SgdOptions { lr: 1.0, ..Default::default() })?;
/// let mut sched = LambdaLR::new(&mut opt, vec![Box::new(|epoch| 0.5f64.powi(epoch as i32))])?;
/// sched.step(&mut opt)?;
/// assert_eq!(sched.get_last_lr(), &[0.5]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct LambdaLR {
    s: Schedule,
    lr_lambdas: Vec<LrLambda>,
}

impl std::fmt::Debug for LambdaLR {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LambdaLR")
            .field("s", &self.s)
            .finish_non_exhaustive()
    }
}

impl LambdaLR {
    /// `LambdaLR(optimizer, lr_lambda)`: one closure, or one per group.
    pub fn new(optimizer: &mut dyn LrGroups, lr_lambdas: Vec<LrLambda>) -> Result<Self> {
        let groups = optimizer.num_groups();
        if lr_lambdas.len() != 1 && lr_lambdas.len() != groups {
            return Err(Error::option(
                "LambdaLR",
                "lr_lambda",
                format!("Expected {groups} lr_lambdas, but got {}", lr_lambdas.len()),
            ));
        }
        let mut s = LambdaLR {
            s: Schedule::new(optimizer),
            lr_lambdas,
        };
        s.step(optimizer)?;
        Ok(s)
    }
}

impl LrScheduler for LambdaLR {
    fn step(&mut self, optimizer: &mut dyn LrGroups) -> Result<()> {
        self.s.check("LambdaLR", optimizer)?;
        let e = usize::try_from(self.s.advance()).unwrap_or(0);
        let lrs = self
            .s
            .base_lrs
            .iter()
            .enumerate()
            .map(|(g, base)| base * self.lr_lambdas[g.min(self.lr_lambdas.len() - 1)](e))
            .collect();
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
        to_state(&self.s)
    }
    fn load_state_dict(&mut self, state: &serde_json::Value) -> Result<()> {
        self.s = from_state::<LambdaState>(state)?.0;
        Ok(())
    }
}

/// LambdaLR's saved state: the shared schedule only (the closures are
/// code, not state).
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
struct LambdaState(Schedule);

impl Validated for LambdaState {
    const NAME: &'static str = "LambdaLR";
    fn validate(&self) -> Result<()> {
        self.0.validate(Self::NAME)
    }
}
