//! Reordering dimensions: `permute` and `transpose`, like `torch.permute`
//! and `torch.transpose`. Kiln tensors are always contiguous, so the result
//! is a copy in the new order (PyTorch's is a view until `.contiguous()`);
//! the gradient is the output's gradient permuted back.

use crate::autograd::{Backward, BackwardContext, Saved};
use crate::{DynTensor, Element, Error, Result};

struct PermuteBackward {
    /// The output's shape.
    shape: Vec<usize>,
    /// The inverse permutation: output dim `inverse[d]` is input dim `d`.
    inverse: Vec<usize>,
}

impl<E: Element> Backward<E> for PermuteBackward {
    fn name(&self) -> &'static str {
        "PermuteBackward"
    }
    /// The permutation only.
    fn saved(&self) -> Saved {
        Saved::NOTHING
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        Ok(vec![Some(gather(
            ctx.grad_output,
            &self.shape,
            &self.inverse,
        ))])
    }
}

/// The elements of a contiguous tensor of shape `shape` reordered so that
/// output dim `i` is input dim `order[i]`.
fn gather<E: Element>(data: &[E], shape: &[usize], order: &[usize]) -> Vec<E> {
    let mut strides = vec![1; shape.len()];
    for d in (0..shape.len().saturating_sub(1)).rev() {
        strides[d] = strides[d + 1] * shape[d + 1];
    }
    let out_shape: Vec<usize> = order.iter().map(|&d| shape[d]).collect();
    let out_strides: Vec<usize> = order.iter().map(|&d| strides[d]).collect();
    let mut out = Vec::with_capacity(data.len());
    if data.is_empty() {
        return out;
    }
    // An odometer over the output's index; the innermost dim is a strided run.
    let rank = out_shape.len();
    let (inner, inner_stride) = match rank {
        0 => (1, 1),
        _ => (out_shape[rank - 1], out_strides[rank - 1]),
    };
    let mut index = vec![0usize; rank.saturating_sub(1)];
    let mut base = 0usize;
    loop {
        out.extend((0..inner).map(|i| data[base + i * inner_stride]));
        // Advance the outer dims, last first.
        let mut d = index.len();
        loop {
            if d == 0 {
                return out;
            }
            d -= 1;
            index[d] += 1;
            base += out_strides[d];
            if index[d] < out_shape[d] {
                break;
            }
            base -= out_strides[d] * out_shape[d];
            index[d] = 0;
        }
    }
}

/// `dim` as an index into a tensor of `rank` dims (negative counts from the
/// end), or PyTorch's out-of-range error.
fn normalise_dim(op: &'static str, dim: isize, rank: usize) -> Result<usize> {
    let r = rank as isize;
    let d = if dim < 0 { dim + r } else { dim };
    if d < 0 || d >= r.max(1) {
        return Err(Error::option(
            op,
            "dims",
            format!(
                "dimension {dim} is out of range (expected to be in range of [{}, {}])",
                -r.max(1),
                r.max(1) - 1
            ),
        ));
    }
    Ok(d as usize)
}

impl<E: Element> DynTensor<E> {
    /// The same elements with the dims reordered: output dim `i` is input
    /// dim `dims[i]` (negative dims count from the end), like
    /// `torch.permute(x, dims)` followed by `.contiguous()`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// // (N, C, W) -> (W, N, C), e.g. per-column features as time steps.
    /// let x = DynTensor::<f32>::from_vec((0..6).map(|v| v as f32).collect(), &[1, 2, 3]).unwrap();
    /// let y = x.permute(&[2, 0, 1]).unwrap();
    /// assert_eq!(y.shape(), &[3, 1, 2]);
    /// assert_eq!(y.to_vec(), vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]);
    /// ```
    pub fn permute(&self, dims: &[isize]) -> Result<Self> {
        const OP: &str = "permute";
        let rank = self.rank();
        if dims.len() != rank {
            return Err(Error::option(
                OP,
                "dims",
                format!(
                    "the tensor has {rank} dimension(s) but the ordering lists {}",
                    dims.len()
                ),
            ));
        }
        let order = dims
            .iter()
            .map(|&d| normalise_dim(OP, d, rank))
            .collect::<Result<Vec<_>>>()?;
        let mut inverse = vec![usize::MAX; rank];
        for (i, &d) in order.iter().enumerate() {
            if inverse[d] != usize::MAX {
                return Err(Error::option(
                    OP,
                    "dims",
                    format!("duplicate dims are not allowed: {dims:?}"),
                ));
            }
            inverse[d] = i;
        }
        let shape: Vec<usize> = order.iter().map(|&d| self.shape()[d]).collect();
        let data = gather(&self.data(), self.shape(), &order);
        let back_shape = shape.clone();
        Ok(DynTensor::from_op(data, shape, &[self], || {
            PermuteBackward {
                shape: back_shape,
                inverse,
            }
        }))
    }

    /// Swaps dims `dim0` and `dim1`, like `torch.transpose(x, dim0, dim1)`
    /// followed by `.contiguous()`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f32>::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    /// let t = x.transpose(0, 1).unwrap();
    /// assert_eq!(t.shape(), &[3, 2]);
    /// assert_eq!(t.to_vec(), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    /// ```
    pub fn transpose(&self, dim0: isize, dim1: isize) -> Result<Self> {
        let rank = self.rank();
        let (a, b) = (
            normalise_dim("transpose", dim0, rank)?,
            normalise_dim("transpose", dim1, rank)?,
        );
        let mut order: Vec<isize> = (0..rank as isize).collect();
        order.swap(a, b);
        self.permute(&order)
    }
}

#[cfg(test)]
mod tests {
    use crate::DynTensor;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3).
    #[test]
    fn gradcheck_permute_and_transpose() {
        let x = rand64(&[2, 3, 4, 5], 41).requires_grad_(true);
        let o = GradcheckOptions::default();
        for dims in [[3, 0, 1, 2], [0, 2, 1, 3], [-1, -2, -3, -4], [0, 1, 2, 3]] {
            // Weighted sum so the gradient depends on where each element went.
            let w = rand64(&[120], 42);
            gradcheck(
                |v| {
                    let p = v[0].permute(&dims)?.reshape(&[120])?;
                    Ok(p.mul(&w)?.sum())
                },
                std::slice::from_ref(&x),
                o,
            )
            .unwrap();
        }
        gradcheck(|v| v[0].transpose(1, -1), std::slice::from_ref(&x), o).unwrap();
    }

    /// The values of `torch.arange(24.).reshape(2, 3, 4).permute(2, 0, 1).flatten()`.
    #[test]
    fn permute_matches_pytorch() {
        let x = DynTensor::<f64>::from_vec((0..24).map(f64::from).collect(), &[2, 3, 4]).unwrap();
        let y = x.permute(&[2, 0, 1]).unwrap();
        assert_eq!(y.shape(), &[4, 2, 3]);
        let expected = [
            0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23,
        ];
        assert_eq!(y.to_vec(), expected.map(f64::from).to_vec());
        // Round trip through the inverse order.
        assert_eq!(y.permute(&[1, 2, 0]).unwrap().to_vec(), x.to_vec());
        // Rank 0 and empty tensors.
        let s = DynTensor::<f64>::scalar(3.0);
        assert_eq!(s.permute(&[]).unwrap().item(), 3.0);
        let e = DynTensor::<f64>::zeros(&[2, 0, 3]).unwrap();
        assert_eq!(e.permute(&[2, 1, 0]).unwrap().shape(), &[3, 0, 2]);
    }

    #[test]
    fn permute_errors_name_the_dims() {
        let x = DynTensor::<f32>::zeros(&[2, 3]).unwrap();
        assert_eq!(
            x.permute(&[0, 0]).unwrap_err().to_string(),
            "permute: invalid dims: duplicate dims are not allowed: [0, 0]"
        );
        assert_eq!(
            x.permute(&[0]).unwrap_err().to_string(),
            "permute: invalid dims: the tensor has 2 dimension(s) but the ordering lists 1"
        );
        assert_eq!(
            x.permute(&[0, 2]).unwrap_err().to_string(),
            "permute: invalid dims: dimension 2 is out of range (expected to be in range of [-2, 1])"
        );
        assert_eq!(
            x.transpose(0, -3).unwrap_err().to_string(),
            "transpose: invalid dims: dimension -3 is out of range (expected to be in range of [-2, 1])"
        );
    }
}
