//! Adagrad, like `torch.optim.Adagrad` (dense gradients).

use super::check;
use super::state::optimizer_state;
use super::{Algorithm, GroupOptions, Optimizer};
use crate::{Element, Result};
use serde::{Deserialize, Serialize};

/// `torch.optim.Adagrad`'s options and PyTorch's defaults.
///
/// ```
/// use nncore::optim::AdagradOptions;
/// assert_eq!(AdagradOptions::default().eps, 1e-10);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdagradOptions {
    /// Learning rate.
    pub lr: f64,
    /// Learning-rate decay per step.
    pub lr_decay: f64,
    /// L2 penalty.
    pub weight_decay: f64,
    /// Starting value of the sum of squared gradients.
    pub initial_accumulator_value: f64,
    /// Added to the denominator.
    pub eps: f64,
    /// Maximize the objective instead of minimizing.
    pub maximize: bool,
}

impl Default for AdagradOptions {
    fn default() -> Self {
        AdagradOptions {
            lr: 1e-2,
            lr_decay: 0.0,
            weight_decay: 0.0,
            initial_accumulator_value: 0.0,
            eps: 1e-10,
            maximize: false,
        }
    }
}

impl GroupOptions for AdagradOptions {
    fn lr(&self) -> f64 {
        self.lr
    }
    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }
}

optimizer_state! {
    /// Adagrad's per-parameter state, as PyTorch names it.
    pub struct AdagradState<E> {
        /// Steps taken.
        pub step: f64,
        /// Sum of squared gradients.
        pub sum: Vec<E>,
    }
}

/// The Adagrad algorithm (see [`Adagrad`]). Sparse gradients, which
/// PyTorch's Adagrad also takes, are rejected: use `SparseAdam`.
#[derive(Debug)]
pub struct AdagradAlgorithm;

/// `torch.optim.Adagrad`.
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{Adagrad, AdagradOptions};
/// let w = Parameter::new(vec![1.0], &[1]);
/// let mut opt = Adagrad::new(vec![w.clone()], AdagradOptions { lr: 0.1, ..Default::default() })?;
/// *w.grad_lock() = Some(vec![2.0]);
/// opt.step()?;
/// assert!((w.to_vec()[0] - 0.9).abs() < 1e-6);
/// # Ok::<(), nncore::Error>(())
/// ```
pub type Adagrad = Optimizer<AdagradAlgorithm>;

impl Algorithm for AdagradAlgorithm {
    type Options = AdagradOptions;
    type State<E: Element> = AdagradState<E>;
    const NAME: &'static str = "Adagrad";

    fn validate(o: &AdagradOptions) -> Result<()> {
        check::lr(Self::NAME, o.lr)?;
        check::at_least_zero(Self::NAME, "lr_decay", o.lr_decay, "Invalid lr_decay value")?;
        check::weight_decay(Self::NAME, o.weight_decay)?;
        check::at_least_zero(
            Self::NAME,
            "initial_accumulator_value",
            o.initial_accumulator_value,
            "Invalid initial_accumulator_value value",
        )?;
        check::eps(Self::NAME, o.eps)
    }

    #[nnmacro::__compiled_once]
    fn update<E: Element>(
        o: &AdagradOptions,
        s: &mut AdagradState<E>,
        param: &mut [E],
        grad: &[E],
    ) {
        if s.step == 0.0 {
            s.sum = vec![E::of(o.initial_accumulator_value); param.len()];
        }
        s.step += 1.0;
        let clr = E::of(o.lr / (1.0 + (s.step - 1.0) * o.lr_decay));
        let (wd, eps) = (E::of(o.weight_decay), E::of(o.eps));
        for i in 0..param.len() {
            let mut g = if o.maximize { -grad[i] } else { grad[i] };
            if o.weight_decay != 0.0 {
                g += wd * param[i];
            }
            s.sum[i] += g * g;
            let std = s.sum[i].sqrt() + eps;
            param[i] -= clr * (g / std);
        }
    }
}
