//! The vector p-norm over one dimension, like
//! `torch.linalg.vector_norm(x, p, dim, keepdim)`: the building block of
//! `pairwise_distance`, `cosine_similarity` and the triplet loss.

use super::split_at_dim;
use crate::autograd::{Backward, BackwardContext, Saved};
use crate::{DynTensor, Element, Error, Result};

struct NormBackward {
    p: f64,
    outer: usize,
    n: usize,
    inner: usize,
}

impl<E: Element> Backward<E> for NormBackward {
    fn name(&self) -> &'static str {
        "NormBackward"
    }
    fn saved(&self) -> Saved {
        Saved::NOTHING.input(0).output()
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let x = ctx.inputs[0].data();
        let mut g = vec![E::zero(); x.len()];
        for o in 0..self.outer {
            for i in 0..self.inner {
                let norm = ctx.output[o * self.inner + i].as_f64();
                let go = ctx.grad_output[o * self.inner + i].as_f64();
                if norm == 0.0 {
                    // PyTorch's subgradient at the origin.
                    continue;
                }
                for k in 0..self.n {
                    let at = (o * self.n + k) * self.inner + i;
                    let v = x[at].as_f64();
                    let d = if self.p == 1.0 {
                        if v == 0.0 { 0.0 } else { v.signum() }
                    } else if self.p == 2.0 {
                        v / norm
                    } else {
                        v * v.abs().powf(self.p - 2.0) / norm.powf(self.p - 1.0)
                    };
                    g[at] = E::of(d * go);
                }
            }
        }
        Ok(vec![Some(g)])
    }
}

impl<E: Element> DynTensor<E> {
    /// `(Σ |x|^p)^(1/p)` over `dim` (negative counts from the end), keeping
    /// it as a size-1 dim when `keepdim`; `p` must be a positive finite
    /// number. The gradient at a zero vector is 0, as in PyTorch.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f64>::from_vec(vec![3.0, 4.0, 1.0, 0.0], &[2, 2]).unwrap();
    /// assert_eq!(x.norm_dim(2.0, 1, false).unwrap().to_vec(), vec![5.0, 1.0]);
    /// assert_eq!(x.norm_dim(1.0, -1, true).unwrap().shape(), &[2, 1]);
    /// ```
    pub fn norm_dim(&self, p: f64, dim: isize, keepdim: bool) -> Result<Self> {
        if !(p > 0.0 && p.is_finite()) {
            return Err(Error::option(
                "norm",
                "p",
                format!("{p} is not supported (a positive finite p is)"),
            ));
        }
        let (outer, n, inner, d) = split_at_dim("norm", self.shape(), dim)?;
        let x = self.data();
        let mut out = Vec::with_capacity(outer * inner);
        for o in 0..outer {
            for i in 0..inner {
                let column = (0..n).map(|k| x[(o * n + k) * inner + i].as_f64().abs());
                let norm = if p == 1.0 {
                    column.sum()
                } else if p == 2.0 {
                    column.map(|v| v * v).sum::<f64>().sqrt()
                } else {
                    column.map(|v| v.powf(p)).sum::<f64>().powf(1.0 / p)
                };
                out.push(E::of(norm));
            }
        }
        drop(x);
        let mut shape = self.shape().to_vec();
        if keepdim {
            shape[d] = 1;
        } else {
            shape.remove(d);
        }
        Ok(DynTensor::from_op(out, shape, &[self], || NormBackward {
            p,
            outer,
            n,
            inner,
        }))
    }
}

#[cfg(test)]
mod tests {
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3).
    #[test]
    fn gradcheck_norm_over_p_and_dims() {
        let x = rand64(&[3, 4, 2], 41).requires_grad_(true);
        for p in [1.0, 2.0, 3.0, 1.5] {
            for (dim, keepdim) in [(0, false), (1, true), (-1, false)] {
                gradcheck(
                    |t| t[0].norm_dim(p, dim, keepdim),
                    std::slice::from_ref(&x),
                    GradcheckOptions::default(),
                )
                .unwrap();
            }
        }
    }

    #[test]
    fn zero_vector_has_zero_gradient_and_bad_p_is_an_error() {
        let x = crate::DynTensor::<f64>::zeros(&[2, 3])
            .unwrap()
            .requires_grad_(true);
        x.norm_dim(2.0, 1, false).unwrap().sum().backward().unwrap();
        assert_eq!(x.grad().unwrap(), vec![0.0; 6]);
        assert_eq!(
            x.norm_dim(0.0, 1, false).unwrap_err().to_string(),
            "norm: invalid p: 0 is not supported (a positive finite p is)"
        );
    }
}
