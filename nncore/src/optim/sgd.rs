//! Stochastic gradient descent with momentum, like `torch.optim.SGD`.

use super::driver::check;
use super::state::optimizer_state;
use super::{Algorithm, GroupOptions, Optimizer};
use crate::{Element, Error, Result};
use serde::{Deserialize, Serialize};

/// `torch.optim.SGD`'s options and PyTorch's defaults (`lr = 1e-3`).
///
/// ```
/// use nncore::optim::SgdOptions;
/// let o = SgdOptions { lr: 0.01, momentum: 0.9, ..Default::default() };
/// assert_eq!(o.dampening, 0.0);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SgdOptions {
    /// Learning rate.
    pub lr: f64,
    /// Momentum factor.
    pub momentum: f64,
    /// Dampening of the momentum.
    pub dampening: f64,
    /// L2 penalty.
    pub weight_decay: f64,
    /// Nesterov momentum.
    pub nesterov: bool,
    /// Maximize the objective instead of minimizing.
    pub maximize: bool,
}

impl Default for SgdOptions {
    fn default() -> Self {
        SgdOptions {
            lr: 1e-3,
            momentum: 0.0,
            dampening: 0.0,
            weight_decay: 0.0,
            nesterov: false,
            maximize: false,
        }
    }
}

impl GroupOptions for SgdOptions {
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
    /// SGD's per-parameter state: PyTorch's `momentum_buffer`.
    pub struct SgdState<E> {
        /// The momentum buffer, `None` until the first step with momentum.
        pub momentum_buffer: Option<Vec<E>>,
    }
}

/// The SGD algorithm (see [`SGD`]).
#[derive(Debug)]
pub struct Sgd;

/// `torch.optim.SGD`.
pub type SGD = Optimizer<Sgd>;

impl Algorithm for Sgd {
    type Options = SgdOptions;
    type State<E: Element> = SgdState<E>;
    const NAME: &'static str = "SGD";

    fn validate(o: &SgdOptions) -> Result<()> {
        check::lr("SGD", o.lr)?;
        check::at_least_zero("SGD", "momentum", o.momentum, "Invalid momentum value")?;
        check::weight_decay("SGD", o.weight_decay)?;
        if o.nesterov && (o.momentum <= 0.0 || o.dampening != 0.0) {
            return Err(Error::option(
                "SGD",
                "nesterov",
                "Nesterov momentum requires a momentum and zero dampening",
            ));
        }
        Ok(())
    }

    fn update<E: Element>(o: &SgdOptions, state: &mut SgdState<E>, param: &mut [E], grad: &[E]) {
        let (lr, wd, momentum, dampening) = (
            E::of(o.lr),
            E::of(o.weight_decay),
            E::of(o.momentum),
            E::of(o.dampening),
        );
        let sign = if o.maximize { -E::one() } else { E::one() };
        if o.momentum == 0.0 {
            for (p, &g) in param.iter_mut().zip(grad) {
                let d = sign * g + wd * *p;
                *p -= lr * d;
            }
            return;
        }
        let first = state.momentum_buffer.is_none();
        let buf = state
            .momentum_buffer
            .get_or_insert_with(|| vec![E::zero(); param.len()]);
        for ((p, &g), b) in param.iter_mut().zip(grad).zip(buf.iter_mut()) {
            let d = sign * g + wd * *p;
            *b = if first {
                d
            } else {
                momentum * *b + (E::one() - dampening) * d
            };
            let step = if o.nesterov { d + momentum * *b } else { *b };
            *p -= lr * step;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::Parameter;

    #[test]
    fn momentum_matches_pytorch_recurrence() {
        // PyTorch: buf1 = g1; p1 = p0 - lr*buf1; buf2 = m*buf1 + (1-d)*g2; p2 = p1 - lr*buf2
        let p = Parameter::new(vec![1.0], &[1]);
        let o = SgdOptions {
            lr: 0.1,
            momentum: 0.9,
            dampening: 0.5,
            ..Default::default()
        };
        let mut opt = SGD::new(vec![p.clone()], o).unwrap();
        *p.grad_lock() = Some(vec![1.0]);
        opt.step().unwrap();
        assert!((p.to_vec()[0] - 0.9).abs() < 1e-7);
        opt.step().unwrap();
        assert!((p.to_vec()[0] - (0.9 - 0.1 * (0.9 + 0.5))).abs() < 1e-7);
    }

    #[test]
    fn bad_options_are_rejected_naming_the_option() {
        let e = SGD::new(
            vec![],
            SgdOptions {
                lr: -1.0,
                ..Default::default()
            },
        )
        .err()
        .unwrap();
        assert_eq!(
            e.to_string(),
            "SGD: invalid lr: Invalid learning rate: -1.0"
        );
        let e = SGD::new(
            vec![],
            SgdOptions {
                nesterov: true,
                momentum: 0.9,
                dampening: 0.1,
                ..Default::default()
            },
        )
        .err()
        .unwrap();
        assert_eq!(
            e.to_string(),
            "SGD: invalid nesterov: Nesterov momentum requires a momentum and zero dampening"
        );
    }

    #[test]
    fn a_parameter_twice_is_an_error() {
        let p = Parameter::new(vec![1.0], &[1]);
        assert!(SGD::new(vec![p.clone(), p], SgdOptions::default()).is_err());
    }
}
