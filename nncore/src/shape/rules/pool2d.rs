//! The output shape of a 2-D pooling layer, `(N, C, H, W) -> (N, C, Ho,
//! Wo)`, in PyTorch's floor or ceil mode: one computation shared by
//! `MaxPool2d`, `MaxPool2dCeil` and `AvgPool2d`, whose rules add their own
//! checks and messages on top.

use typenum::Bit;

use super::max_pool2d_ceil::WindowCeil;
use crate::shape::arith::Window;
use crate::shape::dim::{Dim, Invalid};
use crate::shape::shape::Shape;

/// PyTorch's `ceil_mode=False`: `Ho = (H + 2P - D(K-1) - 1) / S + 1`,
/// rounded down.
pub struct FloorMode;

/// PyTorch's `ceil_mode=True`: the division rounded up, less one when the
/// last window would start past the input and its left padding.
pub struct CeilMode;

/// The output length of a window sweep over `H` (window `K`, stride `S`,
/// padding `P`, dilation `D`) in the rounding mode `Self`.
pub trait PoolMode<H, K, S, P, D> {
    /// The output length: [`Invalid`] if no window fits.
    type Out: Dim;
    /// `B1` if a window fits (always for `Dyn` and [`Invalid`]).
    type Fits: Bit;
    /// `H + 2P` for a static input (0 otherwise), for messages.
    type Padded;
    /// The runtime output length (computed for a `Dyn` input).
    fn pool_output(h: H) -> Self::Out;
}

impl<H: Window<K, S, P, D>, K, S, P, D> PoolMode<H, K, S, P, D> for FloorMode {
    type Out = H::Output;
    type Fits = H::Fits;
    type Padded = H::Padded;
    #[inline]
    fn pool_output(h: H) -> Self::Out {
        h.window_output()
    }
}

impl<H: WindowCeil<K, S, P, D>, K, S, P, D> PoolMode<H, K, S, P, D> for CeilMode {
    type Out = H::CeilOutput;
    type Fits = H::CeilFits;
    type Padded = H::CeilPadded;
    #[inline]
    fn pool_output(h: H) -> Self::Out {
        h.window_ceil_output()
    }
}

/// The output shape of a pooling layer in mode `M` (unchecked: the checks
/// are the layer's rule's). A wrong rank gives an all-[`Invalid`] shape,
/// reported by the rule.
pub trait Pool2dOutput<M, K, S, P, D>: Shape {
    /// The output shape.
    type Output: Shape;
    /// The output shape's value (`Dyn` sizes computed from the runtime
    /// ones).
    fn pool2d_output(self) -> Self::Output;
}

/// The output shape of a pooling layer in mode `M` on an input of shape `X`.
pub type Pool2dOut<X, M, K, S, P, D> = <X as Pool2dOutput<M, K, S, P, D>>::Output;

impl<N, C, H, W, M, K, S, P, D> Pool2dOutput<M, K, S, P, D> for (N, C, H, W)
where
    N: Dim,
    C: Dim,
    H: Dim,
    W: Dim,
    M: PoolMode<H, K, S, P, D> + PoolMode<W, K, S, P, D>,
{
    type Output = (
        N,
        C,
        <M as PoolMode<H, K, S, P, D>>::Out,
        <M as PoolMode<W, K, S, P, D>>::Out,
    );

    #[inline]
    fn pool2d_output(self) -> Self::Output {
        (
            self.0,
            self.1,
            M::pool_output(self.2),
            M::pool_output(self.3),
        )
    }
}

macro_rules! impl_pool_rank {
    ($($d:ident),*) => {
        impl<$($d: Dim,)* M, K, S, P, D> Pool2dOutput<M, K, S, P, D> for ($($d,)*) {
            type Output = (Invalid, Invalid, Invalid, Invalid);

            #[inline]
            fn pool2d_output(self) -> Self::Output {
                (Invalid, Invalid, Invalid, Invalid)
            }
        }
    };
}

impl_pool_rank!();
impl_pool_rank!(A);
impl_pool_rank!(B, A);
impl_pool_rank!(E, B, A);
