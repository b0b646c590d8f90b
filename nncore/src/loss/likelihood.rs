//! Negative log-likelihoods of distributions: `poisson_nll_loss` and
//! `gaussian_nll_loss`, with `PoissonNLLLoss` and `GaussianNLLLoss`.

use super::criterion::scalar_loss;
use super::util::expect_same;
use super::{Loss, Reduction};
use crate::ops::pointwise::pointwise;
use crate::shape::{LossTargetRule, Shape};
use crate::{DynTensor, Element, Error, Result, Tensor};

/// The options of [`poisson_nll_loss`], PyTorch's keyword arguments.
#[derive(Clone, Copy, Debug)]
pub struct PoissonNllOptions {
    /// The input is the log of the rate (default true).
    pub log_input: bool,
    /// Add the Stirling term `y ln y - y + ½ ln(2πy)` for `y > 1` (default false).
    pub full: bool,
    /// Added to the rate inside the log when `log_input` is false (default 1e-8).
    pub eps: f64,
    /// The reduction (default mean).
    pub reduction: Reduction,
}

impl Default for PoissonNllOptions {
    fn default() -> Self {
        PoissonNllOptions {
            log_input: true,
            full: false,
            eps: 1e-8,
            reduction: Reduction::Mean,
        }
    }
}

/// `exp(x) - y x` (with `log_input`) or `x - y ln(x + eps)`, plus the
/// Stirling term when `full`, reduced, like `F.poisson_nll_loss`.
///
/// ```
/// use nncore::{loss::{poisson_nll_loss, PoissonNllOptions}, DynTensor};
/// let x = DynTensor::<f64>::zeros(&[2]).unwrap();
/// let y = DynTensor::<f64>::from_vec(vec![1.0, 3.0], &[2]).unwrap();
/// assert_eq!(poisson_nll_loss(&x, &y, PoissonNllOptions::default()).unwrap().item(), 1.0);
/// ```
#[nnmacro::__compiled_once]
pub fn poisson_nll_loss<E: Element>(
    input: &DynTensor<E>,
    target: &DynTensor<E>,
    options: PoissonNllOptions,
) -> Result<DynTensor<E>> {
    expect_same("poisson_nll_loss", "target", input, target)?;
    let mut loss = if options.log_input {
        input.exp().sub(&target.mul(input)?)?
    } else {
        input.sub(&target.mul(&input.add_scalar(E::of(options.eps)).log())?)?
    };
    if options.full {
        let two_pi = 2.0 * std::f64::consts::PI;
        let stirling = pointwise(
            "poisson_nll_loss",
            "PoissonNllLossBackward",
            [target],
            move |[y]| {
                if y > 1.0 {
                    y * y.ln() - y + 0.5 * (two_pi * y).ln()
                } else {
                    0.0
                }
            },
            |[y]| [if y > 1.0 { y.ln() + 0.5 / y } else { 0.0 }],
        )?;
        loss = loss.add(&stirling)?;
    }
    Ok(options.reduction.apply(loss))
}

/// The options of [`gaussian_nll_loss`], PyTorch's keyword arguments.
#[derive(Clone, Copy, Debug)]
pub struct GaussianNllOptions {
    /// Add the constant `½ ln(2π)` (default false).
    pub full: bool,
    /// The variance is clamped to at least this, for stability (default 1e-6).
    pub eps: f64,
    /// The reduction (default mean).
    pub reduction: Reduction,
}

impl Default for GaussianNllOptions {
    fn default() -> Self {
        GaussianNllOptions {
            full: false,
            eps: 1e-6,
            reduction: Reduction::Mean,
        }
    }
}

/// `½ (ln max(var, eps) + (input - target)² / max(var, eps))` (+ `½ ln 2π`
/// when `full`), reduced, like `F.gaussian_nll_loss`. `var` has the input's
/// shape, or that shape with the last dim 1 or dropped (one variance per
/// sample); a negative variance is an error. As in PyTorch the clamp does
/// not stop the variance's gradient.
///
/// ```
/// use nncore::{loss::{gaussian_nll_loss, GaussianNllOptions}, DynTensor};
/// let x = DynTensor::<f64>::zeros(&[2, 2]).unwrap();
/// let var = DynTensor::<f64>::ones(&[2]).unwrap();
/// let l = gaussian_nll_loss(&x, &DynTensor::ones(&[2, 2]).unwrap(), &var, GaussianNllOptions::default()).unwrap();
/// assert_eq!(l.item(), 0.5);
/// ```
#[nnmacro::__compiled_once]
pub fn gaussian_nll_loss<E: Element>(
    input: &DynTensor<E>,
    target: &DynTensor<E>,
    var: &DynTensor<E>,
    options: GaussianNllOptions,
) -> Result<DynTensor<E>> {
    const OP: &str = "gaussian_nll_loss";
    expect_same(OP, "target", input, target)?;
    let shape = input.shape();
    let var = if var.shape() == shape {
        var.clone()
    } else if !shape.is_empty() && var.shape() == &shape[..shape.len() - 1] {
        let mut dims = var.shape().to_vec();
        dims.push(1);
        var.reshaped(dims)
    } else if !shape.is_empty()
        && var.rank() == shape.len()
        && var.shape()[..shape.len() - 1] == shape[..shape.len() - 1]
        && var.shape()[shape.len() - 1] == 1
    {
        var.clone()
    } else {
        return Err(Error::shape(
            OP,
            format!("var of the input's shape {shape:?}, or with the last dim 1 or dropped"),
            format!("{:?}", var.shape()),
        ));
    };
    if let Some((i, v)) = var
        .data()
        .iter()
        .enumerate()
        .find(|(_, v)| v.as_f64() < 0.0)
    {
        return Err(Error::option(
            OP,
            "var",
            format!("element {i} is {v}; var has negative entries"),
        ));
    }
    let eps = options.eps;
    let var = pointwise(
        OP,
        "CloneBackward",
        [&var],
        move |[v]| v.max(eps),
        |_| [1.0],
    )?;
    let diff = input.sub(target)?;
    let mut loss = var
        .log()
        .add(&diff.mul(&diff)?.div(&var)?)?
        .mul_scalar(E::of(0.5));
    if options.full {
        loss = loss.add_scalar(E::of(0.5 * (2.0 * std::f64::consts::PI).ln()));
    }
    Ok(options.reduction.apply(loss))
}

super::module_macro::pair_loss_module! {
    /// `nn.PoissonNLLLoss` (`log_input`, `full`, `eps`).
    ///
    /// ```
    /// use nncore::{loss::{Loss, PoissonNLLLoss}, DynTensor};
    /// let l = PoissonNLLLoss::new().log_input(false).forward_dyn(&DynTensor::ones(&[2]).unwrap(), &DynTensor::ones(&[2]).unwrap()).unwrap();
    /// assert!((l.item() - 1.0).abs() < 1e-6);
    /// ```
    #[derive(Copy)]
    PoissonNLLLoss, |s, x, y| poisson_nll_loss(
        x,
        y,
        PoissonNllOptions { log_input: s.log_input, full: s.full, eps: s.eps, reduction: s.reduction },
    );
    /// Whether the input is the log of the rate (default true).
    log_input: bool = PoissonNllOptions::default().log_input,
    /// Whether to add the Stirling term (default false).
    full: bool = PoissonNllOptions::default().full,
    /// The epsilon inside the log (default 1e-8).
    eps: f64 = PoissonNllOptions::default().eps,
}

super::module_macro::loss_builder! {
    /// `nn.GaussianNLLLoss` (`full`, `eps`); its runtime-shaped target is
    /// `(&target, &var)`.
    ///
    /// ```
    /// use nncore::{loss::{GaussianNLLLoss, Loss}, DynTensor};
    /// let x = DynTensor::<f32>::zeros(&[2, 3]).unwrap();
    /// let var = DynTensor::ones(&[2, 1]).unwrap();
    /// let l = GaussianNLLLoss::new().forward_dyn(&x, (&x, &var)).unwrap();
    /// assert_eq!(l.item(), 0.0);
    /// ```
    #[derive(Copy)]
    GaussianNLLLoss;
    /// Whether to add the constant `½ ln(2π)` (default false).
    full: bool = GaussianNllOptions::default().full,
    /// The variance is clamped to at least this, for stability (default 1e-6).
    eps: f64 = GaussianNllOptions::default().eps,
}

impl GaussianNLLLoss {
    /// The loss of a prediction and target of one shape (checked at compile
    /// time) and a variance (its shape checked at run time).
    ///
    /// ```
    /// use nncore::{loss::GaussianNLLLoss, Tensor, shape::{Dyn, U2}};
    /// let x = Tensor::<(Dyn, U2)>::zeros((Dyn(1), U2::default())).unwrap();
    /// let var = Tensor::<(Dyn,)>::from_vec(vec![1.0], (Dyn(1),)).unwrap();
    /// assert_eq!(GaussianNLLLoss::new().forward(x.clone(), x, var).unwrap().item(), 0.0);
    /// ```
    pub fn forward<S, S2, V>(
        &self,
        input: Tensor<S>,
        target: Tensor<S2>,
        var: Tensor<V>,
    ) -> Result<Tensor<()>>
    where
        S: LossTargetRule<S2, GaussianNLLLoss>,
        S2: Shape,
        V: Shape,
    {
        scalar_loss(Self::NAME, self.reduction, || {
            self.forward_dyn(input.as_dyn(), (target.as_dyn(), var.as_dyn()))
        })
    }
}

/// `input` against `(&target, &var)` (runtime shapes).
impl Loss<(&DynTensor<f32>, &DynTensor<f32>)> for GaussianNLLLoss {
    fn forward_dyn(
        &self,
        input: &DynTensor<f32>,
        (target, var): (&DynTensor<f32>, &DynTensor<f32>),
    ) -> Result<DynTensor<f32>> {
        let options = GaussianNllOptions {
            full: self.full,
            eps: self.eps,
            reduction: self.reduction,
        };
        gaussian_nll_loss(input, target, var, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3);
    // rates and variances are kept in [0.5, 1.5], targets in [0, 4].
    #[test]
    fn gradcheck_likelihood_losses_over_options() {
        let o = GradcheckOptions::default();
        let x = rand64(&[3, 4], 121).requires_grad_(true);
        let rate = x
            .mul_scalar(0.5)
            .add_scalar(1.0)
            .detach()
            .requires_grad_(true);
        let y = rand64(&[3, 4], 122)
            .mul_scalar(2.0)
            .add_scalar(2.0)
            .detach()
            .requires_grad_(true);
        for reduction in [Reduction::None, Reduction::Mean, Reduction::Sum] {
            for (log_input, full) in [(true, false), (true, true), (false, false), (false, true)] {
                let opts = PoissonNllOptions {
                    log_input,
                    full,
                    eps: 1e-8,
                    reduction,
                };
                let input = if log_input { &x } else { &rate };
                gradcheck(
                    |v| poisson_nll_loss(&v[0], &v[1], opts),
                    &[input.clone(), y.clone()],
                    o,
                )
                .unwrap();
            }
            for var_shape in [&[3, 4][..], &[3, 1], &[3]] {
                let var = rand64(var_shape, 123)
                    .mul_scalar(0.5)
                    .add_scalar(1.0)
                    .detach()
                    .requires_grad_(true);
                for full in [false, true] {
                    let opts = GaussianNllOptions {
                        full,
                        eps: 1e-6,
                        reduction,
                    };
                    gradcheck(
                        |v| gaussian_nll_loss(&v[0], &v[1], &v[2], opts),
                        &[x.clone(), y.clone(), var.clone()],
                        o,
                    )
                    .unwrap();
                }
            }
        }
    }

    #[test]
    fn bad_input_names_the_loss_and_the_argument() {
        let x = rand64(&[3, 4], 1);
        let msg = |e: Error| e.to_string();
        let o = GaussianNllOptions::default();
        let mut v = vec![1.0; 12];
        v[2] = -0.5;
        let var = DynTensor::from_vec(v, &[3, 4]).unwrap();
        assert_eq!(
            msg(gaussian_nll_loss(&x, &x, &var, o).unwrap_err()),
            "gaussian_nll_loss: invalid var: element 2 is -0.5; var has negative entries"
        );
        assert_eq!(
            msg(gaussian_nll_loss(&x, &x, &DynTensor::ones(&[3, 2]).unwrap(), o).unwrap_err()),
            "gaussian_nll_loss: shape mismatch: expected var of the input's shape [3, 4], or with the last dim 1 or dropped, found [3, 2]"
        );
        assert_eq!(
            msg(poisson_nll_loss(&x, &rand64(&[4], 1), PoissonNllOptions::default()).unwrap_err()),
            "poisson_nll_loss: shape mismatch: expected target of the input's shape [3, 4], found [4]"
        );
    }
}
