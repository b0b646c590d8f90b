//! Averaged SGD, like `torch.optim.ASGD`.

use super::check;
use super::state::optimizer_state;
use super::{Algorithm, GroupOptions, Optimizer};
use crate::{Element, Result};
use serde::{Deserialize, Serialize};

/// `torch.optim.ASGD`'s options and PyTorch's defaults.
///
/// ```
/// use nncore::optim::AsgdOptions;
/// assert_eq!(AsgdOptions::default().t0, 1e6);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AsgdOptions {
    /// Learning rate.
    pub lr: f64,
    /// Decay term.
    pub lambd: f64,
    /// Power for the eta update.
    pub alpha: f64,
    /// The step at which averaging starts.
    pub t0: f64,
    /// L2 penalty.
    pub weight_decay: f64,
    /// Maximize the objective instead of minimizing.
    pub maximize: bool,
}

impl Default for AsgdOptions {
    fn default() -> Self {
        AsgdOptions {
            lr: 1e-2,
            lambd: 1e-4,
            alpha: 0.75,
            t0: 1e6,
            weight_decay: 0.0,
            maximize: false,
        }
    }
}

impl GroupOptions for AsgdOptions {
    fn lr(&self) -> f64 {
        self.lr
    }
    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }
}

optimizer_state! {
    /// ASGD's per-parameter state, as PyTorch names it.
    pub struct AsgdState<E> {
        /// Steps taken.
        pub step: f64,
        /// The current step size (starts at the group's lr).
        pub eta: f64,
        /// The averaging coefficient (starts at 1).
        pub mu: f64,
        /// The averaged parameter.
        pub ax: Vec<E>,
    }
}

/// The ASGD algorithm (see [`ASGD`]).
#[derive(Debug)]
pub struct AsgdAlgorithm;

/// `torch.optim.ASGD`. `ax` (the average) is in [`Optimizer::state`].
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{ASGD, AsgdOptions};
/// let w = Parameter::new(vec![1.0], &[1]);
/// let mut opt = ASGD::new(vec![w.clone()], AsgdOptions { lambd: 0.0, ..Default::default() })?;
/// *w.grad_lock() = Some(vec![1.0]);
/// opt.step()?;
/// assert!((w.to_vec()[0] - 0.99).abs() < 1e-6);
/// # Ok::<(), nncore::Error>(())
/// ```
pub type ASGD = Optimizer<AsgdAlgorithm>;

impl Algorithm for AsgdAlgorithm {
    type Options = AsgdOptions;
    type State<E: Element> = AsgdState<E>;
    const NAME: &'static str = "ASGD";

    fn validate(o: &AsgdOptions) -> Result<()> {
        check::lr(Self::NAME, o.lr)?;
        check::weight_decay(Self::NAME, o.weight_decay)
    }

    #[nnmacro::__compiled_once]
    fn update<E: Element>(o: &AsgdOptions, s: &mut AsgdState<E>, param: &mut [E], grad: &[E]) {
        if s.step == 0.0 {
            s.eta = o.lr;
            s.mu = 1.0;
            s.ax = vec![E::zero(); param.len()];
        }
        s.step += 1.0;
        let (eta, mu) = (E::of(s.eta), E::of(s.mu));
        let decay = E::of(1.0 - o.lambd * s.eta);
        let wd = E::of(o.weight_decay);
        for i in 0..param.len() {
            let mut g = if o.maximize { -grad[i] } else { grad[i] };
            if o.weight_decay != 0.0 {
                g += wd * param[i];
            }
            param[i] *= decay;
            param[i] -= eta * g;
            if s.mu != 1.0 {
                s.ax[i] = s.ax[i] + (param[i] - s.ax[i]) * mu;
            } else {
                s.ax[i] = param[i];
            }
        }
        s.eta = o.lr / (1.0 + o.lambd * o.lr * s.step).powf(o.alpha);
        s.mu = 1.0 / f64::max(1.0, s.step - o.t0);
    }
}
