//! Mean squared error, like `F.mse_loss` and `nn.MSELoss`.

use super::criterion::scalar_loss;
use super::{Loss, Reduction};
use crate::shape::Shape;
use crate::{DynTensor, Element, MseTarget, Result, Tensor};

/// `(input - target)²` reduced, like `F.mse_loss`; both tensors must have
/// the same shape.
///
/// ```
/// use nncore::{loss::{mse_loss, Reduction}, DynTensor};
/// let a = DynTensor::<f64>::from_vec(vec![1.0, 2.0], &[2]).unwrap();
/// let b = DynTensor::<f64>::from_vec(vec![0.0, 4.0], &[2]).unwrap();
/// assert_eq!(mse_loss(&a, &b, Reduction::Mean).unwrap().item(), 2.5);
/// ```
#[nnmacro::__compiled_once]
pub fn mse_loss<E: Element>(
    input: &DynTensor<E>,
    target: &DynTensor<E>,
    reduction: Reduction,
) -> Result<DynTensor<E>> {
    target.expect_shape("mse_loss (target)", input.shape())?;
    let diff = input.sub(target)?;
    Ok(reduction.apply(diff.mul(&diff)?))
}

super::module_macro::loss_builder! {
    /// `nn.MSELoss`.
    ///
    /// ```
    /// use nncore::{loss::{Loss, MSELoss, Reduction}, DynTensor};
    /// let criterion = MSELoss::new().reduction(Reduction::Sum);
    /// let a = DynTensor::<f32>::ones(&[3]).unwrap();
    /// assert_eq!(criterion.forward_dyn(&a, &a.mul_scalar(2.0)).unwrap().item(), 3.0);
    /// ```
    #[derive(Copy)]
    MSELoss;
}

impl MSELoss {
    /// The loss between the input and a target [`Tensor`] of the same
    /// shape and element type (both checked at compile time, see
    /// [`MseTarget`]), as a scalar; with `reduction` none use
    /// [`Loss::forward_dyn`].
    ///
    /// ```
    /// use nncore::{loss::MSELoss, Tensor, shape::{Dyn, U2}};
    /// let a = Tensor::<(Dyn, U2)>::from_vec(vec![1.0, 2.0], (Dyn(1), U2::default())).unwrap();
    /// let b = Tensor::<(Dyn, U2)>::zeros((Dyn(1), U2::default())).unwrap();
    /// assert_eq!(MSELoss::new().forward(a, b).unwrap().item(), 2.5);
    /// ```
    pub fn forward<S: Shape, T: MseTarget<S>>(
        &self,
        input: Tensor<S>,
        target: T,
    ) -> Result<Tensor<()>> {
        scalar_loss(Self::NAME, self.reduction, || {
            self.forward_dyn(input.as_dyn(), target.target_tensor())
        })
    }
}

impl Loss<&DynTensor<f32>> for MSELoss {
    fn forward_dyn(
        &self,
        input: &DynTensor<f32>,
        target: &DynTensor<f32>,
    ) -> Result<DynTensor<f32>> {
        mse_loss(input, target, self.reduction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    #[test]
    fn gradcheck_mse_all_reductions() {
        let a = rand64(&[3, 4], 1).requires_grad_(true);
        let b = rand64(&[3, 4], 2).requires_grad_(true);
        for r in [Reduction::None, Reduction::Mean, Reduction::Sum] {
            gradcheck(
                |v| mse_loss(&v[0], &v[1], r),
                &[a.clone(), b.clone()],
                GradcheckOptions::default(),
            )
            .unwrap();
        }
        assert!(mse_loss(&a, &rand64(&[4, 3], 1), Reduction::Mean).is_err());
    }
}
