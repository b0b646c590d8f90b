//! `narrow`: a slice of one dimension, like `x.narrow(dim, start, length)`
//! or `x[:, start:start + length]`. A copy (Kiln tensors are contiguous);
//! the gradient is the output's gradient put back in place, zeros elsewhere.

use super::split_at_dim;
use crate::autograd::{Backward, BackwardContext, input_grads};
use crate::tensor::Dims;
use crate::{DynTensor, Element, Error, Result, pool};

struct NarrowBackward {
    outer: usize,
    n: usize,
    inner: usize,
    start: usize,
    length: usize,
}

impl<E: Element> Backward<E> for NarrowBackward {
    fn name(&self) -> &'static str {
        "NarrowBackward"
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let (n, inner, len) = (self.n, self.inner, self.length);
        let mut g = pool::take_zeroed(self.outer * n * inner);
        for o in 0..self.outer {
            let from = o * len * inner;
            let to = (o * n + self.start) * inner;
            g[to..to + len * inner].copy_from_slice(&ctx.grad_output[from..from + len * inner]);
        }
        Ok(input_grads([Some(g)]))
    }
}

impl<E: Element> DynTensor<E> {
    /// Elements `start..start + length` of dimension `dim` (negative counts
    /// from the end), like `x.narrow(dim, start, length)`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f32>::from_vec((0..6).map(|v| v as f32).collect(), &[2, 3]).unwrap();
    /// let y = x.narrow(1, 1, 2).unwrap();
    /// assert_eq!(y.shape(), &[2, 2]);
    /// assert_eq!(y.to_vec(), vec![1.0, 2.0, 4.0, 5.0]);
    /// ```
    pub fn narrow(&self, dim: isize, start: usize, length: usize) -> Result<Self> {
        let (outer, n, inner, d) = split_at_dim("narrow", self.shape(), dim)?;
        if start.checked_add(length).is_none_or(|end| end > n) {
            return Err(Error::option(
                "narrow",
                "length",
                format!("start ({start}) + length ({length}) exceeds dimension size ({n})"),
            ));
        }
        let x = self.data();
        let mut data = pool::take_empty(outer * length * inner);
        for o in 0..outer {
            let from = (o * n + start) * inner;
            data.extend_from_slice(&x[from..from + length * inner]);
        }
        drop(x);
        let shape: Dims = (self.shape().iter().enumerate())
            .map(|(i, &s)| if i == d { length } else { s })
            .collect();
        Ok(DynTensor::from_op(data, shape, &[self], || {
            NarrowBackward {
                outer,
                n,
                inner,
                start,
                length,
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use crate::DynTensor;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults.
    #[test]
    fn gradcheck_narrow() {
        let x = rand64(&[3, 4, 5], 7).requires_grad_(true);
        for (dim, start, len) in [(0, 1, 2), (1, 0, 4), (-1, 2, 3), (2, 4, 0)] {
            gradcheck(
                |t| t[0].narrow(dim, start, len),
                std::slice::from_ref(&x),
                GradcheckOptions::default(),
            )
            .unwrap();
        }
    }

    /// `torch.arange(24.).reshape(2, 3, 4).narrow(2, 1, 2).flatten()`.
    #[test]
    fn narrow_matches_pytorch() {
        let x = DynTensor::<f64>::from_vec((0..24).map(f64::from).collect(), &[2, 3, 4]).unwrap();
        let y = x.narrow(2, 1, 2).unwrap();
        assert_eq!(y.shape(), &[2, 3, 2]);
        let expected = [1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22];
        assert_eq!(y.to_vec(), expected.map(f64::from).to_vec());
        assert_eq!(
            x.narrow(1, 2, 2).unwrap_err().to_string(),
            "narrow: invalid length: start (2) + length (2) exceeds dimension size (3)"
        );
    }
}
