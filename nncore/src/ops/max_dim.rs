//! `max_dim`: the largest value along one dimension and where it is, like
//! `x.max(dim)` (values and indices). The gradient flows to the chosen
//! element only.

use super::split_at_dim;
use crate::autograd::{Backward, BackwardContext};
use crate::{DynTensor, Element, LongTensor, Result};

struct MaxDimBackward {
    n: usize,
    inner: usize,
    /// The chosen index along the reduced dim, per output element.
    indices: Vec<usize>,
}

impl<E: Element> Backward<E> for MaxDimBackward {
    fn name(&self) -> &'static str {
        "MaxBackward0"
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let mut g = vec![E::zero(); ctx.inputs[0].numel()];
        for (j, (&k, &go)) in self.indices.iter().zip(ctx.grad_output).enumerate() {
            let (o, i) = (j / self.inner, j % self.inner);
            g[(o * self.n + k) * self.inner + i] = go;
        }
        Ok(vec![Some(g)])
    }
}

impl<E: Element> DynTensor<E> {
    /// The largest value along `dim` (negative counts from the end) and its
    /// index (the first on ties; NaN counts as largest), removing `dim`,
    /// like `x.max(dim)` in PyTorch.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f32>::from_vec(vec![0.1, 0.7, 0.2, 0.9, 0.0, 0.1], &[2, 3]).unwrap();
    /// let (values, indices) = x.max_dim(1).unwrap();
    /// assert_eq!(values.to_vec(), vec![0.7, 0.9]);
    /// assert_eq!(indices.data(), &[1, 0]);
    /// ```
    pub fn max_dim(&self, dim: isize) -> Result<(Self, LongTensor)> {
        let (_, n, inner, _) = split_at_dim("max_dim", self.shape(), dim)?;
        let argmax = self.argmax(dim)?;
        let x = self.data();
        let indices: Vec<usize> = argmax.data().iter().map(|&k| k as usize).collect();
        let values = indices
            .iter()
            .enumerate()
            .map(|(j, &k)| x[((j / inner) * n + k) * inner + j % inner])
            .collect();
        drop(x);
        let y = DynTensor::from_op(values, argmax.shape(), &[self], || MaxDimBackward {
            n,
            inner,
            indices,
        });
        Ok((y, argmax))
    }
}

#[cfg(test)]
mod tests {
    use crate::DynTensor;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults; random values have no ties,
    // so the maximum does not move under the finite difference.
    #[test]
    fn gradcheck_max_dim() {
        let x = rand64(&[3, 4, 5], 11).requires_grad_(true);
        for dim in [0, 1, -1] {
            gradcheck(
                |t| Ok(t[0].max_dim(dim)?.0),
                std::slice::from_ref(&x),
                GradcheckOptions::default(),
            )
            .unwrap();
        }
    }

    /// `torch.tensor([[1., 5., 5.], [7., 2., 3.]]).max(1)`: values (5, 7), indices (1, 0).
    #[test]
    fn max_dim_matches_pytorch() {
        let x = DynTensor::<f64>::from_vec(vec![1.0, 5.0, 5.0, 7.0, 2.0, 3.0], &[2, 3]).unwrap();
        let (v, i) = x.max_dim(1).unwrap();
        assert_eq!(v.to_vec(), vec![5.0, 7.0]);
        assert_eq!(i.data(), &[1, 0]);
        let (v, i) = x.max_dim(0).unwrap();
        assert_eq!(v.to_vec(), vec![7.0, 5.0, 5.0]);
        assert_eq!(i.data(), &[1, 0, 0]);
        assert_eq!(
            x.max_dim(2).unwrap_err().to_string(),
            "max_dim: invalid dim: dimension 2 is out of range for a tensor of rank 2"
        );
    }
}
