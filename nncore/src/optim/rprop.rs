//! Resilient backpropagation, like `torch.optim.Rprop`.

use super::check;
use super::state::optimizer_state;
use super::{Algorithm, GroupOptions, Optimizer};
use crate::py_float;
use crate::{Element, Error, Result};
use serde::{Deserialize, Serialize};

/// `torch.optim.Rprop`'s options and PyTorch's defaults.
///
/// ```
/// use nncore::optim::RpropOptions;
/// assert_eq!(RpropOptions::default().etas, (0.5, 1.2));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RpropOptions {
    /// Learning rate: the initial step size.
    pub lr: f64,
    /// (etaminus, etaplus): step-size factors on a sign change / no change.
    pub etas: (f64, f64),
    /// (min, max) allowed step sizes.
    pub step_sizes: (f64, f64),
    /// Maximize the objective instead of minimizing.
    pub maximize: bool,
}

impl Default for RpropOptions {
    fn default() -> Self {
        RpropOptions {
            lr: 1e-2,
            etas: (0.5, 1.2),
            step_sizes: (1e-6, 50.0),
            maximize: false,
        }
    }
}

impl GroupOptions for RpropOptions {
    fn lr(&self) -> f64 {
        self.lr
    }
    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }
}

optimizer_state! {
    /// Rprop's per-parameter state, as PyTorch names it.
    pub struct RpropState<E> {
        /// Steps taken.
        pub step: f64,
        /// The previous (masked) gradient.
        pub prev: Vec<E>,
        /// Per-element step sizes (start at the group's lr).
        pub step_size: Vec<E>,
    }
}

/// The Rprop algorithm (see [`Rprop`]).
#[derive(Debug)]
pub struct RpropAlgorithm;

/// `torch.optim.Rprop`.
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{Rprop, RpropOptions};
/// let w = Parameter::new(vec![1.0], &[1]);
/// let mut opt = Rprop::new(vec![w.clone()], RpropOptions { lr: 0.1, ..Default::default() })?;
/// *w.grad_lock() = Some(vec![5.0]);
/// opt.step()?; // moves by the step size, whatever the gradient's size
/// assert!((w.to_vec()[0] - 0.9).abs() < 1e-6);
/// # Ok::<(), nncore::Error>(())
/// ```
pub type Rprop = Optimizer<RpropAlgorithm>;

impl Algorithm for RpropAlgorithm {
    type Options = RpropOptions;
    type State<E: Element> = RpropState<E>;
    const NAME: &'static str = "Rprop";

    fn validate(o: &RpropOptions) -> Result<()> {
        check::lr(Self::NAME, o.lr)?;
        let (minus, plus) = o.etas;
        if !(0.0 < minus && minus < 1.0 && 1.0 < plus) {
            return Err(Error::option(
                Self::NAME,
                "etas",
                format!(
                    "Invalid eta values: {}, {}",
                    py_float(minus),
                    py_float(plus)
                ),
            ));
        }
        Ok(())
    }

    #[nnmacro::__compiled_once]
    fn update<E: Element>(o: &RpropOptions, s: &mut RpropState<E>, param: &mut [E], grad: &[E]) {
        if s.step == 0.0 {
            s.prev = vec![E::zero(); param.len()];
            s.step_size = vec![E::of(o.lr); param.len()];
        }
        s.step += 1.0;
        let (minus, plus) = (E::of(o.etas.0), E::of(o.etas.1));
        let (lo, hi) = (E::of(o.step_sizes.0), E::of(o.step_sizes.1));
        for i in 0..param.len() {
            let mut g = if o.maximize { -grad[i] } else { grad[i] };
            let product = g * s.prev[i];
            let factor = if product > E::zero() {
                plus
            } else if product < E::zero() {
                minus
            } else {
                E::one()
            };
            s.step_size[i] = (s.step_size[i] * factor).max(lo).min(hi);
            if product < E::zero() {
                g = E::zero();
            }
            let sign = if g > E::zero() {
                E::one()
            } else if g < E::zero() {
                -E::one()
            } else {
                E::zero()
            };
            param[i] -= sign * s.step_size[i];
            s.prev[i] = g;
        }
    }
}
