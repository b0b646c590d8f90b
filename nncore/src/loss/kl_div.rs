//! Kullback–Leibler divergence, like `F.kl_div` and `nn.KLDivLoss`, with
//! the `batchmean` reduction and `log_target`.

use super::criterion::scalar_loss;
use super::util::expect_same;
use super::{Loss, Reduction};
use crate::ops::pointwise::pointwise;
use crate::shape::{LossTargetRule, Shape};
use crate::{DynTensor, Element, Error, Result, Tensor};

/// `kl_div`'s reduction: PyTorch's three plus `batchmean` (the sum divided
/// by the batch size, the true KL divergence per sample).
///
/// ```
/// use nncore::loss::{KlDivReduction, Reduction};
/// assert_eq!("batchmean".parse::<KlDivReduction>().unwrap(), KlDivReduction::BatchMean);
/// assert_eq!(KlDivReduction::from(Reduction::Sum), KlDivReduction::Sum);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KlDivReduction {
    /// One value per element.
    None,
    /// The mean over all elements (PyTorch's default, with a warning).
    #[default]
    Mean,
    /// The sum.
    Sum,
    /// The sum divided by `input.shape[0]`.
    BatchMean,
}

impl From<Reduction> for KlDivReduction {
    fn from(r: Reduction) -> Self {
        match r {
            Reduction::None => KlDivReduction::None,
            Reduction::Mean => KlDivReduction::Mean,
            Reduction::Sum => KlDivReduction::Sum,
        }
    }
}

impl std::str::FromStr for KlDivReduction {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "batchmean" => Ok(KlDivReduction::BatchMean),
            other => other.parse::<Reduction>().map(Into::into).map_err(|_| {
                Error::option(
                    "kl_div",
                    "reduction",
                    format!("`{other}` is not one of none, mean, sum, batchmean"),
                )
            }),
        }
    }
}

/// The pointwise `target (ln target - input)` (0 where `target` is 0), or
/// with `log_target` `exp(target) (target - input)`, reduced, like
/// `F.kl_div(input, target, reduction, log_target)`; `input` holds
/// log-probabilities. As in PyTorch, the gradient with respect to a
/// (non-log) target is NaN where the target is 0.
///
/// ```
/// use nncore::{loss::{kl_div, KlDivReduction}, DynTensor};
/// let logq = DynTensor::<f64>::from_vec(vec![0.5f64.ln(), 0.5f64.ln()], &[1, 2]).unwrap();
/// let p = DynTensor::<f64>::from_vec(vec![1.0, 0.0], &[1, 2]).unwrap();
/// let kl = kl_div(&logq, &p, KlDivReduction::BatchMean, false).unwrap();
/// assert!((kl.item() - 2f64.ln()).abs() < 1e-12);
/// ```
#[nnmacro::__compiled_once]
pub fn kl_div<E: Element>(
    input: &DynTensor<E>,
    target: &DynTensor<E>,
    reduction: KlDivReduction,
    log_target: bool,
) -> Result<DynTensor<E>> {
    expect_same("kl_div", "target", input, target)?;
    let loss = if log_target {
        pointwise(
            "kl_div",
            "KlDivBackward",
            [input, target],
            |[x, y]| y.exp() * (y - x),
            |[x, y]| [-y.exp(), y.exp() * (y - x + 1.0)],
        )?
    } else {
        pointwise(
            "kl_div",
            "KlDivBackward",
            [input, target],
            |[x, y]| if y == 0.0 { 0.0 } else { y * y.ln() } - y * x,
            |[x, y]| [-y, if y == 0.0 { f64::NAN } else { y.ln() + 1.0 } - x],
        )?
    };
    Ok(match reduction {
        KlDivReduction::None => loss,
        KlDivReduction::Mean => loss.mean(),
        KlDivReduction::Sum => loss.sum(),
        KlDivReduction::BatchMean => {
            let batch = input.shape().first().copied().unwrap_or(1);
            loss.sum().mul_scalar(E::one() / E::of(batch as f64))
        }
    })
}

super::module_macro::loss_builder! {
    /// `nn.KLDivLoss` (`reduction`, `log_target`); its reduction is a
    /// [`KlDivReduction`] (`batchmean` is the mathematically correct one).
    ///
    /// ```
    /// use nncore::{loss::{KLDivLoss, KlDivReduction, Loss}, DynTensor};
    /// let criterion = KLDivLoss::new().reduction(KlDivReduction::BatchMean).log_target(true);
    /// let x = DynTensor::<f32>::full(&[2, 2], 0.5f32.ln()).unwrap();
    /// assert_eq!(criterion.forward_dyn(&x, &x).unwrap().item(), 0.0);
    /// ```
    #[derive(Copy)]
    KLDivLoss<reduction = KlDivReduction>;
    /// Whether the target holds log-probabilities (default false).
    log_target: bool = false,
}

impl KLDivLoss {
    /// The divergence between two tensors of the same shape (checked at
    /// compile time), as a scalar; with reduction `none` use
    /// [`Loss::forward_dyn`].
    ///
    /// ```
    /// use nncore::{loss::KLDivLoss, Tensor, shape::U2};
    /// let x = Tensor::<(U2,)>::from_vec(vec![0.5f32.ln(); 2], (U2::default(),)).unwrap();
    /// let p = Tensor::<(U2,)>::from_vec(vec![0.5; 2], (U2::default(),)).unwrap();
    /// assert!(KLDivLoss::new().forward(x, p).unwrap().item().abs() < 1e-7);
    /// ```
    pub fn forward<S: LossTargetRule<S2, KLDivLoss>, S2: Shape>(
        &self,
        input: Tensor<S>,
        target: Tensor<S2>,
    ) -> Result<Tensor<()>> {
        let scalar = match self.reduction {
            KlDivReduction::None => Reduction::None,
            _ => Reduction::Mean,
        };
        scalar_loss(Self::NAME, scalar, || {
            self.forward_dyn(input.as_dyn(), target.as_dyn())
        })
    }
}

impl Loss<&DynTensor<f32>> for KLDivLoss {
    fn forward_dyn(
        &self,
        input: &DynTensor<f32>,
        target: &DynTensor<f32>,
    ) -> Result<DynTensor<f32>> {
        kl_div(input, target, self.reduction, self.log_target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults; targets are kept in [0.1, 0.9]
    // (away from the log's pole at 0).
    #[test]
    fn gradcheck_kl_div_over_options() {
        let o = GradcheckOptions::default();
        let x = rand64(&[3, 4], 81)
            .log_softmax(1)
            .unwrap()
            .detach()
            .requires_grad_(true);
        let p = rand64(&[3, 4], 82).mul_scalar(0.4).add_scalar(0.5);
        let p = p.detach().requires_grad_(true);
        for r in [
            KlDivReduction::None,
            KlDivReduction::Mean,
            KlDivReduction::Sum,
            KlDivReduction::BatchMean,
        ] {
            for log_target in [false, true] {
                gradcheck(
                    |v| kl_div(&v[0], &v[1], r, log_target),
                    &[x.clone(), p.clone()],
                    o,
                )
                .unwrap();
            }
        }
    }

    #[test]
    fn bad_input_names_the_loss_and_the_argument() {
        assert_eq!(
            "batch".parse::<KlDivReduction>().unwrap_err().to_string(),
            "kl_div: invalid reduction: `batch` is not one of none, mean, sum, batchmean"
        );
        let x = rand64(&[2, 3], 1);
        assert_eq!(
            kl_div(&x, &rand64(&[3, 2], 1), KlDivReduction::Sum, false)
                .unwrap_err()
                .to_string(),
            "kl_div: shape mismatch: expected target of the input's shape [2, 3], found [3, 2]"
        );
    }
}
