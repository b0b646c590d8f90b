//! Cross entropy between logits and targets, like `F.cross_entropy` and
//! `nn.CrossEntropyLoss`: class-index or probability targets, class
//! weights, `ignore_index`, `label_smoothing`, any `(N, C, d1, ...)` input.

use super::criterion::scalar_loss;
use super::nll::{ClassTargetOptions, nll_loss, pick_targets};
use super::{Loss, Reduction};
use crate::shape::Shape;
use crate::{CrossEntropyTarget, DynTensor, Element, Error, LongTensor, Result, Tensor};

/// What cross entropy compares the logits with.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a, E: Element> {
    /// Class indices `[N]` or `[N, d1, ...]`.
    Classes(&'a LongTensor),
    /// Class probabilities of the input's shape.
    Probabilities(&'a DynTensor<E>),
}

/// The options of [`cross_entropy`], PyTorch's keyword arguments.
#[derive(Clone, Debug)]
pub struct CrossEntropyOptions<'a, E: Element> {
    /// A manual rescaling weight per class (`[C]`).
    pub weight: Option<&'a DynTensor<E>>,
    /// A class-index target value that is ignored (default -100).
    pub ignore_index: i64,
    /// How per-sample losses are combined (default mean).
    pub reduction: Reduction,
    /// Amount of smoothing in [0, 1] (default 0).
    pub label_smoothing: f64,
}

impl<E: Element> Default for CrossEntropyOptions<'_, E> {
    fn default() -> Self {
        CrossEntropyOptions {
            weight: None,
            ignore_index: -100,
            reduction: Reduction::Mean,
            label_smoothing: 0.0,
        }
    }
}

/// Cross entropy of `input` logits `[N, C, d...]` (or `[C]`) against
/// `target`, computed as PyTorch does: `log_softmax` over dim 1 (stable for
/// logits of ±1e4), then the weighted negative log-likelihood, plus the
/// label-smoothing term.
///
/// ```
/// use nncore::{loss::{cross_entropy, CrossEntropyOptions, Target}, DynTensor, LongTensor};
/// let logits = DynTensor::<f64>::zeros(&[2, 4]).unwrap();
/// let t = LongTensor::from_slice(&[1, 3]);
/// let l = cross_entropy(&logits, Target::Classes(&t), CrossEntropyOptions::default()).unwrap();
/// assert!((l.item() - 4f64.ln()).abs() < 1e-12);
/// ```
#[nnmacro::__compiled_once]
pub fn cross_entropy<E: Element>(
    input: &DynTensor<E>,
    target: Target<'_, E>,
    options: CrossEntropyOptions<'_, E>,
) -> Result<DynTensor<E>> {
    let eps = options.label_smoothing;
    if !(0.0..=1.0).contains(&eps) {
        return Err(Error::option(
            "cross_entropy",
            "label_smoothing",
            format!("{eps} is not in [0, 1]"),
        ));
    }
    let class_dim = if input.rank() == 1 { 0 } else { 1 };
    if input.rank() == 0 {
        return Err(Error::shape(
            "cross_entropy",
            "input of shape [C], [N, C] or [N, C, d1, ...]",
            "a 0-D tensor",
        ));
    }
    let n_classes = input.shape()[class_dim];
    let logp = input.log_softmax(class_dim as isize)?;
    // The class weight shaped to broadcast along the class dim: [C, 1, 1, ...].
    let weight_b = match options.weight {
        Some(w) => {
            w.expect_shape("cross_entropy (weight)", &[n_classes])?;
            let mut dims = vec![n_classes];
            dims.resize(input.rank() - class_dim, 1);
            Some(w.reshaped(dims))
        }
        None => None,
    };
    match target {
        Target::Classes(t) => {
            let nll_options = ClassTargetOptions {
                weight: options.weight,
                ignore_index: options.ignore_index,
                reduction: options.reduction,
            };
            let nll = nll_loss(&logp, t, nll_options)?;
            if eps == 0.0 {
                return Ok(nll);
            }
            let weighted = match &weight_b {
                Some(w) => logp.mul(w)?,
                None => logp.clone(),
            };
            let picks = pick_targets(
                "cross_entropy",
                input.shape(),
                t,
                options.weight,
                options.ignore_index,
            )?;
            let keep: Vec<E> = picks
                .picks
                .iter()
                .map(|p| if p.is_some() { E::one() } else { E::zero() })
                .collect();
            let kept = keep.iter().filter(|k| **k == E::one()).count();
            let smooth = weighted
                .sum_dim(class_dim as isize)?
                .neg()
                .mul(&DynTensor::from_vec(keep, t.shape())?)?;
            let smooth = match options.reduction {
                Reduction::None => smooth,
                Reduction::Sum => smooth.sum(),
                Reduction::Mean => {
                    let divisor = if options.weight.is_some() {
                        picks.total_weight
                    } else {
                        E::of(kept as f64)
                    };
                    smooth.sum().mul_scalar(E::one() / divisor)
                }
            };
            nll.mul_scalar(E::of(1.0 - eps))
                .add(&smooth.mul_scalar(E::of(eps / n_classes as f64)))
        }
        Target::Probabilities(p) => {
            p.expect_shape("cross_entropy (probability target)", input.shape())?;
            let p = if eps > 0.0 {
                p.mul_scalar(E::of(1.0 - eps))
                    .add_scalar(E::of(eps / n_classes as f64))
            } else {
                p.clone()
            };
            let mut terms = logp.mul(&p)?;
            if let Some(w) = &weight_b {
                terms = terms.mul(w)?;
            }
            Ok(match options.reduction {
                Reduction::None => terms.sum_dim(class_dim as isize)?.neg(),
                Reduction::Sum => terms.sum().neg(),
                Reduction::Mean => {
                    let samples = (input.numel() / n_classes.max(1)) as f64;
                    terms.sum().neg().mul_scalar(E::of(1.0 / samples))
                }
            })
        }
    }
}

super::module_macro::loss_builder! {
    /// `nn.CrossEntropyLoss`: logits and class indices (or probabilities) to
    /// a loss. With `reduction` none the typed [`forward`](Self::forward) is
    /// not available (its output is not a scalar): use
    /// [`Loss::forward_dyn`]. Options are set with builder methods named as
    /// PyTorch's keyword arguments.
    ///
    /// ```
    /// use nncore::{loss::{CrossEntropyLoss, Loss, Reduction}, DynTensor, LongTensor};
    /// let criterion = CrossEntropyLoss::new().label_smoothing(0.1).reduction(Reduction::Sum);
    /// let logits = DynTensor::<f32>::zeros(&[3, 5]).unwrap();
    /// let loss = criterion.forward_dyn(&logits, &LongTensor::from_slice(&[0, 1, 4])).unwrap();
    /// assert!((loss.item() - 3.0 * 5f32.ln()).abs() < 1e-5);
    /// assert_eq!(criterion.to_string(), "CrossEntropyLoss()");
    /// ```
    CrossEntropyLoss;
    /// A class index whose samples add nothing (default -100).
    ignore_index: i64 = -100,
    /// Label smoothing in [0, 1] (checked at the call; default 0).
    label_smoothing: f64 = 0.0,
    @tensors
    /// A rescaling weight per class.
    weight,
}

impl CrossEntropyLoss {
    fn options(&self) -> CrossEntropyOptions<'_, f32> {
        CrossEntropyOptions {
            weight: self.weight.as_ref(),
            ignore_index: self.ignore_index,
            reduction: self.reduction,
            label_smoothing: self.label_smoothing,
        }
    }

    /// The loss of `(batch, classes)` logits against `(batch,)` class
    /// indices, like calling `nn.CrossEntropyLoss`. Ranks, the target's
    /// element type (`i64`) and static batch sizes are checked at compile
    /// time (see [`CrossEntropyTarget`]); a class index out of range (data
    /// from a file) is an error.
    ///
    /// ```
    /// use nncore::{loss::CrossEntropyLoss, Tensor, shape::{Dyn, U3}};
    /// let logits = Tensor::<(Dyn, U3)>::zeros((Dyn(2), U3::default())).unwrap();
    /// let labels = Tensor::<(Dyn,), i64>::from_vec(vec![0, 2], (Dyn(2),)).unwrap();
    /// let loss = CrossEntropyLoss::new().forward(logits, labels).unwrap();
    /// assert!((loss.item() - 3f32.ln()).abs() < 1e-6);
    /// ```
    pub fn forward<S: Shape, T: CrossEntropyTarget<S>>(
        &self,
        input: Tensor<S>,
        target: T,
    ) -> Result<Tensor<()>> {
        scalar_loss(Self::NAME, self.reduction, || {
            self.forward_dyn(input.as_dyn(), target.class_index_tensor())
        })
    }
}

/// Logits against class indices (runtime shapes, also `(N, C, d1, ...)`).
impl Loss<&LongTensor> for CrossEntropyLoss {
    fn forward_dyn(&self, input: &DynTensor<f32>, target: &LongTensor) -> Result<DynTensor<f32>> {
        cross_entropy(input, Target::Classes(target), self.options())
    }
}

/// Logits against class probabilities of the input's shape (runtime shapes).
impl Loss<&DynTensor<f32>> for CrossEntropyLoss {
    fn forward_dyn(
        &self,
        input: &DynTensor<f32>,
        target: &DynTensor<f32>,
    ) -> Result<DynTensor<f32>> {
        cross_entropy(input, Target::Probabilities(target), self.options())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults.
    #[test]
    fn gradcheck_cross_entropy_over_options() {
        let x = rand64(&[3, 4, 2], 1)
            .mul_scalar(2.0)
            .detach()
            .requires_grad_(true);
        let t = LongTensor::from_vec(vec![0, 3, 1, 1, 2, 0], &[3, 2]).unwrap();
        let t_ignored = LongTensor::from_vec(vec![0, 3, -100, 1, 2, 0], &[3, 2]).unwrap();
        let p = rand64(&[3, 4, 2], 2).softmax(1).unwrap().detach();
        let w = rand64(&[4], 3).add_scalar(2.0).detach();
        for reduction in [Reduction::None, Reduction::Mean, Reduction::Sum] {
            for smoothing in [0.0, 0.2] {
                for weight in [None, Some(&w)] {
                    let o = CrossEntropyOptions {
                        weight,
                        ignore_index: -100,
                        reduction,
                        label_smoothing: smoothing,
                    };
                    let go = GradcheckOptions::default();
                    gradcheck(
                        |v| cross_entropy(&v[0], Target::Classes(&t), o.clone()),
                        std::slice::from_ref(&x),
                        go,
                    )
                    .unwrap();
                    gradcheck(
                        |v| cross_entropy(&v[0], Target::Classes(&t_ignored), o.clone()),
                        std::slice::from_ref(&x),
                        go,
                    )
                    .unwrap();
                    gradcheck(
                        |v| cross_entropy(&v[0], Target::Probabilities(&p), o.clone()),
                        std::slice::from_ref(&x),
                        go,
                    )
                    .unwrap();
                }
            }
        }
    }

    #[test]
    fn huge_logits_stay_finite() {
        let x = DynTensor::<f64>::from_vec(vec![1e4, -1e4, 0.0, -1e4, 1e4, 0.0], &[2, 3]).unwrap();
        let t = LongTensor::from_slice(&[1, 0]);
        let l = cross_entropy(&x, Target::Classes(&t), CrossEntropyOptions::default()).unwrap();
        assert_eq!(l.item(), 2e4);
    }
}
