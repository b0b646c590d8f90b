//! Adam, like `torch.optim.Adam`.

use super::adam_family::{Moments, WeightDecay, bias_correction, start_moments};
use super::check;
use super::state::optimizer_state;
use super::{Algorithm, GroupOptions, Optimizer};
use crate::kernels::simd;
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
    start_moments([&mut s.exp_avg, &mut s.exp_avg_sq], n);
    if o.amsgrad && s.max_exp_avg_sq.is_none() {
        s.max_exp_avg_sq = Some(vec![E::zero(); n]);
    }
    s.step += 1.0;
    let k = AdamStep::new(o, decoupled, s.step);
    let max = s.max_exp_avg_sq.as_deref_mut().filter(|_| o.amsgrad);
    let (m, v) = (&mut s.exp_avg[..], &mut s.exp_avg_sq[..]);
    assert!(
        m.len() == n && v.len() == n,
        "Adam: state size differs from the parameter"
    );
    simd::dispatch(
        #[inline(always)]
        || k.run(param, grad, m, v, max),
    );
}

/// The constants of one Adam step, and the update of one element. The
/// update is a loop over zipped slices with no per-element branches, so
/// [`simd::dispatch`] vectorises it; each element sees the same operations
/// in the same order at every instruction-set level.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AdamStep<E> {
    decay: WeightDecay<E>,
    moments: Moments<E>,
    step_size: E,
    bc2_sqrt: E,
    eps: E,
}

impl<E: Element> AdamStep<E> {
    /// The constants of step number `step` (counted from 1).
    pub(crate) fn new(o: &AdamOptions, decoupled: bool, step: f64) -> Self {
        AdamStep {
            decay: WeightDecay::new(o.lr, o.weight_decay, decoupled, o.maximize),
            moments: Moments::new(o.betas),
            step_size: E::of(o.lr / bias_correction(o.betas.0, step)),
            bc2_sqrt: E::of(bias_correction(o.betas.1, step).sqrt()),
            eps: E::of(o.eps),
        }
    }

    /// Updates every element; `max` is AMSGrad's running maximum of the
    /// second moment.
    #[inline(always)]
    pub(crate) fn run(
        &self,
        param: &mut [E],
        grad: &[E],
        exp_avg: &mut [E],
        exp_avg_sq: &mut [E],
        max: Option<&mut [E]>,
    ) {
        // A copy in registers: the compiler cannot prove that the stores
        // below leave `*self` alone, and reloading it blocks vectorising.
        let k = *self;
        let moments = param
            .iter_mut()
            .zip(grad)
            .zip(exp_avg.iter_mut().zip(exp_avg_sq.iter_mut()));
        match max {
            Some(max) => {
                for (((p, &g), (m, v)), max) in moments.zip(max) {
                    *p = k.element(*p, g, m, v, Some(max));
                }
            }
            None => {
                for ((p, &g), (m, v)) in moments {
                    *p = k.element(*p, g, m, v, None);
                }
            }
        }
    }

    /// PyTorch's single-tensor Adam on one element: returns the new
    /// parameter. The options pick between values computed either way
    /// (selects, no branches), which vectorises.
    #[inline(always)]
    fn element(self, p: E, g: E, m: &mut E, v: &mut E, max: Option<&mut E>) -> E {
        let (p, g) = self.decay.apply(p, g);
        self.moments.first(m, g);
        self.moments.second(v, g);
        let v_hat = match max {
            Some(max) => {
                *max = max.max(*v);
                *max
            }
            None => *v,
        };
        let denom = v_hat.sqrt() / self.bc2_sqrt + self.eps;
        p - self.step_size * (*m / denom)
    }
}

impl Algorithm for AdamAlgorithm {
    type Options = AdamOptions;
    type State<E: Element> = AdamState<E>;
    const NAME: &'static str = "Adam";

    fn validate(o: &AdamOptions) -> Result<()> {
        validate_adam(Self::NAME, o)
    }

    #[nnmacro::__compiled_once]
    fn update<E: Element>(o: &AdamOptions, s: &mut AdamState<E>, param: &mut [E], grad: &[E]) {
        adam_update(o, false, s, param, grad);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::simd::{Level, dispatch_at};

    /// The naive twin: the per-index loop the vectorised one replaced
    /// (`s.step` already counts this step).
    fn adam_naive(
        o: &AdamOptions,
        decoupled: bool,
        s: &mut AdamState<f32>,
        param: &mut [f32],
        grad: &[f32],
    ) {
        let (b1, b2) = (o.betas.0 as f32, o.betas.1 as f32);
        let bc1 = 1.0 - o.betas.0.powf(s.step);
        let bc2 = 1.0 - o.betas.1.powf(s.step);
        let step_size = (o.lr / bc1) as f32;
        let (bc2_sqrt, eps) = (bc2.sqrt() as f32, o.eps as f32);
        let decay = (1.0 - o.lr * o.weight_decay) as f32;
        for i in 0..param.len() {
            let mut g = if o.maximize { -grad[i] } else { grad[i] };
            if decoupled {
                param[i] *= decay;
            } else if o.weight_decay != 0.0 {
                g += o.weight_decay as f32 * param[i];
            }
            let m = &mut s.exp_avg[i];
            *m += (1.0 - b1) * (g - *m);
            let v = &mut s.exp_avg_sq[i];
            *v = *v * b2 + (1.0 - b2) * g * g;
            let v_hat = match s.max_exp_avg_sq.as_mut() {
                Some(max) => {
                    max[i] = max[i].max(*v);
                    max[i]
                }
                None => *v,
            };
            let denom = v_hat.sqrt() / bc2_sqrt + eps;
            param[i] -= step_size * (s.exp_avg[i] / denom);
        }
    }

    #[test]
    fn every_simd_level_gives_the_naive_bits() {
        let n = 37;
        let grad: Vec<f32> = (0..n).map(|i| ((i * 29 % 17) as f32 - 8.0) / 3.0).collect();
        let start: Vec<f32> = (0..n).map(|i| ((i * 13 % 11) as f32 - 5.0) / 7.0).collect();
        for (amsgrad, maximize, weight_decay, decoupled) in [
            (false, false, 0.0, false),
            (true, false, 0.1, false),
            (false, true, 0.01, true),
            (true, true, 0.0, true),
        ] {
            let o = AdamOptions {
                amsgrad,
                maximize,
                weight_decay,
                ..Default::default()
            };
            let fresh = || AdamState::<f32> {
                step: 0.0,
                exp_avg: vec![0.0; n],
                exp_avg_sq: vec![0.0; n],
                max_exp_avg_sq: amsgrad.then(|| vec![0.0; n]),
            };
            for level in Level::ALL {
                let (mut s1, mut s2) = (fresh(), fresh());
                let (mut p1, mut p2) = (start.clone(), start.clone());
                for _ in 0..3 {
                    s2.step += 1.0;
                    adam_naive(&o, decoupled, &mut s2, &mut p2, &grad);
                    s1.step += 1.0;
                    let k = AdamStep::new(&o, decoupled, s1.step);
                    let max = s1.max_exp_avg_sq.as_deref_mut();
                    let (m, v) = (&mut s1.exp_avg[..], &mut s1.exp_avg_sq[..]);
                    if dispatch_at(
                        level,
                        #[inline(always)]
                        || k.run(&mut p1, &grad, m, v, max),
                    )
                    .is_none()
                    {
                        break;
                    }
                    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&p1), bits(&p2), "{o:?} {level:?}");
                    assert_eq!(
                        bits(&s1.exp_avg_sq),
                        bits(&s2.exp_avg_sq),
                        "{o:?} {level:?}"
                    );
                }
            }
        }
    }
}
