//! `nn.NLLLoss`: the module form of [`nll_loss`].

use super::criterion::scalar_loss;
use super::{ClassTargetOptions, Loss, nll_loss};
use crate::shape::{CrossEntropyRule, Shape};
use crate::{DynTensor, LongTensor, Result, Tensor};

super::module_macro::loss_builder! {
    /// `nn.NLLLoss` (`weight`, `ignore_index`, `reduction`): log-probabilities
    /// against class indices.
    ///
    /// ```
    /// use nncore::{loss::{Loss, NLLLoss}, DynTensor, LongTensor};
    /// let logp = DynTensor::<f32>::from_vec(vec![-1.0, -2.0, -3.0, -4.0], &[2, 2]).unwrap();
    /// let criterion = NLLLoss::new().ignore_index(0);
    /// assert_eq!(criterion.forward_dyn(&logp, &LongTensor::from_slice(&[1, 0])).unwrap().item(), 2.0);
    /// ```
    NLLLoss;
    /// A class index whose samples add nothing (default -100).
    ignore_index: i64 = -100,
    @tensors
    /// A rescaling weight per class.
    weight,
}

impl NLLLoss {
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
        scalar_loss(Self::NAME, self.reduction, || {
            self.forward_dyn(input.as_dyn(), target.as_dyn())
        })
    }
}

/// Log-probabilities against class indices (runtime shapes, also
/// `(N, C, d1, ...)`).
impl Loss<&LongTensor> for NLLLoss {
    fn forward_dyn(&self, input: &DynTensor<f32>, target: &LongTensor) -> Result<DynTensor<f32>> {
        let options = ClassTargetOptions {
            weight: self.weight.as_ref(),
            ignore_index: self.ignore_index,
            reduction: self.reduction,
        };
        nll_loss(input, target, options)
    }
}
