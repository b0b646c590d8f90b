//! Changing the shape without changing the data: `reshape`, `flatten`.

use crate::autograd::{Backward, BackwardContext, Saved, input_grads};
use crate::tensor::Dims;
use crate::{DynTensor, Element, Error, Result, pool};

struct ReshapeBackward;

impl<E: Element> Backward<E> for ReshapeBackward {
    fn name(&self) -> &'static str {
        "ViewBackward"
    }
    /// Sizes only.
    fn saved(&self) -> Saved {
        Saved::NOTHING
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        Ok(input_grads([Some(pool::take_copied(ctx.grad_output))]))
    }
}

impl<E: Element> DynTensor<E> {
    /// The same elements in a new shape with the same number of elements;
    /// one dim may be `-1` (inferred), like `torch.reshape`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f32>::zeros(&[2, 3, 4]).unwrap();
    /// assert_eq!(x.reshape(&[2, -1]).unwrap().shape(), &[2, 12]);
    /// ```
    pub fn reshape(&self, shape: &[isize]) -> Result<Self> {
        let numel = self.numel();
        // Checked products: sizes past usize::MAX are a mismatch, not a panic.
        let known = shape
            .iter()
            .filter(|&&d| d >= 0)
            .try_fold(1usize, |n, &d| n.checked_mul(d as usize));
        let inferred = shape.iter().filter(|&&d| d == -1).count();
        let bad = || {
            Error::shape(
                "reshape",
                format!("a shape with {numel} elements"),
                format!("{shape:?}"),
            )
        };
        let Some(known) = known.filter(|_| inferred <= 1 && shape.iter().all(|&d| d >= -1)) else {
            return Err(bad());
        };
        let dims: Dims = shape
            .iter()
            .map(|&d| {
                if d == -1 {
                    numel.checked_div(known).unwrap_or(0)
                } else {
                    d as usize
                }
            })
            .collect();
        if dims.iter().try_fold(1usize, |n, &d| n.checked_mul(d)) != Some(numel) {
            return Err(bad());
        }
        Ok(self.reshaped(dims))
    }

    /// Reshape to sizes the caller has already validated.
    pub(crate) fn reshaped(&self, dims: impl AsRef<[usize]>) -> Self {
        debug_assert_eq!(dims.as_ref().iter().product::<usize>(), self.numel());
        let data = pool::take_copied(&self.data());
        DynTensor::from_op(data, dims, &[self], || ReshapeBackward)
    }

    /// Flattens dims `start_dim..=end_dim` into one, like `torch.flatten`
    /// (`nn.Flatten` uses `start_dim = 1`, `end_dim = -1`).
    pub fn flatten(&self, start_dim: isize, end_dim: isize) -> Result<Self> {
        let rank = self.rank().max(1) as isize;
        let norm = |d: isize| if d < 0 { d + rank } else { d };
        let (s, e) = (norm(start_dim), norm(end_dim));
        if s < 0 || e >= rank || s > e {
            return Err(Error::option(
                "flatten",
                "start_dim",
                format!(
                    "start_dim {start_dim} and end_dim {end_dim} do not fit a tensor of rank {rank}"
                ),
            ));
        }
        if self.rank() == 0 {
            return Ok(self.reshaped([1]));
        }
        let shape = self.shape();
        let (s, e) = (s as usize, e as usize);
        let flat = shape[s..=e].iter().product();
        let dims: Dims = shape[..s]
            .iter()
            .copied()
            .chain([flat])
            .chain(shape[e + 1..].iter().copied())
            .collect();
        Ok(self.reshaped(dims))
    }
}

#[cfg(test)]
mod tests {
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    #[test]
    fn gradcheck_reshape_and_flatten() {
        let x = rand64(&[2, 3, 4], 3).requires_grad_(true);
        let o = GradcheckOptions::default();
        gradcheck(|x| x[0].reshape(&[4, -1]), std::slice::from_ref(&x), o).unwrap();
        gradcheck(|x| x[0].flatten(1, -1), std::slice::from_ref(&x), o).unwrap();
        assert_eq!(x.flatten(1, -1).unwrap().shape(), &[2, 12]);
        assert!(x.reshape(&[5, -1]).is_err());
    }
}
