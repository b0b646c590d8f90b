//! NAdam (Adam with Nesterov momentum), like `torch.optim.NAdam`.

use super::adam_family::{Moments, WeightDecay, bias_correction, start_moments};
use super::check;
use super::state::optimizer_state;
use super::{Algorithm, GroupOptions, Optimizer};
use crate::{Element, Result};
use serde::{Deserialize, Serialize};

/// `torch.optim.NAdam`'s options and PyTorch's defaults.
///
/// ```
/// use nncore::optim::NAdamOptions;
/// assert_eq!(NAdamOptions::default().momentum_decay, 4e-3);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NAdamOptions {
    /// Learning rate.
    pub lr: f64,
    /// Decay rates of the first and second moment averages.
    pub betas: (f64, f64),
    /// Added to the denominator.
    pub eps: f64,
    /// Weight decay (L2, or decoupled as in AdamW).
    pub weight_decay: f64,
    /// The momentum schedule's decay.
    pub momentum_decay: f64,
    /// Decay the parameter instead of adding to the gradient.
    pub decoupled_weight_decay: bool,
    /// Maximize the objective instead of minimizing.
    pub maximize: bool,
}

impl Default for NAdamOptions {
    fn default() -> Self {
        NAdamOptions {
            lr: 2e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            momentum_decay: 4e-3,
            decoupled_weight_decay: false,
            maximize: false,
        }
    }
}

impl GroupOptions for NAdamOptions {
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
    /// NAdam's per-parameter state, as PyTorch names it.
    pub struct NAdamState<E> {
        /// Steps taken.
        pub step: f64,
        /// Product of the momentum schedule so far (starts at 1).
        pub mu_product: f64,
        /// First moment average.
        pub exp_avg: Vec<E>,
        /// Second moment average.
        pub exp_avg_sq: Vec<E>,
    }
}

/// The NAdam algorithm (see [`NAdam`]).
#[derive(Debug)]
pub struct NAdamAlgorithm;

/// `torch.optim.NAdam`.
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{NAdam, NAdamOptions};
/// let w = Parameter::new(vec![1.0], &[1]);
/// let mut opt = NAdam::new(vec![w.clone()], NAdamOptions::default())?;
/// *w.grad_lock() = Some(vec![1.0]);
/// opt.step()?;
/// assert!(w.to_vec()[0] < 1.0);
/// # Ok::<(), nncore::Error>(())
/// ```
pub type NAdam = Optimizer<NAdamAlgorithm>;

impl Algorithm for NAdamAlgorithm {
    type Options = NAdamOptions;
    type State<E: Element> = NAdamState<E>;
    const NAME: &'static str = "NAdam";

    fn validate(o: &NAdamOptions) -> Result<()> {
        check::lr(Self::NAME, o.lr)?;
        check::eps(Self::NAME, o.eps)?;
        check::betas(Self::NAME, o.betas)?;
        check::weight_decay(Self::NAME, o.weight_decay)?;
        check::at_least_zero(
            Self::NAME,
            "momentum_decay",
            o.momentum_decay,
            "Invalid momentum_decay value",
        )
    }

    #[nnmacro::__compiled_once]
    fn update<E: Element>(o: &NAdamOptions, s: &mut NAdamState<E>, param: &mut [E], grad: &[E]) {
        if s.step == 0.0 {
            s.mu_product = 1.0;
        }
        start_moments([&mut s.exp_avg, &mut s.exp_avg_sq], param.len());
        s.step += 1.0;
        let beta1 = o.betas.0;
        let mu = beta1 * (1.0 - 0.5 * 0.96f64.powf(s.step * o.momentum_decay));
        let mu_next = beta1 * (1.0 - 0.5 * 0.96f64.powf((s.step + 1.0) * o.momentum_decay));
        s.mu_product *= mu;
        let mu_product_next = s.mu_product * mu_next;
        let c_grad = E::of(-o.lr * (1.0 - mu) / (1.0 - s.mu_product));
        let c_avg = E::of(-o.lr * mu_next / (1.0 - mu_product_next));
        let decay = WeightDecay::new(o.lr, o.weight_decay, o.decoupled_weight_decay, o.maximize);
        let moments = Moments::new(o.betas);
        let (eps, bc2) = (E::of(o.eps), E::of(bias_correction(o.betas.1, s.step)));
        let state = s.exp_avg.iter_mut().zip(s.exp_avg_sq.iter_mut());
        for ((p, &g), (m, v)) in param.iter_mut().zip(grad).zip(state) {
            let (shrunk, g) = decay.apply(*p, g);
            *p = shrunk;
            moments.first(m, g);
            moments.second(v, g);
            let denom = (*v / bc2).sqrt() + eps;
            *p += c_grad * (g / denom);
            *p += c_avg * (*m / denom);
        }
    }
}
