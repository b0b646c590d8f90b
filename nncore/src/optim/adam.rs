//! Adam, like `torch.optim.Adam`.

use super::driver::check;
use super::state::optimizer_state;
use super::{Algorithm, GroupOptions, Optimizer};
use crate::{Element, Result};
use serde::{Deserialize, Serialize};

/// `torch.optim.Adam`'s options and PyTorch's defaults.
///
/// ```
/// use nncore::optim::AdamOptions;
/// let o = AdamOptions { lr: 0.01, amsgrad: true, ..Default::default() };
/// assert_eq!(o.betas, (0.9, 0.999));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamOptions {
    /// Learning rate.
    pub lr: f64,
    /// Decay rates of the first and second moment averages.
    pub betas: (f64, f64),
    /// Added to the denominator.
    pub eps: f64,
    /// L2 penalty added to the gradient.
    pub weight_decay: f64,
    /// Use the maximum of past second moments (AMSGrad).
    pub amsgrad: bool,
    /// Maximize the objective instead of minimizing.
    pub maximize: bool,
}

impl Default for AdamOptions {
    fn default() -> Self {
        AdamOptions {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
            maximize: false,
        }
    }
}

impl GroupOptions for AdamOptions {
    fn lr(&self) -> f64 {
        self.lr
    }
    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }
    fn momentum(&self) -> Option<f64> {
        Some(self.betas.0)
    }
    fn set_momentum(&mut self, momentum: f64) {
        self.betas.0 = momentum;
    }
}

optimizer_state! {
    /// Adam's per-parameter state, as PyTorch names it.
    pub struct AdamState<E> {
        /// Steps taken.
        pub step: f64,
        /// First moment average.
        pub exp_avg: Vec<E>,
        /// Second moment average.
        pub exp_avg_sq: Vec<E>,
        /// Maximum second moment (AMSGrad only).
        pub max_exp_avg_sq: Option<Vec<E>>,
    }
}

/// The Adam algorithm (see [`Adam`]).
#[derive(Debug)]
pub struct AdamAlgorithm;

/// `torch.optim.Adam`.
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{Adam, AdamOptions};
/// let w = Parameter::new(vec![1.0], &[1]);
/// let mut opt = Adam::new(vec![w.clone()], AdamOptions { lr: 0.1, ..Default::default() })?;
/// *w.grad_lock() = Some(vec![3.0]);
/// opt.step()?;
/// assert!((w.to_vec()[0] - 0.9).abs() < 1e-6); // the first step moves by lr
/// assert_eq!(opt.state(&w).unwrap().step, 1.0);
/// # Ok::<(), nncore::Error>(())
/// ```
pub type Adam = Optimizer<AdamAlgorithm>;

pub(crate) fn validate_adam(name: &'static str, o: &AdamOptions) -> Result<()> {
    check::lr(name, o.lr)?;
    check::eps(name, o.eps)?;
    check::betas(name, o.betas)?;
    check::weight_decay(name, o.weight_decay)
}

/// One Adam step; `decoupled` applies the weight decay to the parameter
/// (AdamW) instead of the gradient.
pub(crate) fn adam_update<E: Element>(
    o: &AdamOptions,
    decoupled: bool,
    s: &mut AdamState<E>,
    param: &mut [E],
    grad: &[E],
) {
    let n = param.len();
    if s.exp_avg.is_empty() && n > 0 {
        s.exp_avg = vec![E::zero(); n];
        s.exp_avg_sq = vec![E::zero(); n];
    }
    if o.amsgrad && s.max_exp_avg_sq.is_none() {
        s.max_exp_avg_sq = Some(vec![E::zero(); n]);
    }
    s.step += 1.0;
    let (b1, b2) = (E::of(o.betas.0), E::of(o.betas.1));
    let one = E::one();
    let wd = E::of(o.weight_decay);
    let bc1 = 1.0 - o.betas.0.powf(s.step);
    let bc2 = 1.0 - o.betas.1.powf(s.step);
    let step_size = E::of(o.lr / bc1);
    let bc2_sqrt = E::of(bc2.sqrt());
    let eps = E::of(o.eps);
    let decay = E::of(1.0 - o.lr * o.weight_decay);
    for i in 0..n {
        let mut g = if o.maximize { -grad[i] } else { grad[i] };
        if decoupled {
            param[i] *= decay;
        } else if o.weight_decay != 0.0 {
            g += wd * param[i];
        }
        let m = &mut s.exp_avg[i];
        *m += (one - b1) * (g - *m);
        let v = &mut s.exp_avg_sq[i];
        *v = *v * b2 + (one - b2) * g * g;
        let v_hat = match s.max_exp_avg_sq.as_mut() {
            Some(max) if o.amsgrad => {
                max[i] = max[i].max(*v);
                max[i]
            }
            _ => *v,
        };
        let denom = v_hat.sqrt() / bc2_sqrt + eps;
        param[i] -= step_size * (s.exp_avg[i] / denom);
    }
}

impl Algorithm for AdamAlgorithm {
    type Options = AdamOptions;
    type State<E: Element> = AdamState<E>;
    const NAME: &'static str = "Adam";

    fn validate(o: &AdamOptions) -> Result<()> {
        validate_adam(Self::NAME, o)
    }

    fn update<E: Element>(o: &AdamOptions, s: &mut AdamState<E>, param: &mut [E], grad: &[E]) {
        adam_update(o, false, s, param, grad);
    }
}
