//! Stochastic gradient descent with momentum, like `torch.optim.SGD`.

use super::check;
use super::state::optimizer_state;
use super::{Algorithm, GroupOptions, Optimizer};
use crate::kernels::simd;
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
pub struct SgdAlgorithm;

/// `torch.optim.SGD`.
pub type SGD = Optimizer<SgdAlgorithm>;

impl Algorithm for SgdAlgorithm {
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

    #[nnmacro::__compiled_once]
    fn update<E: Element>(o: &SgdOptions, state: &mut SgdState<E>, param: &mut [E], grad: &[E]) {
        let k = SgdStep::new(o, state.momentum_buffer.is_none());
        if o.momentum == 0.0 {
            simd::dispatch(
                #[inline(always)]
                || k.run(param, grad, None),
            );
            return;
        }
        let buf = state
            .momentum_buffer
            .get_or_insert_with(|| vec![E::zero(); param.len()]);
        assert_eq!(buf.len(), param.len(), "SGD: momentum buffer size");
        simd::dispatch(
            #[inline(always)]
            || k.run(param, grad, Some(buf)),
        );
    }
}

/// The constants of one SGD step, and the update of one element: a loop
/// over zipped slices with no per-element branches, which
/// [`simd::dispatch`] vectorises with the same operations per element at
/// every instruction-set level.
#[derive(Clone, Copy, Debug)]
struct SgdStep<E> {
    lr: E,
    weight_decay: E,
    momentum: E,
    dampening: E,
    sign: E,
    nesterov: bool,
    /// The momentum buffer is new: it starts as the first step's direction.
    first: bool,
}

impl<E: Element> SgdStep<E> {
    fn new(o: &SgdOptions, first: bool) -> Self {
        SgdStep {
            lr: E::of(o.lr),
            weight_decay: E::of(o.weight_decay),
            momentum: E::of(o.momentum),
            dampening: E::of(o.dampening),
            sign: if o.maximize { -E::one() } else { E::one() },
            nesterov: o.nesterov,
            first,
        }
    }

    /// Updates every parameter; `buf` is the momentum buffer (`None`
    /// without momentum).
    #[inline(always)]
    fn run(&self, param: &mut [E], grad: &[E], buf: Option<&mut [E]>) {
        // A copy in registers (see `AdamStep::run`).
        let k = *self;
        match buf {
            None => {
                for (p, &g) in param.iter_mut().zip(grad) {
                    let d = k.direction(*p, g);
                    *p -= k.lr * d;
                }
            }
            Some(buf) => {
                for ((p, &g), b) in param.iter_mut().zip(grad).zip(buf) {
                    let d = k.direction(*p, g);
                    *b = if k.first {
                        d
                    } else {
                        k.momentum * *b + (E::one() - k.dampening) * d
                    };
                    let step = if k.nesterov { d + k.momentum * *b } else { *b };
                    *p -= k.lr * step;
                }
            }
        }
    }

    /// The gradient with PyTorch's L2 penalty (and sign for `maximize`).
    #[inline(always)]
    fn direction(&self, p: E, g: E) -> E {
        self.sign * g + self.weight_decay * p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::simd::{Level, dispatch_at};
    use crate::param::Parameter;

    /// The naive twin: the per-element loop the vectorised one replaced.
    fn sgd_naive(
        o: &SgdOptions,
        mut buf: Option<&mut [f32]>,
        first: bool,
        p: &mut [f32],
        g: &[f32],
    ) {
        let (lr, wd, momentum) = (o.lr as f32, o.weight_decay as f32, o.momentum as f32);
        let sign = if o.maximize { -1.0 } else { 1.0 };
        for i in 0..p.len() {
            let d = sign * g[i] + wd * p[i];
            let Some(b) = buf.as_deref_mut() else {
                p[i] -= lr * d;
                continue;
            };
            b[i] = if first {
                d
            } else {
                momentum * b[i] + (1.0 - o.dampening as f32) * d
            };
            let step = if o.nesterov {
                d + momentum * b[i]
            } else {
                b[i]
            };
            p[i] -= lr * step;
        }
    }

    #[test]
    fn every_simd_level_gives_the_naive_bits() {
        let n = 37;
        let grad: Vec<f32> = (0..n).map(|i| ((i * 29 % 17) as f32 - 8.0) / 3.0).collect();
        let start: Vec<f32> = (0..n).map(|i| ((i * 13 % 11) as f32 - 5.0) / 7.0).collect();
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (momentum, dampening, nesterov, weight_decay, maximize) in [
            (0.0, 0.0, false, 0.0, false),
            (0.0, 0.0, false, 0.1, true),
            (0.9, 0.0, false, 0.0, false),
            (0.9, 0.0, true, 0.01, false),
            (0.5, 0.3, false, 0.01, true),
        ] {
            let o = SgdOptions {
                lr: 0.1,
                momentum,
                dampening,
                nesterov,
                weight_decay,
                maximize,
            };
            for level in Level::ALL {
                let (mut p1, mut p2) = (start.clone(), start.clone());
                let (mut b1, mut b2) = (vec![0.0; n], vec![0.0; n]);
                for step in 0..3 {
                    let k = SgdStep::<f32>::new(&o, step == 0);
                    let buf = (momentum != 0.0).then_some(&mut b1[..]);
                    if dispatch_at(
                        level,
                        #[inline(always)]
                        || k.run(&mut p1, &grad, buf),
                    )
                    .is_none()
                    {
                        break;
                    }
                    let buf = (momentum != 0.0).then_some(&mut b2[..]);
                    sgd_naive(&o, buf, step == 0, &mut p2, &grad);
                    assert_eq!(bits(&p1), bits(&p2), "{o:?} {level:?}");
                    assert_eq!(bits(&b1), bits(&b2), "{o:?} {level:?}");
                }
            }
        }
    }

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
