//! RAdam (rectified Adam), like `torch.optim.RAdam`.

use super::adam_family::{Moments, WeightDecay, bias_correction, start_moments};
use super::check;
use super::state::optimizer_state;
use super::{Algorithm, GroupOptions, Optimizer};
use crate::{Element, Result};
use serde::{Deserialize, Serialize};

/// `torch.optim.RAdam`'s options and PyTorch's defaults.
///
/// ```
/// use nncore::optim::RAdamOptions;
/// assert!(!RAdamOptions::default().decoupled_weight_decay);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RAdamOptions {
    /// Learning rate.
    pub lr: f64,
    /// Decay rates of the first and second moment averages.
    pub betas: (f64, f64),
    /// Added to the denominator.
    pub eps: f64,
    /// Weight decay (L2, or decoupled as in AdamW).
    pub weight_decay: f64,
    /// Decay the parameter instead of adding to the gradient.
    pub decoupled_weight_decay: bool,
    /// Maximize the objective instead of minimizing.
    pub maximize: bool,
}

impl Default for RAdamOptions {
    fn default() -> Self {
        RAdamOptions {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            decoupled_weight_decay: false,
            maximize: false,
        }
    }
}

impl GroupOptions for RAdamOptions {
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
    /// RAdam's per-parameter state, as PyTorch names it.
    pub struct RAdamState<E> {
        /// Steps taken.
        pub step: f64,
        /// First moment average.
        pub exp_avg: Vec<E>,
        /// Second moment average.
        pub exp_avg_sq: Vec<E>,
    }
}

/// The RAdam algorithm (see [`RAdam`]).
#[derive(Debug)]
pub struct RAdamAlgorithm;

/// `torch.optim.RAdam`.
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{RAdam, RAdamOptions};
/// let w = Parameter::new(vec![1.0], &[1]);
/// let mut opt = RAdam::new(vec![w.clone()], RAdamOptions { lr: 0.1, ..Default::default() })?;
/// *w.grad_lock() = Some(vec![2.0]);
/// opt.step()?; // early steps are un-adapted momentum SGD
/// assert!((w.to_vec()[0] - 0.8).abs() < 1e-6);
/// # Ok::<(), nncore::Error>(())
/// ```
pub type RAdam = Optimizer<RAdamAlgorithm>;

impl Algorithm for RAdamAlgorithm {
    type Options = RAdamOptions;
    type State<E: Element> = RAdamState<E>;
    const NAME: &'static str = "RAdam";

    fn validate(o: &RAdamOptions) -> Result<()> {
        check::lr(Self::NAME, o.lr)?;
        check::eps(Self::NAME, o.eps)?;
        check::betas(Self::NAME, o.betas)?;
        check::weight_decay(Self::NAME, o.weight_decay)
    }

    #[nnmacro::__compiled_once]
    fn update<E: Element>(o: &RAdamOptions, s: &mut RAdamState<E>, param: &mut [E], grad: &[E]) {
        start_moments([&mut s.exp_avg, &mut s.exp_avg_sq], param.len());
        s.step += 1.0;
        let beta2 = o.betas.1;
        let bias_correction2 = bias_correction(beta2, s.step);
        let rho_inf = 2.0 / (1.0 - beta2) - 1.0;
        let rho_t = rho_inf - 2.0 * s.step * beta2.powf(s.step) / bias_correction2;
        let rect = (rho_t > 5.0).then(|| {
            E::of(
                ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
                    / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                    .sqrt(),
            )
        });
        let decay = WeightDecay::new(o.lr, o.weight_decay, o.decoupled_weight_decay, o.maximize);
        let moments = Moments::new(o.betas);
        let (eps, lr) = (E::of(o.eps), E::of(o.lr));
        let bc1 = E::of(bias_correction(o.betas.0, s.step));
        let bc2_sqrt = E::of(bias_correction2.sqrt());
        let state = s.exp_avg.iter_mut().zip(s.exp_avg_sq.iter_mut());
        for ((p, &g), (m, v)) in param.iter_mut().zip(grad).zip(state) {
            let (shrunk, g) = decay.apply(*p, g);
            *p = shrunk;
            moments.first(m, g);
            moments.second(v, g);
            let corrected = *m / bc1;
            match rect {
                Some(rect) => {
                    let adaptive = bc2_sqrt / (v.sqrt() + eps);
                    *p -= corrected * lr * adaptive * rect;
                }
                None => *p -= corrected * lr,
            }
        }
    }
}
