//! `nn.NLLLoss`: the module form of [`nll_loss`].

use super::{ClassTargetOptions, Reduction, nll_loss};
use crate::shape::{CrossEntropyRule, Shape};
use crate::{DynTensor, LongTensor, Result, Tensor};

/// `nn.NLLLoss` (`weight`, `ignore_index`, `reduction`): log-probabilities
/// against class indices.
///
/// ```
/// use nncore::{loss::NLLLoss, DynTensor, LongTensor};
/// let logp = DynTensor::<f32>::from_vec(vec![-1.0, -2.0, -3.0, -4.0], &[2, 2]).unwrap();
/// let criterion = NLLLoss::new().ignore_index(0);
/// assert_eq!(criterion.forward_classes(&logp, &LongTensor::from_slice(&[1, 0])).unwrap().item(), 2.0);
/// ```
#[derive(Clone, Debug, Default)]
pub struct NLLLoss {
    weight: Option<DynTensor<f32>>,
    ignore_index: Option<i64>,
    reduction: Reduction,
}

impl NLLLoss {
    /// PyTorch's defaults: no weight, `ignore_index = -100`, mean.
    pub fn new() -> Self {
        Self::default()
    }
    /// A rescaling weight per class.
    pub fn weight(mut self, weight: DynTensor<f32>) -> Self {
        self.weight = Some(weight);
        self
    }
    /// A class index to ignore.
    pub fn ignore_index(mut self, index: i64) -> Self {
        self.ignore_index = Some(index);
        self
    }
    /// The reduction.
    pub fn reduction(mut self, reduction: Reduction) -> Self {
        self.reduction = reduction;
        self
    }
    /// The loss of `(batch, classes)` log-probabilities against `(batch,)`
    /// class indices; batch sizes are checked at compile time where static.
    ///
    /// ```
    /// use nncore::{loss::NLLLoss, Tensor, shape::{Dyn, U2}};
    /// let logp = Tensor::<(Dyn, U2)>::from_vec(vec![-1.0, -2.0], (Dyn(1), U2::default())).unwrap();
    /// let t = Tensor::<(Dyn,), i64>::from_vec(vec![1], (Dyn(1),)).unwrap();
    /// assert_eq!(NLLLoss::new().forward(logp, t).unwrap().item(), 2.0);
    /// ```
    pub fn forward<S, T>(&self, input: Tensor<S>, target: Tensor<T, i64>) -> Result<Tensor<()>>
    where
        S: CrossEntropyRule<T>,
        T: Shape,
    {
        self.reduction.expect_scalar("NLLLoss")?;
        let loss = self.forward_classes(input.as_dyn(), target.as_dyn())?;
        Ok(Tensor::from_raw_unchecked(loss, ()))
    }
    /// The loss on runtime-shaped tensors (also `(N, C, d1, ...)`).
    pub fn forward_classes(
        &self,
        input: &DynTensor<f32>,
        target: &LongTensor,
    ) -> Result<DynTensor<f32>> {
        let options = ClassTargetOptions {
            weight: self.weight.as_ref(),
            ignore_index: self.ignore_index.unwrap_or(-100),
            reduction: self.reduction,
        };
        nll_loss(input, target, options)
    }
}
