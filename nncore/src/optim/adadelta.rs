//! Adadelta, like `torch.optim.Adadelta`.

use super::check::{self, non_negative};
use super::state::optimizer_state;
use super::{Algorithm, GroupOptions, Optimizer};
use crate::py_float;
use crate::{Element, Error, Result};
use serde::{Deserialize, Serialize};

/// `torch.optim.Adadelta`'s options and PyTorch's defaults.
///
/// ```
/// use nncore::optim::AdadeltaOptions;
/// assert_eq!(AdadeltaOptions::default().rho, 0.9);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdadeltaOptions {
    /// Coefficient scaling the delta before it is applied.
    pub lr: f64,
    /// Decay rate of the running averages.
    pub rho: f64,
    /// Added inside the square roots.
    pub eps: f64,
    /// L2 penalty.
    pub weight_decay: f64,
    /// Maximize the objective instead of minimizing.
    pub maximize: bool,
}

impl Default for AdadeltaOptions {
    fn default() -> Self {
        AdadeltaOptions {
            lr: 1.0,
            rho: 0.9,
            eps: 1e-6,
            weight_decay: 0.0,
            maximize: false,
        }
    }
}

impl GroupOptions for AdadeltaOptions {
    fn lr(&self) -> f64 {
        self.lr
    }
    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }
}

optimizer_state! {
    /// Adadelta's per-parameter state, as PyTorch names it.
    pub struct AdadeltaState<E> {
        /// Steps taken.
        pub step: f64,
        /// Running average of squared gradients.
        pub square_avg: Vec<E>,
        /// Running average of squared updates.
        pub acc_delta: Vec<E>,
    }
}

/// The Adadelta algorithm (see [`Adadelta`]).
#[derive(Debug)]
pub struct AdadeltaAlgorithm;

/// `torch.optim.Adadelta`.
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{Adadelta, AdadeltaOptions};
/// let w = Parameter::new(vec![1.0], &[1]);
/// let mut opt = Adadelta::new(vec![w.clone()], AdadeltaOptions::default())?;
/// *w.grad_lock() = Some(vec![1.0]);
/// opt.step()?;
/// assert!(w.to_vec()[0] < 1.0);
/// # Ok::<(), nncore::Error>(())
/// ```
pub type Adadelta = Optimizer<AdadeltaAlgorithm>;

impl Algorithm for AdadeltaAlgorithm {
    type Options = AdadeltaOptions;
    type State<E: Element> = AdadeltaState<E>;
    const NAME: &'static str = "Adadelta";

    fn validate(o: &AdadeltaOptions) -> Result<()> {
        check::lr(Self::NAME, o.lr)?;
        if !(non_negative(o.rho) && o.rho <= 1.0) {
            return Err(Error::option(
                Self::NAME,
                "rho",
                format!("Invalid rho value: {}", py_float(o.rho)),
            ));
        }
        check::eps(Self::NAME, o.eps)?;
        check::weight_decay(Self::NAME, o.weight_decay)
    }

    #[nnmacro::__compiled_once]
    fn update<E: Element>(
        o: &AdadeltaOptions,
        s: &mut AdadeltaState<E>,
        param: &mut [E],
        grad: &[E],
    ) {
        if s.step == 0.0 {
            s.square_avg = vec![E::zero(); param.len()];
            s.acc_delta = vec![E::zero(); param.len()];
        }
        s.step += 1.0;
        let (rho, eps, lr, wd) = (
            E::of(o.rho),
            E::of(o.eps),
            E::of(o.lr),
            E::of(o.weight_decay),
        );
        let one = E::one();
        for i in 0..param.len() {
            let mut g = if o.maximize { -grad[i] } else { grad[i] };
            if o.weight_decay != 0.0 {
                g += wd * param[i];
            }
            let sq = &mut s.square_avg[i];
            *sq = *sq * rho + (one - rho) * g * g;
            let std = (*sq + eps).sqrt();
            let delta = (s.acc_delta[i] + eps).sqrt() / std * g;
            let acc = &mut s.acc_delta[i];
            *acc = *acc * rho + (one - rho) * delta * delta;
            param[i] -= lr * delta;
        }
    }
}
