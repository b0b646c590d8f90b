//! RMSprop, like `torch.optim.RMSprop`.

use super::check;
use super::state::optimizer_state;
use super::{Algorithm, GroupOptions, Optimizer};
use crate::{Element, Result};
use serde::{Deserialize, Serialize};

/// `torch.optim.RMSprop`'s options and PyTorch's defaults.
///
/// ```
/// use nncore::optim::RmspropOptions;
/// assert_eq!(RmspropOptions::default().alpha, 0.99);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RmspropOptions {
    /// Learning rate.
    pub lr: f64,
    /// Smoothing constant of the squared-gradient average.
    pub alpha: f64,
    /// Added to the denominator.
    pub eps: f64,
    /// L2 penalty.
    pub weight_decay: f64,
    /// Momentum factor.
    pub momentum: f64,
    /// Normalize by an estimate of the gradient's variance.
    pub centered: bool,
    /// Maximize the objective instead of minimizing.
    pub maximize: bool,
}

impl Default for RmspropOptions {
    fn default() -> Self {
        RmspropOptions {
            lr: 1e-2,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum: 0.0,
            centered: false,
            maximize: false,
        }
    }
}

impl GroupOptions for RmspropOptions {
    fn lr(&self) -> f64 {
        self.lr
    }
    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }
    fn momentum(&self) -> Option<f64> {
        Some(self.momentum)
    }
    fn set_momentum(&mut self, momentum: f64) {
        self.momentum = momentum;
    }
}

optimizer_state! {
    /// RMSprop's per-parameter state, as PyTorch names it.
    pub struct RmspropState<E> {
        /// Steps taken.
        pub step: f64,
        /// Average of squared gradients.
        pub square_avg: Vec<E>,
        /// Momentum buffer (with `momentum > 0`).
        pub momentum_buffer: Option<Vec<E>>,
        /// Average of gradients (with `centered`).
        pub grad_avg: Option<Vec<E>>,
    }
}

/// The RMSprop algorithm (see [`RMSprop`]).
#[derive(Debug)]
pub struct RmspropAlgorithm;

/// `torch.optim.RMSprop`.
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{RMSprop, RmspropOptions};
/// let w = Parameter::new(vec![1.0], &[1]);
/// let mut opt = RMSprop::new(vec![w.clone()], RmspropOptions::default())?;
/// *w.grad_lock() = Some(vec![1.0]);
/// opt.step()?;
/// assert!((w.to_vec()[0] - 0.9).abs() < 1e-5); // lr / sqrt(1 - alpha)
/// # Ok::<(), nncore::Error>(())
/// ```
pub type RMSprop = Optimizer<RmspropAlgorithm>;

impl Algorithm for RmspropAlgorithm {
    type Options = RmspropOptions;
    type State<E: Element> = RmspropState<E>;
    const NAME: &'static str = "RMSprop";

    fn validate(o: &RmspropOptions) -> Result<()> {
        check::lr(Self::NAME, o.lr)?;
        check::eps(Self::NAME, o.eps)?;
        check::at_least_zero(Self::NAME, "momentum", o.momentum, "Invalid momentum value")?;
        check::weight_decay(Self::NAME, o.weight_decay)?;
        check::at_least_zero(Self::NAME, "alpha", o.alpha, "Invalid alpha value")
    }

    #[nnmacro::__compiled_once]
    fn update<E: Element>(
        o: &RmspropOptions,
        s: &mut RmspropState<E>,
        param: &mut [E],
        grad: &[E],
    ) {
        let n = param.len();
        if s.step == 0.0 {
            s.square_avg = vec![E::zero(); n];
        }
        if o.momentum > 0.0 && s.momentum_buffer.is_none() {
            s.momentum_buffer = Some(vec![E::zero(); n]);
        }
        if o.centered && s.grad_avg.is_none() {
            s.grad_avg = Some(vec![E::zero(); n]);
        }
        s.step += 1.0;
        let (alpha, eps, wd, lr, momentum) = (
            E::of(o.alpha),
            E::of(o.eps),
            E::of(o.weight_decay),
            E::of(o.lr),
            E::of(o.momentum),
        );
        let one = E::one();
        for i in 0..n {
            let mut g = if o.maximize { -grad[i] } else { grad[i] };
            if o.weight_decay != 0.0 {
                g += wd * param[i];
            }
            s.square_avg[i] = s.square_avg[i] * alpha + (one - alpha) * g * g;
            let avg = match s.grad_avg.as_mut() {
                Some(ga) if o.centered => {
                    ga[i] = ga[i] + (one - alpha) * (g - ga[i]);
                    (s.square_avg[i] - ga[i] * ga[i]).sqrt() + eps
                }
                _ => s.square_avg[i].sqrt() + eps,
            };
            match s.momentum_buffer.as_mut() {
                Some(buf) if o.momentum > 0.0 => {
                    buf[i] = buf[i] * momentum + g / avg;
                    param[i] -= lr * buf[i];
                }
                _ => param[i] -= lr * (g / avg),
            }
        }
    }
}
