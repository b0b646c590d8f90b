//! `nn.MaxPool2d(..., ceil_mode=True)` with the sizes as types, so the
//! compiler computes the ceil-mode output size.

use super::max_pool2d::max_pool2d_layer;
use super::{DynForward, Forward};
use crate::Tensor;
use crate::shape::{MaxPool2dCeilOut, MaxPool2dCeilRule, StaticDim};

max_pool2d_layer! {
/// Max pooling like [`MaxPool2d`](super::MaxPool2d) but with PyTorch's
/// `ceil_mode=True`: `nn.MaxPool2d(kernel_size, stride=None, padding=0,
/// dilation=1, ceil_mode=True)`. The output length is
/// `ceil((H + 2P - D(K-1) - 1) / S) + 1`, one less when that last window
/// would start past the input and its left padding (it must start inside
/// the input or the left padding). As in PyTorch, a window up to
/// `stride - 1` larger than the padded input still gives one output. A
/// separate type so that the compiler computes this size too.
///
/// ```
/// use nncore::nn::{Forward, MaxPool2dCeil};
/// use nncore::shape::{Dyn, U2, U3, U5};
/// use nncore::Tensor;
/// let pool = MaxPool2dCeil::<U2>::new();
/// let x = Tensor::<(Dyn, U3, U5, U5)>::zeros((Dyn(1), U3::default(), U5::default(), U5::default())).unwrap();
/// // floor mode gives 2x2; ceil mode keeps the partial last window.
/// let y: Tensor<(Dyn, U3, U3, U3)> = pool.forward(x);
/// assert_eq!(y.dims().as_slice(), &[1, 3, 3, 3]);
/// assert_eq!(pool.to_string(), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=True)");
/// ```
    MaxPool2dCeil, ceil_mode = true
}

impl<K, S, P, D, X> Forward<Tensor<X>> for MaxPool2dCeil<K, S, P, D>
where
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    D: StaticDim,
    X: MaxPool2dCeilRule<K, S, P, D>,
{
    type Output = Tensor<MaxPool2dCeilOut<X, K, S, P, D>>;

    /// # Panics
    /// When a runtime (`Dyn`) spatial size is too small for the window;
    /// static sizes are checked at compile time.
    fn forward(&self, x: Tensor<X>) -> Self::Output {
        let out_shape = x.shape().pool2d_output();
        let y = self
            .forward_dyn(x.as_dyn())
            .unwrap_or_else(|e| panic!("{e}"));
        Tensor::from_raw_unchecked(y, out_shape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{DynForward, Forward};
    use crate::shape::rules::max_pool2d_ceil::window_ceil_len;
    use crate::shape::{Dims, Dyn, Shape, U0, U1, U2, U3, U4, U5, U6, U7, U9};
    use crate::{DynTensor, Tensor};

    /// The typed output dims, the runtime window length, and the op's
    /// output must agree (the op implements PyTorch's formula).
    fn check<K, S, P, D, H, W>(expected: (usize, usize))
    where
        K: StaticDim,
        S: StaticDim,
        P: StaticDim,
        D: StaticDim,
        H: StaticDim,
        W: StaticDim,
        (Dyn, U2, H, W): MaxPool2dCeilRule<K, S, P, D>,
    {
        let pool = MaxPool2dCeil::<K, S, P, D>::new();
        let x =
            Tensor::<(Dyn, U2, H, W)>::zeros((Dyn(1), U2::default(), H::default(), W::default()))
                .unwrap();
        let y = pool.forward(x);
        let dims: Dims = y.shape().dims();
        assert_eq!(dims.as_slice(), &[1, 2, expected.0, expected.1]);
        assert_eq!(y.as_dyn().shape(), dims.as_slice());
        let len = |n| window_ceil_len(n, K::USIZE, S::USIZE, P::USIZE, D::USIZE);
        assert_eq!((len(H::USIZE), len(W::USIZE)), expected);
    }

    #[test]
    fn typed_sizes_match_pytorch() {
        // Sizes as torch.nn.MaxPool2d(..., ceil_mode=True) gives them.
        check::<U2, U2, U0, U1, U5, U5>((3, 3)); // floor: 2x2
        check::<U2, U2, U0, U1, U6, U7>((3, 4)); // exact and partial
        check::<U3, U2, U0, U1, U7, U6>((3, 3)); // floor: 3x2
        check::<U3, U2, U1, U1, U6, U5>((4, 3)); // padding: last window kept
        check::<U2, U2, U1, U1, U3, U4>((2, 3)); // H: a 3rd window would start in the right padding: dropped
        check::<U3, U3, U1, U2, U9, U7>((3, 3)); // dilation
        check::<U3, U4, U0, U1, U9, U9>((3, 3));
        check::<U4, U4, U0, U1, U3, U3>((1, 1)); // window larger than the input: PyTorch keeps one
    }

    #[test]
    fn dyn_sizes_are_computed_at_the_call() {
        let pool = MaxPool2dCeil::<U3, U2>::new();
        let x =
            Tensor::<(Dyn, U3, Dyn, Dyn)>::zeros((Dyn(2), U3::default(), Dyn(7), Dyn(8))).unwrap();
        let y = pool.forward(x);
        assert_eq!(y.dims().as_slice(), &[2, 3, 3, 4]);
        assert_eq!(y.as_dyn().shape(), &[2, 3, 3, 4]);
    }

    #[test]
    fn repr_and_runtime_errors() {
        let pool = MaxPool2dCeil::<U3, U2, U1, U1>::new();
        assert_eq!(
            pool.to_string(),
            "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)"
        );
        let rank = pool
            .forward_dyn(&DynTensor::zeros(&[1, 5]).unwrap())
            .unwrap_err();
        assert!(rank.to_string().starts_with("MaxPool2d: "), "{rank}");
        let small =
            MaxPool2dCeil::<U4, U1>::new().forward_dyn(&DynTensor::zeros(&[1, 1, 3, 3]).unwrap());
        let small = small.unwrap_err().to_string();
        assert!(small.starts_with("MaxPool2d: "), "{small}");
    }
}
