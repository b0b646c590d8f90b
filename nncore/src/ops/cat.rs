//! Joining tensors: `cat` along an existing dimension and `stack` along a
//! new one, like `torch.cat` and `torch.stack`. The gradient of each input
//! is its slice of the output's gradient.

use super::split_at_dim;
use crate::autograd::{Backward, BackwardContext};
use crate::{DynTensor, Element, Error, Result};

struct CatBackward {
    /// Elements before the joined dimension (product of the outer sizes).
    outer: usize,
    /// Elements after it.
    inner: usize,
    /// Each input's size along the joined dimension.
    sizes: Vec<usize>,
}

impl<E: Element> Backward<E> for CatBackward {
    fn name(&self) -> &'static str {
        "CatBackward"
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let total: usize = self.sizes.iter().sum();
        let mut offset = 0;
        let mut grads = Vec::with_capacity(self.sizes.len());
        for (i, &n) in self.sizes.iter().enumerate() {
            grads.push(ctx.needs[i].then(|| {
                let mut g = Vec::with_capacity(self.outer * n * self.inner);
                for o in 0..self.outer {
                    let start = (o * total + offset) * self.inner;
                    g.extend_from_slice(&ctx.grad_output[start..start + n * self.inner]);
                }
                g
            }));
            offset += n;
        }
        Ok(grads)
    }
}

/// Joins tensors along dimension `dim` (negative counts from the end),
/// like `torch.cat(tensors, dim)`: every other dimension must agree.
///
/// ```
/// use nncore::{ops::cat, DynTensor};
/// let a = DynTensor::<f32>::from_vec(vec![1.0, 2.0], &[1, 2]).unwrap();
/// let b = DynTensor::<f32>::from_vec(vec![3.0, 4.0, 5.0, 6.0], &[2, 2]).unwrap();
/// let y = cat(&[&a, &b], 0).unwrap();
/// assert_eq!(y.shape(), &[3, 2]);
/// assert_eq!(y.to_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// ```
#[nnmacro::__compiled_once]
pub fn cat<E: Element>(tensors: &[&DynTensor<E>], dim: isize) -> Result<DynTensor<E>> {
    let Some(first) = tensors.first() else {
        return Err(Error::option(
            "cat",
            "tensors",
            "expected a non-empty list of tensors",
        ));
    };
    let (outer, _, inner, d) = split_at_dim("cat", first.shape(), dim)?;
    let mut sizes = Vec::with_capacity(tensors.len());
    for t in tensors {
        let same_rank = t.rank() == first.rank();
        let same_others =
            same_rank && (0..t.rank()).all(|i| i == d || t.shape()[i] == first.shape()[i]);
        if !same_others {
            let mut expected: Vec<String> = first.shape().iter().map(usize::to_string).collect();
            expected[d] = "*".to_owned();
            return Err(Error::shape(
                "cat",
                format!(
                    "[{}] (sizes may differ only in dimension {d})",
                    expected.join(", ")
                ),
                format!("{:?}", t.shape()),
            ));
        }
        sizes.push(t.shape()[d]);
    }
    let total: usize = sizes.iter().sum();
    let mut data = Vec::with_capacity(outer * total * inner);
    let datas: Vec<_> = tensors.iter().map(|t| t.data()).collect();
    for o in 0..outer {
        for (x, &n) in datas.iter().zip(&sizes) {
            data.extend_from_slice(&x[o * n * inner..(o + 1) * n * inner]);
        }
    }
    drop(datas);
    let mut shape = first.shape().to_vec();
    shape[d] = total;
    Ok(DynTensor::from_op(data, shape, tensors, || CatBackward {
        outer,
        inner,
        sizes,
    }))
}

/// Joins tensors of one shape along a new dimension `dim` (0 to their
/// rank), like `torch.stack(tensors, dim)`.
///
/// ```
/// use nncore::{ops::stack, DynTensor};
/// let a = DynTensor::<f32>::from_vec(vec![1.0, 2.0], &[2]).unwrap();
/// let b = DynTensor::<f32>::from_vec(vec![3.0, 4.0], &[2]).unwrap();
/// assert_eq!(stack(&[&a, &b], 1).unwrap().to_vec(), vec![1.0, 3.0, 2.0, 4.0]);
/// ```
#[nnmacro::__compiled_once]
pub fn stack<E: Element>(tensors: &[&DynTensor<E>], dim: usize) -> Result<DynTensor<E>> {
    let Some(first) = tensors.first() else {
        return Err(Error::option(
            "stack",
            "tensors",
            "expected a non-empty list of tensors",
        ));
    };
    if dim > first.rank() {
        return Err(Error::option(
            "stack",
            "dim",
            format!(
                "dimension {dim} is out of range for stacking tensors of rank {} (expected 0 to {})",
                first.rank(),
                first.rank()
            ),
        ));
    }
    if let Some(t) = tensors.iter().find(|t| t.shape() != first.shape()) {
        return Err(Error::shape(
            "stack",
            format!("every tensor of shape {:?}", first.shape()),
            format!("{:?}", t.shape()),
        ));
    }
    let mut shape = first.shape().to_vec();
    shape.insert(dim, 1);
    let unsqueezed: Vec<DynTensor<E>> = tensors.iter().map(|t| t.reshaped(&shape)).collect();
    let refs: Vec<&DynTensor<E>> = unsqueezed.iter().collect();
    cat(&refs, dim as isize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3).
    #[test]
    fn gradcheck_cat_and_stack() {
        let o = GradcheckOptions::default();
        let a = rand64(&[2, 3, 4], 1).requires_grad_(true);
        let b = rand64(&[2, 1, 4], 2).requires_grad_(true);
        gradcheck(|t| cat(&[&t[0], &t[1]], 1), &[a.clone(), b], o).unwrap();
        let c = rand64(&[2, 3, 4], 3).requires_grad_(true);
        for dim in [0, 2, 3] {
            gradcheck(|t| stack(&[&t[0], &t[1]], dim), &[a.clone(), c.clone()], o).unwrap();
        }
        gradcheck(|t| cat(&[&t[0], &t[1]], -1), &[a, c], o).unwrap();
    }

    /// `torch.cat([torch.arange(4.).reshape(2, 2), torch.arange(4., 6.).reshape(2, 1)], 1)`.
    #[test]
    fn cat_matches_pytorch() {
        let a = DynTensor::<f64>::from_vec(vec![0.0, 1.0, 2.0, 3.0], &[2, 2]).unwrap();
        let b = DynTensor::<f64>::from_vec(vec![4.0, 5.0], &[2, 1]).unwrap();
        let y = cat(&[&a, &b], 1).unwrap();
        assert_eq!(y.shape(), &[2, 3]);
        assert_eq!(y.to_vec(), vec![0.0, 1.0, 4.0, 2.0, 3.0, 5.0]);
        let s = stack(&[&a, &a], 0).unwrap();
        assert_eq!(s.shape(), &[2, 2, 2]);
    }

    #[test]
    fn errors_name_the_sizes() {
        let a = DynTensor::<f32>::zeros(&[2, 3]).unwrap();
        let b = DynTensor::<f32>::zeros(&[4, 5]).unwrap();
        assert_eq!(
            cat(&[&a, &b], 1).unwrap_err().to_string(),
            "cat: shape mismatch: expected [2, *] (sizes may differ only in dimension 1), found [4, 5]"
        );
        assert_eq!(
            cat::<f32>(&[], 0).unwrap_err().to_string(),
            "cat: invalid tensors: expected a non-empty list of tensors"
        );
        assert_eq!(
            stack(&[&a, &b], 0).unwrap_err().to_string(),
            "stack: shape mismatch: expected every tensor of shape [2, 3], found [4, 5]"
        );
        assert_eq!(
            stack(&[&a], 3).unwrap_err().to_string(),
            "stack: invalid dim: dimension 3 is out of range for stacking tensors of rank 2 (expected 0 to 2)"
        );
    }
}
