//! Matrix products: `matmul` of two 2-D tensors and `linear`
//! (`x · Wᵀ + b` over the last dim of `x`, like `F.linear`). Both go
//! through the one gemm wrapper in `kernels::gemm`.

use crate::autograd::{Backward, BackwardContext, Saved, input_grads};
use crate::kernels::gemm::{MatMut, MatRef, matmul as gemm};
use crate::tensor::Dims;
use crate::{DynTensor, Element, Error, Result, pool};

struct MatmulBackward {
    m: usize,
    k: usize,
    n: usize,
}

impl<E: Element> Backward<E> for MatmulBackward {
    fn name(&self) -> &'static str {
        "MmBackward"
    }
    fn saved(&self) -> Saved {
        Saved::NOTHING.input(0).input(1)
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let (m, k, n) = (self.m, self.k, self.n);
        let g = MatRef::row_major(ctx.grad_output, m, n);
        let ga = ctx.needs[0].then(|| {
            let b = ctx.inputs[1].data();
            let mut out = pool::take_overwritable(m * k);
            gemm(
                g,
                MatRef::row_major(&b, k, n).t(),
                MatMut::row_major(&mut out, m, k),
                false,
            );
            out
        });
        let gb = ctx.needs[1].then(|| {
            let a = ctx.inputs[0].data();
            let mut out = pool::take_overwritable(k * n);
            gemm(
                MatRef::row_major(&a, m, k).t(),
                g,
                MatMut::row_major(&mut out, k, n),
                false,
            );
            out
        });
        Ok(input_grads([ga, gb]))
    }
}

/// The product of an `[m, k]` and a `[k, n]` tensor, like `torch.mm`.
///
/// ```
/// use nncore::{ops::matmul, DynTensor};
/// let a = DynTensor::<f32>::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
/// let i = DynTensor::<f32>::from_vec(vec![1.0, 0.0, 0.0, 1.0], &[2, 2]).unwrap();
/// assert_eq!(matmul(&a, &i).unwrap().to_vec(), a.to_vec());
/// ```
#[nnmacro::__compiled_once]
pub fn matmul<E: Element>(a: &DynTensor<E>, b: &DynTensor<E>) -> Result<DynTensor<E>> {
    let (&[m, k], &[k2, n]) = (a.shape(), b.shape()) else {
        return Err(Error::shape(
            "matmul",
            "two 2-D tensors",
            format!("{:?} and {:?}", a.shape(), b.shape()),
        ));
    };
    if k != k2 {
        return Err(Error::shape(
            "matmul",
            format!("a second operand with {k} rows"),
            format!("{k2} rows"),
        ));
    }
    crate::tensor::admit::<E>("matmul", &[m, n])?;
    let mut out = pool::take_overwritable(m * n);
    gemm(
        MatRef::row_major(&a.data(), m, k),
        MatRef::row_major(&b.data(), k, n),
        MatMut::row_major(&mut out, m, n),
        false,
    );
    Ok(DynTensor::from_op(out, [m, n], &[a, b], || {
        MatmulBackward { m, k, n }
    }))
}

struct LinearBackward {
    rows: usize,
    in_features: usize,
    out_features: usize,
}

impl<E: Element> Backward<E> for LinearBackward {
    fn name(&self) -> &'static str {
        "AddmmBackward"
    }
    /// Input and weight, not the bias.
    fn saved(&self) -> Saved {
        Saved::NOTHING.input(0).input(1)
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let (r, i, o) = (self.rows, self.in_features, self.out_features);
        let g = MatRef::row_major(ctx.grad_output, r, o);
        // dx = g · W  ([r, o] · [o, i])
        let gx = ctx.needs[0].then(|| {
            let w = ctx.inputs[1].data();
            let mut out = pool::take_overwritable(r * i);
            gemm(
                g,
                MatRef::row_major(&w, o, i),
                MatMut::row_major(&mut out, r, i),
                false,
            );
            out
        });
        // dW = gᵀ · x  ([o, r] · [r, i])
        let gw = ctx.needs[1].then(|| {
            let x = ctx.inputs[0].data();
            let mut out = pool::take_overwritable(o * i);
            gemm(
                g.t(),
                MatRef::row_major(&x, r, i),
                MatMut::row_major(&mut out, o, i),
                false,
            );
            out
        });
        if ctx.inputs.len() < 3 {
            return Ok(input_grads([gx, gw]));
        }
        let gb = ctx.needs[2].then(|| {
            let mut gb = pool::take_zeroed(o);
            for row in ctx.grad_output.chunks_exact(o) {
                gb.iter_mut().zip(row).for_each(|(b, &v)| *b += v);
            }
            gb
        });
        Ok(input_grads([gx, gw, gb]))
    }
}

/// `x · weightᵀ + bias` over the last dimension of `x`, like `F.linear`:
/// `x` is `[*, in]`, `weight` is `[out, in]`, `bias` is `[out]`, the
/// result `[*, out]`.
///
/// ```
/// use nncore::{ops::linear, DynTensor};
/// let x = DynTensor::<f32>::ones(&[2, 3]).unwrap();
/// let w = DynTensor::<f32>::ones(&[4, 3]).unwrap();
/// let b = DynTensor::<f32>::zeros(&[4]).unwrap();
/// assert_eq!(linear(&x, &w, Some(&b)).unwrap().to_vec(), vec![3.0; 8]);
/// ```
#[nnmacro::__compiled_once]
pub fn linear<E: Element>(
    x: &DynTensor<E>,
    weight: &DynTensor<E>,
    bias: Option<&DynTensor<E>>,
) -> Result<DynTensor<E>> {
    let &[out_features, in_features] = weight.shape() else {
        return Err(Error::shape(
            "linear",
            "a 2-D weight [out, in]",
            format!("{:?}", weight.shape()),
        ));
    };
    let x_shape = x.shape();
    if x_shape.last() != Some(&in_features) {
        return Err(Error::shape(
            "Linear",
            format!("input [*, {in_features}]"),
            format!("{x_shape:?}"),
        ));
    }
    if let Some(b) = bias {
        b.expect_shape("Linear (bias)", &[out_features])?;
    }
    // The leading sizes' product, not `numel / in_features`: Linear(0, n)
    // is allowed (PyTorch gives the bias, broadcast).
    let rows = x_shape[..x_shape.len() - 1].iter().product();
    let shape = Dims::with_last(x_shape, out_features);
    crate::tensor::admit::<E>("Linear", &shape)?;
    let mut out = pool::take_overwritable(rows * out_features);
    if let Some(b) = bias {
        let b = b.data();
        for row in out.chunks_exact_mut(out_features) {
            row.copy_from_slice(&b);
        }
    }
    gemm(
        MatRef::row_major(&x.data(), rows, in_features),
        MatRef::row_major(&weight.data(), out_features, in_features).t(),
        MatMut::row_major(&mut out, rows, out_features),
        bias.is_some(),
    );
    let backward = || LinearBackward {
        rows,
        in_features,
        out_features,
    };
    Ok(match bias {
        Some(b) => DynTensor::from_op(out, shape, &[x, weight, b], backward),
        None => DynTensor::from_op(out, shape, &[x, weight], backward),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (atol 1e-5, rtol 1e-3).
    #[test]
    fn gradcheck_matmul() {
        let a = rand64(&[3, 4], 1).requires_grad_(true);
        let b = rand64(&[4, 5], 2).requires_grad_(true);
        gradcheck(
            |x| matmul(&x[0], &x[1]),
            &[a, b],
            GradcheckOptions::default(),
        )
        .unwrap();
    }

    #[test]
    fn gradcheck_linear_with_and_without_bias() {
        let x = rand64(&[2, 3, 4], 1).requires_grad_(true);
        let w = rand64(&[5, 4], 2).requires_grad_(true);
        let b = rand64(&[5], 3).requires_grad_(true);
        let o = GradcheckOptions::default();
        gradcheck(
            |t| linear(&t[0], &t[1], Some(&t[2])),
            &[x.clone(), w.clone(), b],
            o,
        )
        .unwrap();
        gradcheck(|t| linear(&t[0], &t[1], None), &[x, w], o).unwrap();
    }

    #[test]
    fn wrong_feature_count_is_an_error() {
        let x = rand64(&[2, 3], 1);
        let w = rand64(&[5, 4], 2);
        assert_eq!(
            linear(&x, &w, None).unwrap_err().to_string(),
            "Linear: shape mismatch: expected input [*, 4], found [2, 3]"
        );
    }
}
