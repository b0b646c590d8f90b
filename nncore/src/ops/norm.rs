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
                let p = self.p;
                let column = (0..self.n).map(|k| (o * self.n + k) * self.inner + i);
                // p = ±inf: the gradient goes to the elements at the norm
                // (or NaN), shared among ties, as PyTorch's norm_backward.
                let ties = if p.is_infinite() {
                    column
                        .clone()
                        .filter(|&at| {
                            let a = x[at].as_f64().abs();
                            a == norm || a.is_nan()
                        })
                        .count() as f64
                } else {
                    1.0
                };
                for at in column {
                    let v = x[at].as_f64();
                    let sgn = if v == 0.0 { 0.0 } else { v.signum() };
                    let d = if p == 0.0 {
                        0.0
                    } else if p == 1.0 {
                        sgn
                    } else if p == 2.0 {
                        v / norm
                    } else if p.is_infinite() {
                        let a = v.abs();
                        if a == norm || a.is_nan() {
                            sgn / ties
                        } else {
                            0.0
                        }
                    } else if v == 0.0 {
                        // |v|^(p-1) is infinite for p < 1; PyTorch masks it.
                        0.0
                    } else if p < 1.0 {
                        sgn * v.abs().powf(p - 1.0) * norm.powf(1.0 - p)
                    } else {
                        sgn * v.abs().powf(p - 1.0) / norm.powf(p - 1.0)
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
    /// it as a size-1 dim when `keepdim`, like `torch.linalg.vector_norm`:
    /// any `p` but NaN, with `inf` the largest `|x|`, `-inf` the smallest
    /// and `0` the count of non-zeros. The gradient at a zero vector is 0,
    /// at `p = ±inf` it is shared among the elements at the norm, as in
    /// PyTorch.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f64>::from_vec(vec![3.0, 4.0, 1.0, 0.0], &[2, 2]).unwrap();
    /// assert_eq!(x.norm_dim(2.0, 1, false).unwrap().to_vec(), vec![5.0, 1.0]);
    /// assert_eq!(x.norm_dim(1.0, -1, true).unwrap().shape(), &[2, 1]);
    /// assert_eq!(x.norm_dim(f64::INFINITY, 1, false).unwrap().to_vec(), vec![4.0, 1.0]);
    /// assert_eq!(x.norm_dim(0.0, 1, false).unwrap().to_vec(), vec![2.0, 1.0]);
    /// ```
    pub fn norm_dim(&self, p: f64, dim: isize, keepdim: bool) -> Result<Self> {
        if p.is_nan() {
            return Err(Error::option("norm", "p", "p must be a number, got nan"));
        }
        let (outer, n, inner, d) = split_at_dim("norm", self.shape(), dim)?;
        let x = self.data();
        let mut out = Vec::with_capacity(outer * inner);
        for o in 0..outer {
            for i in 0..inner {
                let column = (0..n).map(|k| x[(o * n + k) * inner + i].as_f64().abs());
                let norm = p_norm(column, p);
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

/// The `p`-norm of absolute values as `torch.linalg.vector_norm` computes
/// it: the count of non-zeros for 0, the largest (smallest) value for inf
/// (-inf) with NaN propagating, else `(sum v^p)^(1/p)`.
pub(crate) fn p_norm(abs: impl Iterator<Item = f64>, p: f64) -> f64 {
    if p == 0.0 {
        abs.filter(|&v| v != 0.0).count() as f64
    } else if p == f64::INFINITY {
        // NaN propagates, as PyTorch's amax.
        abs.fold(0.0, |m, v| if v.is_nan() || v > m { v } else { m })
    } else if p == f64::NEG_INFINITY {
        abs.fold(
            f64::INFINITY,
            |m, v| if v.is_nan() || v < m { v } else { m },
        )
    } else if p == 1.0 {
        abs.sum()
    } else if p == 2.0 {
        abs.map(|v| v * v).sum::<f64>().sqrt()
    } else {
        abs.map(|v| v.powf(p)).sum::<f64>().powf(1.0 / p)
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
        for p in [
            1.0,
            2.0,
            3.0,
            1.5,
            0.5,
            -1.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
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
            x.norm_dim(f64::NAN, 1, false).unwrap_err().to_string(),
            "norm: invalid p: p must be a number, got nan"
        );
    }

    #[test]
    fn infinite_p_shares_the_gradient_among_ties_and_zero_p_has_none() {
        // PyTorch: vector_norm([1, -3, 3, 0.5], inf) = 3, gradient
        // [0, -0.5, 0.5, 0]; the p = 0 count has a zero gradient.
        let x = crate::DynTensor::<f64>::from_vec(vec![1.0, -3.0, 3.0, 0.5], &[4])
            .unwrap()
            .requires_grad_(true);
        let n = x.norm_dim(f64::INFINITY, 0, false).unwrap();
        assert_eq!(n.to_vec(), vec![3.0]);
        n.backward().unwrap();
        assert_eq!(x.grad().unwrap(), vec![0.0, -0.5, 0.5, 0.0]);
        let x = x.detach().requires_grad_(true);
        let n = x.norm_dim(0.0, 0, false).unwrap();
        assert_eq!(n.to_vec(), vec![4.0]);
        n.backward().unwrap();
        assert_eq!(x.grad().unwrap(), vec![0.0; 4]);
    }
}
