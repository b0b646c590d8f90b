//! Reductions: `sum` and `mean` of all elements, and `sum_dim` / `mean_dim`
//! over one dimension.

use crate::autograd::{Backward, BackwardContext, Saved};
use crate::{DynTensor, Element, Error, Result};

struct SumBackward<E> {
    scale: E,
}

impl<E: Element> Backward<E> for SumBackward<E> {
    fn name(&self) -> &'static str {
        "SumBackward"
    }
    /// Sizes only.
    fn saved(&self) -> Saved {
        Saved::NOTHING
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let g = ctx.grad_output[0] * self.scale;
        Ok(vec![Some(vec![g; ctx.inputs[0].numel()])])
    }
}

/// Gradient of a reduction over one dim viewed as (outer, n, inner).
struct SumDimBackward<E> {
    outer: usize,
    n: usize,
    inner: usize,
    scale: E,
}

impl<E: Element> Backward<E> for SumDimBackward<E> {
    fn name(&self) -> &'static str {
        "SumBackward"
    }
    /// Sizes only.
    fn saved(&self) -> Saved {
        Saved::NOTHING
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let mut g = vec![E::zero(); self.outer * self.n * self.inner];
        for o in 0..self.outer {
            for k in 0..self.n {
                for i in 0..self.inner {
                    g[(o * self.n + k) * self.inner + i] =
                        ctx.grad_output[o * self.inner + i] * self.scale;
                }
            }
        }
        Ok(vec![Some(g)])
    }
}

/// Splits a shape around `dim` into (outer, size of dim, inner).
pub(crate) fn split_at_dim(
    op: &'static str,
    shape: &[usize],
    dim: isize,
) -> Result<(usize, usize, usize, usize)> {
    let rank = shape.len() as isize;
    let d = if dim < 0 { dim + rank } else { dim };
    if d < 0 || d >= rank.max(1) || shape.is_empty() {
        return Err(Error::option(
            op,
            "dim",
            format!("dimension {dim} is out of range for a tensor of rank {rank}"),
        ));
    }
    let d = d as usize;
    Ok((
        shape[..d].iter().product(),
        shape[d],
        shape[d + 1..].iter().product(),
        d,
    ))
}

impl<E: Element> DynTensor<E> {
    /// The sum of all elements, as a rank-0 tensor.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// assert_eq!(DynTensor::<f32>::ones(&[2, 3]).unwrap().sum().item(), 6.0);
    /// ```
    pub fn sum(&self) -> Self {
        let total = self.data().iter().copied().sum();
        DynTensor::from_op(vec![total], vec![], &[self], || SumBackward {
            scale: E::one(),
        })
    }

    /// The mean of all elements, as a rank-0 tensor (NaN for an empty
    /// tensor, as in PyTorch).
    pub fn mean(&self) -> Self {
        let n = E::of(self.numel() as f64);
        let total: E = self.data().iter().copied().sum();
        DynTensor::from_op(vec![total / n], vec![], &[self], || SumBackward {
            scale: E::one() / n,
        })
    }

    /// The sum over one dimension (negative counts from the end), removing
    /// it, like `x.sum(dim)`.
    pub fn sum_dim(&self, dim: isize) -> Result<Self> {
        self.reduce_dim("sum_dim", dim, false)
    }

    /// The mean over one dimension, removing it, like `x.mean(dim)`.
    pub fn mean_dim(&self, dim: isize) -> Result<Self> {
        self.reduce_dim("mean_dim", dim, true)
    }

    fn reduce_dim(&self, op: &'static str, dim: isize, mean: bool) -> Result<Self> {
        let (outer, n, inner, d) = split_at_dim(op, self.shape(), dim)?;
        let scale = if mean {
            E::one() / E::of(n as f64)
        } else {
            E::one()
        };
        let x = self.data();
        let mut out = vec![E::zero(); outer * inner];
        for o in 0..outer {
            for k in 0..n {
                for i in 0..inner {
                    out[o * inner + i] += x[(o * n + k) * inner + i];
                }
            }
        }
        out.iter_mut().for_each(|v| *v *= scale);
        drop(x);
        let mut shape = self.shape().to_vec();
        shape.remove(d);
        Ok(DynTensor::from_op(out, shape, &[self], || SumDimBackward {
            outer,
            n,
            inner,
            scale,
        }))
    }
}

impl<E: Element> DynTensor<E> {
    /// The index of the largest value along `dim` (the first on ties; NaN
    /// counts as largest, as in PyTorch), like `x.argmax(dim)`: the
    /// predicted class of each row of logits.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f32>::from_vec(vec![0.1, 0.7, 0.2, 0.9, 0.0, 0.1], &[2, 3]).unwrap();
    /// assert_eq!(x.argmax(1).unwrap().data(), &[1, 0]);
    /// ```
    pub fn argmax(&self, dim: isize) -> Result<crate::LongTensor> {
        let (outer, n, inner, d) = split_at_dim("argmax", self.shape(), dim)?;
        let x = self.data();
        let mut out = Vec::with_capacity(outer * inner);
        for o in 0..outer {
            for i in 0..inner {
                let mut best = 0;
                for k in 1..n {
                    let (v, b) = (x[(o * n + k) * inner + i], x[(o * n + best) * inner + i]);
                    if v > b || (v.is_nan() && !b.is_nan()) {
                        best = k;
                    }
                }
                out.push(best as i64);
            }
        }
        let mut shape = self.shape().to_vec();
        shape.remove(d);
        crate::LongTensor::from_vec(out, &shape)
    }
}

#[cfg(test)]
mod tests {
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (atol 1e-5, rtol 1e-3).
    #[test]
    fn gradcheck_reductions() {
        let x = rand64(&[2, 3, 4], 9).requires_grad_(true);
        let o = GradcheckOptions::default();
        gradcheck(|x| Ok(x[0].sum()), std::slice::from_ref(&x), o).unwrap();
        gradcheck(|x| Ok(x[0].mean()), std::slice::from_ref(&x), o).unwrap();
        for dim in [0, 1, -1] {
            gradcheck(|x| x[0].sum_dim(dim), std::slice::from_ref(&x), o).unwrap();
            gradcheck(|x| x[0].mean_dim(dim), std::slice::from_ref(&x), o).unwrap();
        }
    }

    #[test]
    fn dim_out_of_range_is_an_error() {
        let x = rand64(&[2, 3], 1);
        assert_eq!(
            x.sum_dim(2).unwrap_err().to_string(),
            "sum_dim: invalid dim: dimension 2 is out of range for a tensor of rank 2"
        );
    }
}
