//! `bmm`: a batch of matrix products, `[b, m, k] x [b, k, n] -> [b, m, n]`,
//! like `torch.bmm`, one gemm per matrix through `kernels::gemm`.

use crate::autograd::{Backward, BackwardContext, input_grads};
use crate::kernels::gemm::{MatMut, MatRef, matmul as gemm};
use crate::{DynTensor, Element, Error, Result, pool};

struct BmmBackward {
    batch: usize,
    m: usize,
    k: usize,
    n: usize,
}

impl<E: Element> Backward<E> for BmmBackward {
    fn name(&self) -> &'static str {
        "BmmBackward"
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let (m, k, n) = (self.m, self.k, self.n);
        let g = |i: usize| MatRef::row_major(&ctx.grad_output[i * m * n..(i + 1) * m * n], m, n);
        // dA_i = G_i · B_iᵀ
        let ga = ctx.needs[0].then(|| {
            let b = ctx.inputs[1].data();
            let mut out = pool::take_overwritable(self.batch * m * k);
            for (i, o) in out.chunks_exact_mut(m * k).enumerate() {
                let bi = MatRef::row_major(&b[i * k * n..(i + 1) * k * n], k, n);
                gemm(g(i), bi.t(), MatMut::row_major(o, m, k), false);
            }
            out
        });
        // dB_i = A_iᵀ · G_i
        let gb = ctx.needs[1].then(|| {
            let a = ctx.inputs[0].data();
            let mut out = pool::take_overwritable(self.batch * k * n);
            for (i, o) in out.chunks_exact_mut(k * n).enumerate() {
                let ai = MatRef::row_major(&a[i * m * k..(i + 1) * m * k], m, k);
                gemm(ai.t(), g(i), MatMut::row_major(o, k, n), false);
            }
            out
        });
        Ok(input_grads([ga, gb]))
    }
}

/// The product of each `[m, k]` matrix of `a` (`[b, m, k]`) with the
/// matching `[k, n]` matrix of `b` (`[b, k, n]`), like `torch.bmm`.
///
/// ```
/// use nncore::{ops::bmm, DynTensor};
/// let a = DynTensor::<f32>::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 1, 2]).unwrap();
/// let b = DynTensor::<f32>::from_vec(vec![1.0, 1.0, 2.0, 0.0], &[2, 2, 1]).unwrap();
/// assert_eq!(bmm(&a, &b).unwrap().to_vec(), vec![3.0, 6.0]);
/// ```
#[nnmacro::__compiled_once]
pub fn bmm<E: Element>(a: &DynTensor<E>, b: &DynTensor<E>) -> Result<DynTensor<E>> {
    let (&[batch, m, k], &[batch2, k2, n]) = (a.shape(), b.shape()) else {
        return Err(Error::shape(
            "bmm",
            "two 3-D tensors",
            format!("{:?} and {:?}", a.shape(), b.shape()),
        ));
    };
    if batch != batch2 || k != k2 {
        return Err(Error::shape(
            "bmm",
            format!("a second operand of shape [{batch}, {k}, *]"),
            format!("{:?}", b.shape()),
        ));
    }
    let mut out = pool::take_overwritable(batch * m * n);
    {
        let (x, y) = (a.data(), b.data());
        for (i, o) in out.chunks_exact_mut(m * n).enumerate() {
            gemm(
                MatRef::row_major(&x[i * m * k..(i + 1) * m * k], m, k),
                MatRef::row_major(&y[i * k * n..(i + 1) * k * n], k, n),
                MatMut::row_major(o, m, n),
                false,
            );
        }
    }
    Ok(DynTensor::from_op(out, [batch, m, n], &[a, b], || {
        BmmBackward { batch, m, k, n }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (atol 1e-5, rtol 1e-3).
    #[test]
    fn gradcheck_bmm() {
        for (batch, m, k, n) in [(2, 3, 4, 5), (3, 1, 2, 1)] {
            let a = rand64(&[batch, m, k], 1).requires_grad_(true);
            let b = rand64(&[batch, k, n], 2).requires_grad_(true);
            gradcheck(|x| bmm(&x[0], &x[1]), &[a, b], GradcheckOptions::default()).unwrap();
        }
    }

    #[test]
    fn bmm_matches_matmul_per_matrix_and_checks_sizes() {
        let a = rand64(&[2, 3, 4], 1);
        let b = rand64(&[2, 4, 5], 2);
        let y = bmm(&a, &b).unwrap().to_vec();
        for i in 0..2 {
            let ai = a.narrow(0, i, 1).unwrap().reshape(&[3, 4]).unwrap();
            let bi = b.narrow(0, i, 1).unwrap().reshape(&[4, 5]).unwrap();
            let yi = crate::ops::matmul(&ai, &bi).unwrap().to_vec();
            assert_eq!(&y[i * 15..(i + 1) * 15], yi.as_slice());
        }
        assert_eq!(
            bmm(&a, &rand64(&[2, 3, 5], 3)).unwrap_err().to_string(),
            "bmm: shape mismatch: expected a second operand of shape [2, 4, *], found [2, 3, 5]"
        );
        assert_eq!(
            bmm(&a, &rand64(&[4, 5], 3)).unwrap_err().to_string(),
            "bmm: shape mismatch: expected two 3-D tensors, found [2, 3, 4] and [4, 5]"
        );
    }
}
