//! `nn.MaxPool2d` with square window, stride, padding and dilation given
//! as types, so the compiler computes the output size; the layer types are
//! written by [`max_pool2d_layer!`], which `MaxPool2dCeil` shares.

use super::{DynForward, Forward};
use crate::Tensor;
use crate::shape::{MaxPool2dOut, MaxPool2dRule};

/// Writes a max-pooling layer type over `K`×`K` windows, its sizes as
/// types: the struct, `new`, `options`, `Default`, `Module` (PyTorch's
/// printout with the given `ceil_mode`), `DynForward` and `Display`.
/// `MaxPool2d` and `MaxPool2dCeil` differ only in `ceil_mode` and in their
/// `Forward` (whose bound is the shape rule), written out beside each so
/// that a shape error points at plain code.
macro_rules! max_pool2d_layer {
    (
        $(#[$doc:meta])*
        $name:ident, ceil_mode = $ceil:literal
    ) => {
        $(#[$doc])*
        pub struct $name<K, S = K, P = $crate::shape::U0, D = $crate::shape::U1> {
            training: bool,
            /// The sizes, only in the type (`fn() -> T` keeps the layer `Send + Sync`).
            sizes: ::std::marker::PhantomData<fn() -> (K, S, P, D)>,
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> $name<K, S, P, D> {
            /// The layer with the sizes of the type.
            pub fn new() -> Self {
                $name {
                    training: true,
                    sizes: ::std::marker::PhantomData,
                }
            }

            /// The runtime options of the functional
            /// [`max_pool2d`]($crate::ops::max_pool2d).
            pub fn options(&self) -> $crate::ops::MaxPool2dOptions {
                $crate::ops::MaxPool2dOptions::new(K::USIZE)
                    .stride(S::USIZE)
                    .padding(P::USIZE)
                    .dilation(D::USIZE)
                    .ceil_mode($ceil)
            }
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> Default for $name<K, S, P, D> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> $crate::nn::Module
            for $name<K, S, P, D>
        {
            $crate::nn::module::training_flag!();
            fn type_name(&self) -> &str {
                "MaxPool2d"
            }
            fn extra_repr(&self) -> String {
                format!(
                    "kernel_size={}, stride={}, padding={}, dilation={}, ceil_mode={}",
                    K::USIZE,
                    S::USIZE,
                    P::USIZE,
                    D::USIZE,
                    if $ceil { "True" } else { "False" }
                )
            }
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> $crate::nn::DynForward
            for $name<K, S, P, D>
        {
            fn forward_dyn(&self, x: &$crate::DynTensor) -> $crate::Result<$crate::DynTensor> {
                $crate::ops::max_pool2d(x, self.options())
            }
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> ::std::fmt::Display
            for $name<K, S, P, D>
        {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::nn::fmt_module(self, f)
            }
        }
    };
}

use crate::shape::StaticDim;
pub(super) use max_pool2d_layer;

max_pool2d_layer! {
/// Max pooling over `K`×`K` windows with stride `S` (PyTorch's default:
/// the window size), padding `P` and dilation `D`, like
/// `nn.MaxPool2d(kernel_size, stride=None, padding=0, dilation=1)`.
/// Input `(N, C, H, W)`, output `(N, C, Ho, Wo)` with
/// `Ho = (H + 2P - D(K-1) - 1) / S + 1`.
///
/// ```
/// use nncore::nn::{Forward, MaxPool2d};
/// use nncore::shape::{Dyn, U2, U6, U28};
/// use nncore::Tensor;
/// let pool = MaxPool2d::<U2>::new();
/// let x = Tensor::<(Dyn, U6, U28, U28)>::zeros((Dyn(1), U6::default(), U28::default(), U28::default())).unwrap();
/// assert_eq!(pool.forward(x).dims().as_slice(), &[1, 6, 14, 14]);
/// assert_eq!(pool.to_string(), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
/// ```
    MaxPool2d, ceil_mode = false
}

impl<K, S, P, D, X> Forward<Tensor<X>> for MaxPool2d<K, S, P, D>
where
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    D: StaticDim,
    X: MaxPool2dRule<K, S, P, D>,
{
    type Output = Tensor<MaxPool2dOut<X, K, S, P, D>>;

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
