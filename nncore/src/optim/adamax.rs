//! Adamax (Adam with the infinity norm), like `torch.optim.Adamax`.

use super::adam_family::{Moments, WeightDecay, bias_correction, start_moments};
use super::check;
use super::state::optimizer_state;
use super::{Algorithm, GroupOptions, Optimizer};
use crate::{Element, Result};
use serde::{Deserialize, Serialize};

/// `torch.optim.Adamax`'s options and PyTorch's defaults.
///
/// ```
/// use nncore::optim::AdamaxOptions;
/// assert_eq!(AdamaxOptions::default().lr, 2e-3);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamaxOptions {
    /// Learning rate.
    pub lr: f64,
    /// Decay rates of the first moment and the infinity norm.
    pub betas: (f64, f64),
    /// Added to the norm.
    pub eps: f64,
    /// L2 penalty.
    pub weight_decay: f64,
    /// Maximize the objective instead of minimizing.
    pub maximize: bool,
}

impl Default for AdamaxOptions {
    fn default() -> Self {
        AdamaxOptions {
            lr: 2e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            maximize: false,
        }
    }
}

impl GroupOptions for AdamaxOptions {
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
    /// Adamax's per-parameter state, as PyTorch names it.
    pub struct AdamaxState<E> {
        /// Steps taken.
        pub step: f64,
        /// First moment average.
        pub exp_avg: Vec<E>,
        /// Exponentially weighted infinity norm.
        pub exp_inf: Vec<E>,
    }
}

/// The Adamax algorithm (see [`Adamax`]).
#[derive(Debug)]
pub struct AdamaxAlgorithm;

/// `torch.optim.Adamax`.
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{Adamax, AdamaxOptions};
/// let w = Parameter::new(vec![1.0], &[1]);
/// let mut opt = Adamax::new(vec![w.clone()], AdamaxOptions { lr: 0.1, ..Default::default() })?;
/// *w.grad_lock() = Some(vec![2.0]);
/// opt.step()?;
/// assert!((w.to_vec()[0] - 0.9).abs() < 1e-6);
/// # Ok::<(), nncore::Error>(())
/// ```
pub type Adamax = Optimizer<AdamaxAlgorithm>;

impl Algorithm for AdamaxAlgorithm {
    type Options = AdamaxOptions;
    type State<E: Element> = AdamaxState<E>;
    const NAME: &'static str = "Adamax";

    fn validate(o: &AdamaxOptions) -> Result<()> {
        check::lr(Self::NAME, o.lr)?;
        check::eps(Self::NAME, o.eps)?;
        check::betas(Self::NAME, o.betas)?;
        check::weight_decay(Self::NAME, o.weight_decay)
    }

    #[nnmacro::__compiled_once]
    fn update<E: Element>(o: &AdamaxOptions, s: &mut AdamaxState<E>, param: &mut [E], grad: &[E]) {
        start_moments([&mut s.exp_avg, &mut s.exp_inf], param.len());
        s.step += 1.0;
        let decay = WeightDecay::new(o.lr, o.weight_decay, false, o.maximize);
        let moments = Moments::new(o.betas);
        let (b2, eps) = (moments.beta2(), E::of(o.eps));
        let clr = E::of(o.lr / bias_correction(o.betas.0, s.step));
        let state = s.exp_avg.iter_mut().zip(s.exp_inf.iter_mut());
        for ((p, &g), (m, u)) in param.iter_mut().zip(grad).zip(state) {
            let (shrunk, g) = decay.apply(*p, g);
            *p = shrunk;
            moments.first(m, g);
            *u = (*u * b2).max(g.abs() + eps);
            *p -= clr * (*m / *u);
        }
    }
}
