//! `nn.AvgPool2d(..., ceil_mode=True)` with the sizes as types, so the
//! compiler computes the ceil-mode output size.

use super::avg_pool2d::avg_pool2d_layer;
use super::{DynForward, Forward};
use crate::Tensor;
use crate::shape::{AvgPool2dCeilOut, AvgPool2dCeilRule, StaticDim};

avg_pool2d_layer! {
/// Average pooling like [`AvgPool2d`](super::AvgPool2d) but with PyTorch's
/// `ceil_mode=True`: `nn.AvgPool2d(kernel_size, stride=None, padding=0,
/// ceil_mode=True, count_include_pad=True, divisor_override=None)`. The
/// output length is `ceil((H + 2P - K) / S) + 1`, one less when that last
/// window would start past the input and its left padding. As in PyTorch,
/// a last window that runs past the padded input is clipped: with
/// `count_include_pad` its divisor counts the padding it covers but not
/// the part beyond. A separate type so that the compiler computes this
/// size too. PyTorch's printout does not show `ceil_mode`, so neither does
/// this one.
///
/// ```
/// use nncore::nn::{AvgPool2dCeil, Forward};
/// use nncore::shape::{Dyn, U2, U3, U5};
/// use nncore::Tensor;
/// let pool = AvgPool2dCeil::<U2>::new();
/// let x = Tensor::<(Dyn, U3, U5, U5)>::zeros((Dyn(1), U3::default(), U5::default(), U5::default())).unwrap();
/// // floor mode gives 2x2; ceil mode keeps the partial last window.
/// let y: Tensor<(Dyn, U3, U3, U3)> = pool.forward(x);
/// assert_eq!(y.dims().as_slice(), &[1, 3, 3, 3]);
/// assert_eq!(pool.to_string(), "AvgPool2d(kernel_size=2, stride=2, padding=0)");
/// ```
    AvgPool2dCeil, ceil_mode = true
}

impl<K, S, P, X> Forward<Tensor<X>> for AvgPool2dCeil<K, S, P>
where
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    X: AvgPool2dCeilRule<K, S, P>,
{
    type Output = Tensor<AvgPool2dCeilOut<X, K, S, P>>;

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
    use crate::shape::{Dyn, U1, U2, U3, U4, U5, U6, U7};
    use crate::{DynTensor, Tensor};

    /// `arange(h * w)` as a `(1, 1, H, W)` tensor.
    fn arange<H: StaticDim, W: StaticDim>() -> Tensor<(Dyn, U1, H, W)> {
        let data: Vec<f32> = (0..H::USIZE * W::USIZE).map(|v| v as f32).collect();
        Tensor::from_vec(data, (Dyn(1), U1::new(), H::default(), W::default())).unwrap()
    }

    /// Every value within f32 rounding of PyTorch's (printed to 4 places).
    fn assert_close(got: &[f32], expected: &[f32]) {
        assert_eq!(got.len(), expected.len(), "{got:?}");
        for (g, e) in got.iter().zip(expected) {
            assert!((g - e).abs() < 1e-4, "{got:?} vs {expected:?}");
        }
    }

    /// PyTorch: `nn.AvgPool2d(2, ceil_mode=True)(torch.arange(35.).reshape(1, 1, 5, 7))`.
    #[test]
    fn partial_windows_are_pytorchs() {
        let y: Tensor<(Dyn, U1, U3, U4)> = AvgPool2dCeil::<U2>::new().forward(arange::<U5, U7>());
        let expected = [
            4.0, 6.0, 8.0, 9.5, 18.0, 20.0, 22.0, 23.5, 28.5, 30.5, 32.5, 34.0,
        ];
        assert_close(&y.as_dyn().to_vec(), &expected);
    }

    /// PyTorch: `nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=c,
    /// divisor_override=d)(torch.arange(30.).reshape(1, 1, 6, 5))`: the last
    /// row of windows runs past the bottom padding and is clipped there.
    #[test]
    fn clipped_divisors_are_pytorchs() {
        let pool = AvgPool2dCeil::<U3, U2, U1>::new();
        let y: Tensor<(Dyn, U1, U4, U3)> = pool.forward(arange::<U6, U5>());
        let with_pad = [
            4.0 / 3.0,
            3.0,
            8.0 / 3.0,
            7.0,
            12.0,
            9.0,
            41.0 / 3.0,
            22.0,
            47.0 / 3.0,
            8.5,
            13.5,
            9.5,
        ];
        assert_close(&y.as_dyn().to_vec(), &with_pad);
        let y = pool.count_include_pad(false).forward(arange::<U6, U5>());
        let without_pad = [
            3.0, 4.5, 6.0, 10.5, 12.0, 13.5, 20.5, 22.0, 23.5, 25.5, 27.0, 28.5,
        ];
        assert_close(&y.as_dyn().to_vec(), &without_pad);
        let pool = AvgPool2dCeil::<U3, U2, U1>::new().divisor_override(Some(2));
        let y = pool.forward(arange::<U6, U5>());
        let overridden = [
            6.0, 13.5, 12.0, 31.5, 54.0, 40.5, 61.5, 99.0, 70.5, 25.5, 40.5, 28.5,
        ];
        assert_close(&y.as_dyn().to_vec(), &overridden);
    }

    /// PyTorch: `nn.AvgPool2d(2, 2, 1, ceil_mode=True, count_include_pad=c)`
    /// on `arange(12.)` as 3x4 gives 2x3: a third row of windows would
    /// start in the bottom padding, so it is dropped (the width keeps its
    /// third window, which starts inside the input).
    #[test]
    fn window_starting_in_the_padding_is_dropped() {
        let pool = AvgPool2dCeil::<U2, U2, U1>::new();
        let y: Tensor<(Dyn, U1, U2, U3)> = pool.forward(arange::<U3, U4>());
        assert_close(&y.as_dyn().to_vec(), &[0.0, 0.75, 0.75, 3.0, 7.5, 4.5]);
        let y = pool.count_include_pad(false).forward(arange::<U3, U4>());
        assert_close(&y.as_dyn().to_vec(), &[0.0, 1.5, 3.0, 6.0, 7.5, 9.0]);
    }

    /// PyTorch keeps one window when it is up to `stride - 1` larger than
    /// the input: `nn.AvgPool2d(4, ceil_mode=True)` on `arange(9.)` as 3x3
    /// gives `[[[[4.]]]]` (the mean of the 9 values).
    #[test]
    fn window_larger_than_the_input_gives_one_output() {
        let y: Tensor<(Dyn, U1, U1, U1)> = AvgPool2dCeil::<U4>::new().forward(arange::<U3, U3>());
        assert_close(&y.as_dyn().to_vec(), &[4.0]);
    }

    #[test]
    fn dyn_sizes_repr_and_runtime_errors() {
        let pool = AvgPool2dCeil::<U3, U2, U1>::new();
        let x = Tensor::<(Dyn, U3, Dyn, Dyn)>::zeros((Dyn(2), U3::new(), Dyn(6), Dyn(5))).unwrap();
        let y = pool.forward(x);
        assert_eq!(y.dims().as_slice(), &[2, 3, 4, 3]);
        assert_eq!(y.as_dyn().shape(), &[2, 3, 4, 3]);
        assert_eq!(
            pool.to_string(),
            "AvgPool2d(kernel_size=3, stride=2, padding=1)"
        );
        let rank = pool
            .forward_dyn(&DynTensor::zeros(&[1, 5]).unwrap())
            .unwrap_err();
        assert!(rank.to_string().starts_with("AvgPool2d: "), "{rank}");
        let small =
            AvgPool2dCeil::<U4, U1>::new().forward_dyn(&DynTensor::zeros(&[1, 1, 3, 3]).unwrap());
        let small = small.unwrap_err().to_string();
        assert!(small.starts_with("AvgPool2d: "), "{small}");
    }
}
