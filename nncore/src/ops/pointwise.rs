//! A generic elementwise op of `N` tensors (with broadcasting): the forward
//! is a function of the `N` values at one position, the backward its `N`
//! partial derivatives there. Losses and the small math ops (`abs`,
//! `clamp`, `log1p`, ...) are built on it, computed in `f64` and rounded to
//! the element type.

use super::broadcast::{broadcast_indices, broadcast_shape, reduce_to};
use crate::autograd::{Backward, BackwardContext, Saved};
use crate::{DynTensor, Element, Result};

/// The partial derivatives at one position, given the inputs there.
pub(crate) type Partials<const N: usize> = Box<dyn Fn([f64; N]) -> [f64; N] + Send + Sync>;

struct PointwiseBackward<const N: usize> {
    name: &'static str,
    df: Partials<N>,
    /// Per input, its broadcast index map (`None` when it has the output's shape).
    index: [Option<Vec<usize>>; N],
}

impl<E: Element, const N: usize> Backward<E> for PointwiseBackward<N> {
    fn name(&self) -> &'static str {
        self.name
    }
    /// Every input's values, not the output.
    fn saved(&self) -> Saved {
        (0..N).fold(Saved::NOTHING, Saved::input)
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let data: Vec<Vec<E>> = ctx.inputs.iter().map(|t| t.to_vec()).collect();
        let n = ctx.grad_output.len();
        let mut local: Vec<Vec<E>> = (0..N)
            .map(|k| {
                if ctx.needs[k] {
                    vec![E::zero(); n]
                } else {
                    Vec::new()
                }
            })
            .collect();
        for (i, &g) in ctx.grad_output.iter().enumerate() {
            let x = gather(&data, &self.index, i);
            let d = (self.df)(x);
            for k in 0..N {
                if ctx.needs[k] {
                    local[k][i] = E::of(d[k] * g.as_f64());
                }
            }
        }
        Ok((0..N)
            .map(|k| {
                ctx.needs[k]
                    .then(|| reduce_to(&local[k], self.index[k].as_deref(), ctx.inputs[k].numel()))
            })
            .collect())
    }
}

fn gather<E: Element, const N: usize>(
    data: &[Vec<E>],
    index: &[Option<Vec<usize>>; N],
    i: usize,
) -> [f64; N] {
    std::array::from_fn(|k| match &index[k] {
        Some(map) => data[k][map[i]].as_f64(),
        None => data[k][i].as_f64(),
    })
}

/// Applies `f` elementwise over the broadcast shape of `inputs`, recording
/// `df` (the partials with respect to each input) for the backward pass.
/// `op` names the caller in a broadcasting error.
pub(crate) fn pointwise<E: Element, const N: usize>(
    op: &'static str,
    name: &'static str,
    inputs: [&DynTensor<E>; N],
    f: impl Fn([f64; N]) -> f64,
    df: impl Fn([f64; N]) -> [f64; N] + Send + Sync + 'static,
) -> Result<DynTensor<E>> {
    let mut shape: Vec<usize> = inputs.first().map_or(Vec::new(), |t| t.shape().to_vec());
    for t in inputs.iter().skip(1) {
        shape = broadcast_shape(op, &shape, t.shape())?;
    }
    let index: [Option<Vec<usize>>; N] = std::array::from_fn(|k| {
        (inputs[k].shape() != shape.as_slice())
            .then(|| broadcast_indices(inputs[k].shape(), &shape))
    });
    let data: Vec<Vec<E>> = inputs.iter().map(|t| t.to_vec()).collect();
    let numel: usize = shape.iter().product();
    let out = (0..numel)
        .map(|i| E::of(f(gather(&data, &index, i))))
        .collect();
    Ok(DynTensor::from_op(out, shape, &inputs, || {
        PointwiseBackward {
            name,
            df: Box::new(df),
            index,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3).
    #[test]
    fn gradcheck_broadcast_product_of_three() {
        let a = rand64(&[3, 4], 1).requires_grad_(true);
        let b = rand64(&[4], 2).requires_grad_(true);
        let c = rand64(&[3, 1], 3).requires_grad_(true);
        gradcheck(
            |v| {
                pointwise(
                    "t",
                    "TBackward",
                    [&v[0], &v[1], &v[2]],
                    |[a, b, c]| a * b * c.sin(),
                    |[a, b, c]| [b * c.sin(), a * c.sin(), a * b * c.cos()],
                )
            },
            &[a, b, c],
            GradcheckOptions::default(),
        )
        .unwrap();
        let e = pointwise(
            "t",
            "TBackward",
            [&rand64(&[2, 3], 1), &rand64(&[4], 1)],
            |[a, b]| a + b,
            |_| [1.0, 1.0],
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("t: shape mismatch"), "{e}");
    }
}
