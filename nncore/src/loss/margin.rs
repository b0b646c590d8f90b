//! Margin and soft-margin losses on scores: `margin_ranking_loss`,
//! `hinge_embedding_loss`, `soft_margin_loss`, `multilabel_soft_margin_loss`,
//! with their modules.

use super::criterion::scalar_loss;
use super::util::{expect_same, mask_where};
use super::{Loss, Reduction};
use crate::ops::broadcast::broadcast_shape;
use crate::ops::math::{log_sigmoid_f64, sigmoid_f64};
use crate::ops::pointwise::pointwise;
use crate::shape::{LossTargetRule, SameShape, Shape};
use crate::{DynTensor, Element, Result, Tensor};

/// `max(0, -target (input1 - input2) + margin)` reduced, like
/// `F.margin_ranking_loss`; `target` holds 1 (input1 should rank higher)
/// or -1, and the three tensors broadcast together.
///
/// ```
/// use nncore::{loss::{margin_ranking_loss, Reduction}, DynTensor};
/// let a = DynTensor::<f64>::from_vec(vec![2.0, 0.0], &[2]).unwrap();
/// let b = DynTensor::<f64>::from_vec(vec![1.0, 1.0], &[2]).unwrap();
/// let y = DynTensor::<f64>::from_vec(vec![1.0, 1.0], &[2]).unwrap();
/// let l = margin_ranking_loss(&a, &b, &y, 0.5, Reduction::None).unwrap();
/// assert_eq!(l.to_vec(), vec![0.0, 1.5]);
/// ```
#[nnmacro::__compiled_once]
pub fn margin_ranking_loss<E: Element>(
    input1: &DynTensor<E>,
    input2: &DynTensor<E>,
    target: &DynTensor<E>,
    margin: f64,
    reduction: Reduction,
) -> Result<DynTensor<E>> {
    const OP: &str = "margin_ranking_loss";
    let s = broadcast_shape(OP, input1.shape(), input2.shape())?;
    broadcast_shape(OP, &s, target.shape())?;
    let loss = input1
        .sub(input2)?
        .mul(target)?
        .neg()
        .add_scalar(E::of(margin))
        .clamp_min(0.0);
    Ok(reduction.apply(loss))
}

/// `input` where `target` is 1 and `max(0, margin - input)` where it is
/// -1, reduced, like `F.hinge_embedding_loss`.
///
/// ```
/// use nncore::{loss::{hinge_embedding_loss, Reduction}, DynTensor};
/// let d = DynTensor::<f64>::from_vec(vec![0.3, 0.3], &[2]).unwrap();
/// let y = DynTensor::<f64>::from_vec(vec![1.0, -1.0], &[2]).unwrap();
/// let l = hinge_embedding_loss(&d, &y, 1.0, Reduction::None).unwrap();
/// assert_eq!(l.to_vec(), vec![0.3, 0.7]);
/// ```
#[nnmacro::__compiled_once]
pub fn hinge_embedding_loss<E: Element>(
    input: &DynTensor<E>,
    target: &DynTensor<E>,
    margin: f64,
    reduction: Reduction,
) -> Result<DynTensor<E>> {
    const OP: &str = "hinge_embedding_loss";
    broadcast_shape(OP, input.shape(), target.shape())?;
    let not_pos = mask_where(target, |t| t != 1.0);
    let not_neg = mask_where(target, |t| t != -1.0);
    let hinge = input.neg().add_scalar(E::of(margin)).clamp_min(0.0);
    let loss = hinge.mul(&not_pos)?.add(&input.mul(&not_neg)?)?;
    Ok(reduction.apply(loss))
}

/// `log(1 + exp(-target input))` reduced, like `F.soft_margin_loss`
/// (computed stably); `target` holds 1 or -1.
///
/// ```
/// use nncore::{loss::{soft_margin_loss, Reduction}, DynTensor};
/// let x = DynTensor::<f64>::zeros(&[3]).unwrap();
/// let l = soft_margin_loss(&x, &DynTensor::ones(&[3]).unwrap(), Reduction::Sum).unwrap();
/// assert!((l.item() - 3.0 * 2f64.ln()).abs() < 1e-12);
/// ```
#[nnmacro::__compiled_once]
pub fn soft_margin_loss<E: Element>(
    input: &DynTensor<E>,
    target: &DynTensor<E>,
    reduction: Reduction,
) -> Result<DynTensor<E>> {
    expect_same("soft_margin_loss", "target", input, target)?;
    let loss = pointwise(
        "soft_margin_loss",
        "SoftMarginLossBackward",
        [input, target],
        |[x, y]| -log_sigmoid_f64(y * x),
        |[x, y]| {
            let s = sigmoid_f64(-y * x);
            [-y * s, -x * s]
        },
    )?;
    Ok(reduction.apply(loss))
}

/// `-mean_c(weight_c (y_c log σ(x_c) + (1 - y_c) log σ(-x_c)))` per sample
/// (the mean over the last, class dim), reduced over the batch, like
/// `F.multilabel_soft_margin_loss`; `target` holds 0/1 labels of the
/// input's shape.
///
/// ```
/// use nncore::{loss::{multilabel_soft_margin_loss, Reduction}, DynTensor};
/// let x = DynTensor::<f64>::zeros(&[2, 3]).unwrap();
/// let y = DynTensor::<f64>::ones(&[2, 3]).unwrap();
/// let l = multilabel_soft_margin_loss(&x, &y, None, Reduction::None).unwrap();
/// assert_eq!(l.shape(), &[2]);
/// ```
#[nnmacro::__compiled_once]
pub fn multilabel_soft_margin_loss<E: Element>(
    input: &DynTensor<E>,
    target: &DynTensor<E>,
    weight: Option<&DynTensor<E>>,
    reduction: Reduction,
) -> Result<DynTensor<E>> {
    const OP: &str = "multilabel_soft_margin_loss";
    expect_same(OP, "target", input, target)?;
    let classes = input.shape().last().copied().unwrap_or(1);
    let mut loss = pointwise(
        OP,
        "MultilabelSoftMarginLossBackward",
        [input, target],
        |[x, y]| -(y * log_sigmoid_f64(x) + (1.0 - y) * log_sigmoid_f64(-x)),
        |[x, y]| [sigmoid_f64(x) - y, -x],
    )?;
    if let Some(w) = weight {
        let weighted = loss.mul(w).ok().filter(|l| l.shape() == input.shape());
        loss = weighted.ok_or_else(|| {
            crate::Error::shape(
                OP,
                format!(
                    "weight broadcastable to the input's shape {:?}",
                    input.shape()
                ),
                format!("{:?}", w.shape()),
            )
        })?;
    }
    let per_sample = if input.rank() == 0 {
        loss
    } else {
        loss.sum_dim(-1)?
            .mul_scalar(E::one() / E::of(classes as f64))
    };
    Ok(reduction.apply(per_sample))
}

super::module_macro::loss_builder! {
    /// `nn.MarginRankingLoss` (`margin`, default 0); its runtime-shaped
    /// target is `(&input2, &target)`.
    ///
    /// ```
    /// use nncore::{loss::{Loss, MarginRankingLoss}, DynTensor};
    /// let a = DynTensor::<f32>::full(&[2], 1.0).unwrap();
    /// let b = DynTensor::<f32>::full(&[2], 2.0).unwrap();
    /// let y = DynTensor::ones(&[2]).unwrap();
    /// let l = MarginRankingLoss::new().margin(0.5).forward_dyn(&a, (&b, &y)).unwrap();
    /// assert_eq!(l.item(), 1.5);
    /// ```
    #[derive(Copy)]
    MarginRankingLoss;
    /// The margin (default 0).
    margin: f64 = 0.0,
}

impl MarginRankingLoss {
    /// The loss of two score tensors and a ±1 target, all of one shape
    /// (checked at compile time), as a scalar.
    ///
    /// ```
    /// use nncore::{loss::MarginRankingLoss, Tensor, shape::U2};
    /// let a = Tensor::<(U2,)>::from_vec(vec![1.0, 3.0], (U2::default(),)).unwrap();
    /// let b = Tensor::<(U2,)>::from_vec(vec![2.0, 2.0], (U2::default(),)).unwrap();
    /// let y = Tensor::<(U2,)>::from_vec(vec![1.0, 1.0], (U2::default(),)).unwrap();
    /// assert_eq!(MarginRankingLoss::new().forward(a, b, y).unwrap().item(), 0.5);
    /// ```
    pub fn forward<S, S2, S3>(
        &self,
        input1: Tensor<S>,
        input2: Tensor<S2>,
        target: Tensor<S3>,
    ) -> Result<Tensor<()>>
    where
        S: SameShape<S2> + LossTargetRule<S3, MarginRankingLoss>,
        S2: Shape,
        S3: Shape,
    {
        scalar_loss(Self::NAME, self.reduction, || {
            self.forward_dyn(input1.as_dyn(), (input2.as_dyn(), target.as_dyn()))
        })
    }
}

/// `input1` against `(&input2, &target)` (runtime shapes).
impl Loss<(&DynTensor<f32>, &DynTensor<f32>)> for MarginRankingLoss {
    fn forward_dyn(
        &self,
        input1: &DynTensor<f32>,
        (input2, target): (&DynTensor<f32>, &DynTensor<f32>),
    ) -> Result<DynTensor<f32>> {
        margin_ranking_loss(input1, input2, target, self.margin, self.reduction)
    }
}

super::module_macro::pair_loss_module! {
    /// `nn.HingeEmbeddingLoss` (`margin`, default 1).
    ///
    /// ```
    /// use nncore::{loss::{Loss, HingeEmbeddingLoss}, DynTensor};
    /// let d = DynTensor::<f32>::full(&[1], 0.25).unwrap();
    /// let l = HingeEmbeddingLoss::new().forward_dyn(&d, &DynTensor::full(&[1], -1.0).unwrap()).unwrap();
    /// assert_eq!(l.item(), 0.75);
    /// ```
    HingeEmbeddingLoss, |s, x, y| hinge_embedding_loss(x, y, s.margin, s.reduction);
    /// The margin for negative pairs.
    margin: f64 = 1.0,
}

super::module_macro::pair_loss_module! {
    /// `nn.SoftMarginLoss`: two-class logistic loss with ±1 targets.
    ///
    /// ```
    /// use nncore::{loss::{Loss, SoftMarginLoss}, DynTensor};
    /// let l = SoftMarginLoss::new().forward_dyn(&DynTensor::zeros(&[2]).unwrap(), &DynTensor::ones(&[2]).unwrap()).unwrap();
    /// assert!((l.item() - 2f32.ln()).abs() < 1e-6);
    /// ```
    SoftMarginLoss, |s, x, y| soft_margin_loss(x, y, s.reduction);
}

super::module_macro::pair_loss_module! {
    /// `nn.MultiLabelSoftMarginLoss` (optional class `weight`).
    ///
    /// ```
    /// use nncore::{loss::{Loss, MultiLabelSoftMarginLoss}, DynTensor};
    /// let l = MultiLabelSoftMarginLoss::new()
    ///     .forward_dyn(&DynTensor::zeros(&[2, 3]).unwrap(), &DynTensor::ones(&[2, 3]).unwrap()).unwrap();
    /// assert!((l.item() - 2f32.ln()).abs() < 1e-6);
    /// ```
    MultiLabelSoftMarginLoss,
        |s, x, y| multilabel_soft_margin_loss(x, y, s.weight.as_ref(), s.reduction);
    @tensors
    /// A rescaling weight per class.
    weight,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    fn signs(shape: &[usize], seed: u64) -> DynTensor<f64> {
        let r = rand64(shape, seed).to_vec();
        DynTensor::from_vec(r.iter().map(|v| v.signum()).collect(), shape).unwrap()
    }

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3);
    // random scores keep every hinge away from its kink.
    #[test]
    fn gradcheck_margin_losses_over_options() {
        let o = GradcheckOptions::default();
        let a = rand64(&[6], 91).requires_grad_(true);
        let b = rand64(&[6], 92).requires_grad_(true);
        let y = signs(&[6], 93);
        let x = rand64(&[3, 4], 94)
            .mul_scalar(2.0)
            .detach()
            .requires_grad_(true);
        let ys = signs(&[3, 4], 95).requires_grad_(true);
        let labels = mask_where(&rand64(&[3, 4], 96), |v| v > 0.0).requires_grad_(true);
        let w = rand64(&[4], 97).add_scalar(2.0).detach();
        for r in [Reduction::None, Reduction::Mean, Reduction::Sum] {
            for margin in [0.0, 0.3, 1.0] {
                gradcheck(
                    |v| margin_ranking_loss(&v[0], &v[1], &y, margin, r),
                    &[a.clone(), b.clone()],
                    o,
                )
                .unwrap();
                gradcheck(
                    |v| hinge_embedding_loss(&v[0], &ys, margin + 0.05, r),
                    std::slice::from_ref(&x),
                    o,
                )
                .unwrap();
            }
            gradcheck(
                |v| soft_margin_loss(&v[0], &v[1], r),
                &[x.clone(), ys.clone()],
                o,
            )
            .unwrap();
            for weight in [None, Some(&w)] {
                gradcheck(
                    |v| multilabel_soft_margin_loss(&v[0], &v[1], weight, r),
                    &[x.clone(), labels.clone()],
                    o,
                )
                .unwrap();
            }
        }
    }

    #[test]
    fn bad_input_names_the_loss_and_the_argument() {
        let a = rand64(&[4], 1);
        let msg = |e: crate::Error| e.to_string();
        assert_eq!(
            msg(margin_ranking_loss(&a, &rand64(&[3], 1), &a, 0.0, Reduction::Mean).unwrap_err()),
            "margin_ranking_loss: shape mismatch: expected shapes broadcastable with [4], found [3]"
        );
        assert_eq!(
            msg(soft_margin_loss(&a, &rand64(&[3], 1), Reduction::Mean).unwrap_err()),
            "soft_margin_loss: shape mismatch: expected target of the input's shape [4], found [3]"
        );
        let x = rand64(&[2, 4], 1);
        assert_eq!(
            msg(
                multilabel_soft_margin_loss(&x, &x, Some(&rand64(&[3], 1)), Reduction::Mean)
                    .unwrap_err()
            ),
            "multilabel_soft_margin_loss: shape mismatch: expected weight broadcastable to the input's shape [2, 4], found [3]"
        );
    }
}
