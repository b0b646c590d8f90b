//! The steps the Adam family (Adam, AdamW, Adamax, NAdam, RAdam,
//! SparseAdam) shares, written once: the moment buffers' start, the
//! gradient's sign and weight decay (L2 or decoupled), the two moment
//! averages, and the bias correction. Each optimizer's file keeps only
//! what makes it different (AMSGrad, the infinity norm, Nesterov momentum,
//! the rectification, rows).

use crate::Element;

/// `1 - beta^step`: the bias of a moment average started at zero after
/// `step` steps (counted from 1), which the step divides out.
pub(crate) fn bias_correction(beta: f64, step: f64) -> f64 {
    1.0 - beta.powf(step)
}

/// Zeroed moment buffers for a parameter of `len` elements, made at the
/// first step (a state loaded from a `state_dict` keeps its own).
pub(crate) fn start_moments<E: Element>(buffers: [&mut Vec<E>; 2], len: usize) {
    for buffer in buffers {
        if buffer.is_empty() {
            *buffer = vec![E::zero(); len];
        }
    }
}

/// The gradient an Adam-family step uses: negated with `maximize`, plus
/// `weight_decay * param` (L2, Adam's), or with the parameter first shrunk
/// by `1 - lr * weight_decay` (decoupled, AdamW's). The options pick
/// between values computed either way (selects, no branches), so the loops
/// using it vectorise.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WeightDecay<E> {
    weight_decay: E,
    shrink: E,
    maximize: bool,
    decoupled: bool,
    l2: bool,
}

impl<E: Element> WeightDecay<E> {
    /// PyTorch's `weight_decay` (decoupled or not) and `maximize` at
    /// learning rate `lr`.
    pub(crate) fn new(lr: f64, weight_decay: f64, decoupled: bool, maximize: bool) -> Self {
        WeightDecay {
            weight_decay: E::of(weight_decay),
            shrink: E::of(1.0 - lr * weight_decay),
            maximize,
            decoupled,
            l2: !decoupled && weight_decay != 0.0,
        }
    }

    /// The parameter (shrunk when decoupled) and the gradient to step with.
    #[inline(always)]
    pub(crate) fn apply(self, param: E, grad: E) -> (E, E) {
        let g = if self.maximize { -grad } else { grad };
        let (shrunk, penalised) = (param * self.shrink, g + self.weight_decay * param);
        let param = if self.decoupled { shrunk } else { param };
        (param, if self.l2 { penalised } else { g })
    }
}

/// The two moment averages: `exp_avg` (the gradient's, decay `beta1`) and
/// `exp_avg_sq` (its square's, decay `beta2`), as PyTorch's `lerp_` and
/// `mul_().addcmul_()` compute them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Moments<E> {
    beta1: E,
    beta2: E,
}

impl<E: Element> Moments<E> {
    /// The decay rates `(beta1, beta2)`.
    pub(crate) fn new(betas: (f64, f64)) -> Self {
        Moments {
            beta1: E::of(betas.0),
            beta2: E::of(betas.1),
        }
    }

    /// `exp_avg += (1 - beta1) (grad - exp_avg)`.
    #[inline(always)]
    pub(crate) fn first(self, exp_avg: &mut E, grad: E) {
        *exp_avg += (E::one() - self.beta1) * (grad - *exp_avg);
    }

    /// `exp_avg_sq = exp_avg_sq beta2 + (1 - beta2) grad²`.
    #[inline(always)]
    pub(crate) fn second(self, exp_avg_sq: &mut E, grad: E) {
        *exp_avg_sq = *exp_avg_sq * self.beta2 + (E::one() - self.beta2) * grad * grad;
    }

    /// `beta2`, for Adamax's infinity norm.
    pub(crate) fn beta2(self) -> E {
        self.beta2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_steps_give_pytorchs_numbers() {
        // torch: p = tensor(2.); g = 0.5; AdamW-style shrink at lr 0.1, wd 0.01
        let d = WeightDecay::<f64>::new(0.1, 0.01, true, false);
        assert_eq!(d.apply(2.0, 0.5), (2.0 * (1.0 - 0.1 * 0.01), 0.5));
        let l2 = WeightDecay::<f64>::new(0.1, 0.01, false, true);
        assert_eq!(l2.apply(2.0, 0.5), (2.0, -0.5 + 0.01 * 2.0));
        let none = WeightDecay::<f64>::new(0.1, 0.0, false, false);
        assert_eq!(none.apply(2.0, 0.5), (2.0, 0.5));
        let k = Moments::<f64>::new((0.9, 0.999));
        let (mut m, mut v) = (0.0, 0.0);
        k.first(&mut m, 0.5);
        k.second(&mut v, 0.5);
        assert!((m - 0.05).abs() < 1e-15 && (v - 0.00025).abs() < 1e-15);
        assert!((bias_correction(0.9, 2.0) - 0.19).abs() < 1e-15);
        let mut bufs = (Vec::<f32>::new(), vec![1.0f32]);
        start_moments([&mut bufs.0, &mut bufs.1], 1);
        assert_eq!(bufs, (vec![0.0], vec![1.0]));
    }
}
