//! `nn.MaxPool2d` with square window, stride, padding and dilation given
//! as types, so the compiler computes the output size.

use super::module::training_flag;
use super::{DynForward, Forward, Module, fmt_module};
use crate::ops::{MaxPool2dOptions, max_pool2d};
use crate::shape::{MaxPool2dOut, MaxPool2dRule, StaticDim, U0, U1};
use crate::{DynTensor, Result, Tensor};
use std::fmt;
use std::marker::PhantomData;

/// The sizes a `MaxPool2d` carries only in its type.
type PoolSizes<K, S, P, D> = fn() -> (K, S, P, D);

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
/// let x = Tensor::<(Dyn, U6, U28, U28)>::zeros((Dyn(1), U6::default(), U28::default(), U28::default()));
/// assert_eq!(pool.forward(x).dims().as_slice(), &[1, 6, 14, 14]);
/// assert_eq!(pool.to_string(), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
/// ```
pub struct MaxPool2d<K, S = K, P = U0, D = U1> {
    training: bool,
    sizes: PhantomData<PoolSizes<K, S, P, D>>,
}

impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> MaxPool2d<K, S, P, D> {
    /// `nn.MaxPool2d` with the sizes of the type.
    pub fn new() -> Self {
        MaxPool2d {
            training: true,
            sizes: PhantomData,
        }
    }

    /// The runtime options of the functional `max_pool2d`.
    pub fn options(&self) -> MaxPool2dOptions {
        MaxPool2dOptions::new(K::USIZE)
            .stride(S::USIZE)
            .padding(P::USIZE)
            .dilation(D::USIZE)
    }
}

impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> Default for MaxPool2d<K, S, P, D> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> Module for MaxPool2d<K, S, P, D> {
    training_flag!();
    fn type_name(&self) -> &str {
        "MaxPool2d"
    }
    fn extra_repr(&self) -> String {
        format!(
            "kernel_size={}, stride={}, padding={}, dilation={}, ceil_mode=False",
            K::USIZE,
            S::USIZE,
            P::USIZE,
            D::USIZE
        )
    }
}

impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> DynForward for MaxPool2d<K, S, P, D> {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        max_pool2d(x, self.options())
    }
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

impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> fmt::Display
    for MaxPool2d<K, S, P, D>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}
