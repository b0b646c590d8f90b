//! Distances between prediction and target: `l1_loss`, `smooth_l1_loss`,
//! `huber_loss` (`mse_loss` has its own file), with their modules.

use super::Reduction;
use super::util::{expect_non_negative, expect_same};
use crate::ops::pointwise::pointwise;
use crate::{DynTensor, Element, Result};

/// `|input - target|` reduced, like `F.l1_loss`; both tensors must have
/// the same shape.
///
/// ```
/// use nncore::{loss::{l1_loss, Reduction}, DynTensor};
/// let a = DynTensor::<f64>::from_vec(vec![1.0, 2.0], &[2]).unwrap();
/// let b = DynTensor::<f64>::from_vec(vec![0.0, 4.0], &[2]).unwrap();
/// assert_eq!(l1_loss(&a, &b, Reduction::Mean).unwrap().item(), 1.5);
/// ```
#[nnmacro::__compiled_once]
pub fn l1_loss<E: Element>(
    input: &DynTensor<E>,
    target: &DynTensor<E>,
    reduction: Reduction,
) -> Result<DynTensor<E>> {
    expect_same("l1_loss", "target", input, target)?;
    Ok(reduction.apply(input.sub(target)?.abs()))
}

/// `0.5 d² / beta` where `|d| < beta`, else `|d| - 0.5 beta` (`d = input -
/// target`), like `F.smooth_l1_loss`; `beta = 0` is the L1 loss.
///
/// ```
/// use nncore::{loss::{smooth_l1_loss, Reduction}, DynTensor};
/// let a = DynTensor::<f64>::from_vec(vec![0.5, 3.0], &[2]).unwrap();
/// let b = DynTensor::<f64>::zeros(&[2]).unwrap();
/// assert_eq!(smooth_l1_loss(&a, &b, Reduction::None, 1.0).unwrap().to_vec(), vec![0.125, 2.5]);
/// ```
#[nnmacro::__compiled_once]
pub fn smooth_l1_loss<E: Element>(
    input: &DynTensor<E>,
    target: &DynTensor<E>,
    reduction: Reduction,
    beta: f64,
) -> Result<DynTensor<E>> {
    expect_same("smooth_l1_loss", "target", input, target)?;
    expect_non_negative("smooth_l1_loss", "beta", beta)?;
    let loss = pointwise(
        "smooth_l1_loss",
        "SmoothL1LossBackward",
        [input, target],
        move |[x, y]| {
            let d = (x - y).abs();
            if d < beta {
                0.5 * d * d / beta
            } else {
                d - 0.5 * beta
            }
        },
        move |[x, y]| {
            let d = x - y;
            let g = if d.abs() < beta {
                d / beta
            } else if d == 0.0 {
                0.0
            } else {
                d.signum()
            };
            [g, -g]
        },
    )?;
    Ok(reduction.apply(loss))
}

/// `0.5 d²` where `|d| < delta`, else `delta (|d| - 0.5 delta)`, like
/// `F.huber_loss`.
///
/// ```
/// use nncore::{loss::{huber_loss, Reduction}, DynTensor};
/// let a = DynTensor::<f64>::from_vec(vec![0.5, 3.0], &[2]).unwrap();
/// let b = DynTensor::<f64>::zeros(&[2]).unwrap();
/// assert_eq!(huber_loss(&a, &b, Reduction::Sum, 2.0).unwrap().item(), 0.125 + 4.0);
/// ```
#[nnmacro::__compiled_once]
pub fn huber_loss<E: Element>(
    input: &DynTensor<E>,
    target: &DynTensor<E>,
    reduction: Reduction,
    delta: f64,
) -> Result<DynTensor<E>> {
    expect_same("huber_loss", "target", input, target)?;
    if !(delta > 0.0 && delta.is_finite()) {
        return Err(crate::Error::option(
            "huber_loss",
            "delta",
            format!("{delta} is not a positive finite number"),
        ));
    }
    let loss = pointwise(
        "huber_loss",
        "HuberLossBackward",
        [input, target],
        move |[x, y]| {
            let d = (x - y).abs();
            if d < delta {
                0.5 * d * d
            } else {
                delta * (d - 0.5 * delta)
            }
        },
        move |[x, y]| {
            let d = x - y;
            let g = if d.abs() < delta {
                d
            } else {
                delta * d.signum()
            };
            [g, -g]
        },
    )?;
    Ok(reduction.apply(loss))
}

super::module_macro::pair_loss_module! {
    /// `nn.L1Loss`: the mean (or sum) absolute error.
    ///
    /// ```
    /// use nncore::{loss::L1Loss, Tensor, shape::U2};
    /// let a = Tensor::<(U2,)>::from_vec(vec![1.0, -1.0], (U2::default(),)).unwrap();
    /// let b = Tensor::<(U2,)>::zeros((U2::default(),)).unwrap();
    /// assert_eq!(L1Loss::new().forward(a, b).unwrap().item(), 1.0);
    /// ```
    ///
    /// Tensors of different static shapes do not compile:
    ///
    /// ```compile_fail
    /// use nncore::{loss::L1Loss, Tensor, shape::{U2, U3}};
    /// let a = Tensor::<(U2,)>::zeros((U2::default(),)).unwrap();
    /// let b = Tensor::<(U3,)>::zeros((U3::default(),)).unwrap();
    /// let _ = L1Loss::new().forward(a, b);
    /// ```
    L1Loss, |s, x, y| l1_loss(x, y, s.reduction);
}

super::module_macro::pair_loss_module! {
    /// `nn.SmoothL1Loss` (`beta`, default 1).
    ///
    /// ```
    /// use nncore::{loss::{Loss, Reduction, SmoothL1Loss}, DynTensor};
    /// let l = SmoothL1Loss::new().beta(0.5).reduction(Reduction::Sum);
    /// let x = DynTensor::<f32>::ones(&[2]).unwrap();
    /// assert_eq!(l.forward_dyn(&x, &DynTensor::zeros(&[2]).unwrap()).unwrap().item(), 1.5);
    /// ```
    SmoothL1Loss, |s, x, y| smooth_l1_loss(x, y, s.reduction, s.beta);
    /// The L1/L2 switch point (0 gives the L1 loss).
    beta: f64 = 1.0,
}

super::module_macro::pair_loss_module! {
    /// `nn.HuberLoss` (`delta`, default 1).
    ///
    /// ```
    /// use nncore::{loss::{HuberLoss, Loss}, DynTensor};
    /// let x = DynTensor::<f32>::full(&[1], 3.0).unwrap();
    /// assert_eq!(HuberLoss::new().delta(2.0).forward_dyn(&x, &DynTensor::zeros(&[1]).unwrap()).unwrap().item(), 4.0);
    /// ```
    HuberLoss, |s, x, y| huber_loss(x, y, s.reduction, s.delta);
    /// The quadratic/linear switch point.
    delta: f64 = 1.0,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3);
    // random differences are never within eps of a kink.
    #[test]
    fn gradcheck_regression_losses_over_options() {
        let a = rand64(&[3, 4], 61).requires_grad_(true);
        let b = rand64(&[3, 4], 62).requires_grad_(true);
        let ab = [a, b];
        let o = GradcheckOptions::default();
        for r in [Reduction::None, Reduction::Mean, Reduction::Sum] {
            gradcheck(|v| l1_loss(&v[0], &v[1], r), &ab, o).unwrap();
            for beta in [0.0, 0.3, 1.0] {
                gradcheck(|v| smooth_l1_loss(&v[0], &v[1], r, beta), &ab, o).unwrap();
            }
            for delta in [0.3, 1.0, 2.0] {
                gradcheck(|v| huber_loss(&v[0], &v[1], r, delta), &ab, o).unwrap();
            }
        }
    }

    #[test]
    fn bad_input_names_the_loss_and_the_argument() {
        let a = rand64(&[3, 4], 1);
        let msg = |e: crate::Error| e.to_string();
        assert_eq!(
            msg(l1_loss(&a, &rand64(&[3, 5], 1), Reduction::Mean).unwrap_err()),
            "l1_loss: shape mismatch: expected target of the input's shape [3, 4], found [3, 5]"
        );
        assert_eq!(
            msg(smooth_l1_loss(&a, &a, Reduction::Mean, -1.0).unwrap_err()),
            "smooth_l1_loss: invalid beta: -1 is not a non-negative finite number"
        );
        assert_eq!(
            msg(huber_loss(&a, &a, Reduction::Mean, 0.0).unwrap_err()),
            "huber_loss: invalid delta: 0 is not a positive finite number"
        );
    }
}
