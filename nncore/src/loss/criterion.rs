//! What every loss module has in common: the [`Loss`] trait (the loss on
//! runtime-shaped tensors, under one name) and the typed forward's scalar
//! result.

use super::Reduction;
use crate::{DynTensor, Result, Tensor};

/// A loss module called on runtime-shaped tensors, like calling a PyTorch
/// criterion: `criterion.forward_dyn(&input, target)` for every loss, with
/// any reduction (also `none`), shapes checked at the call.
///
/// `Target` is what the loss compares the input with: a `&DynTensor<f32>`
/// (regression and probability losses), a `&LongTensor` of class indices
/// (`CrossEntropyLoss`, `NLLLoss`, `MultiMarginLoss`,
/// `MultiLabelMarginLoss`), or for losses of more arguments a tuple of the
/// others, in PyTorch's order: `(&input2, &target)` for
/// `CosineEmbeddingLoss` and `MarginRankingLoss`, `(&positive, &negative)`
/// for `TripletMarginLoss`, `(&target, &var)` for `GaussianNLLLoss`,
/// `(&targets, &input_lengths, &target_lengths)` for `CTCLoss`.
/// `CrossEntropyLoss` takes class indices or class probabilities, told
/// apart by the target's type. The typed form of each loss is its inherent
/// `forward`, whose shapes are checked at compile time (as with layers'
/// [`Forward`](crate::nn::Forward) and [`DynForward`](crate::nn::DynForward)).
///
/// `Display` prints PyTorch's `Name()`.
///
/// ```
/// use nncore::loss::{CrossEntropyLoss, Loss, MSELoss, Reduction};
/// use nncore::{DynTensor, LongTensor};
/// let logits = DynTensor::<f32>::zeros(&[2, 4]).unwrap();
/// let ce = CrossEntropyLoss::new().reduction(Reduction::None);
/// let per_sample = ce.forward_dyn(&logits, &LongTensor::from_slice(&[0, 3])).unwrap();
/// assert_eq!(per_sample.shape(), &[2]);
/// let uniform = DynTensor::<f32>::full(&[2, 4], 0.25).unwrap();
/// assert!((ce.forward_dyn(&logits, &uniform).unwrap().to_vec()[0] - 4f32.ln()).abs() < 1e-6);
/// assert_eq!(MSELoss::new().forward_dyn(&logits, &logits).unwrap().item(), 0.0);
/// assert_eq!(ce.to_string(), "CrossEntropyLoss()");
/// ```
pub trait Loss<Target>: std::fmt::Display {
    /// The loss of `input` against `target` (any reduction).
    fn forward_dyn(&self, input: &DynTensor<f32>, target: Target) -> Result<DynTensor<f32>>;
}

/// The typed `forward`'s result: the loss `compute` gives as a scalar
/// tensor, after refusing reduction `none` (whose result is not a scalar)
/// with the loss's name.
pub(crate) fn scalar_loss(
    name: &'static str,
    reduction: Reduction,
    compute: impl FnOnce() -> Result<DynTensor<f32>>,
) -> Result<Tensor<()>> {
    reduction.expect_scalar(name)?;
    Ok(Tensor::from_raw_unchecked(compute()?, ()))
}

#[cfg(test)]
mod tests {
    use crate::Tensor;
    use crate::loss::{Loss, MSELoss, Reduction};
    use crate::shape::{Dyn, U2};

    #[test]
    fn the_typed_forward_refuses_reduction_none_and_names_the_runtime_call() {
        let criterion = MSELoss::new().reduction(Reduction::None);
        let x = Tensor::<(Dyn, U2)>::zeros((Dyn(3), U2::default())).unwrap();
        assert_eq!(
            criterion
                .forward(x.clone(), x.clone())
                .unwrap_err()
                .to_string(),
            "MSELoss: invalid reduction: reduction 'none' gives one loss per element; use the runtime-shaped call `Loss::forward_dyn`"
        );
        let per_element = criterion.forward_dyn(x.as_dyn(), x.as_dyn()).unwrap();
        assert_eq!(per_element.shape(), &[3, 2]);
        assert_eq!(criterion.to_string(), "MSELoss()");
    }
}
