//! `AdaptiveAvgPool2d((OH, OW))`: `(N, C, H, W) -> (N, C, OH, OW)` for any
//! `H` and `W`; every other rank is reported as a rank.

use crate::shape::dim::{Dim, Invalid, StaticDim};
use crate::shape::gate::{False, rank_gate};
use crate::shape::shape::Shape;

/// The shape rule of `AdaptiveAvgPool2d` with output size `OH`×`OW`,
/// implemented on the input shape: a 4-D `(N, C, H, W)` gives `(N, C, OH,
/// OW)`. A tensor of another rank (a pool placed after `Flatten`) is one
/// error naming the rank; its output has [`Invalid`] batch and channels, so
/// the layers after it report nothing more.
///
/// ```
/// use nncore::shape::*;
/// fn pool<S: AdaptiveAvgPool2dRule<U1, U1>>(x: S) -> AdaptiveAvgPool2dOut<S, U1, U1> {
///     x.adaptive_avg_pool2d_output()
/// }
/// let y = pool((Dyn(2), U512::new(), U7::new(), U7::new()));
/// assert_eq!(y.dims().as_slice(), &[2, 512, 1, 1]);
/// ```
#[diagnostic::on_unimplemented(
    message = "AdaptiveAvgPool2d cannot take an input of shape `{Self}`",
    note = "AdaptiveAvgPool2d takes a 4-D input (batch, channels, height, width)"
)]
pub trait AdaptiveAvgPool2dRule<OH: StaticDim, OW: StaticDim>:
    AdaptiveAvgPool2dOutput<OH, OW>
{
}

/// The output shape of `AdaptiveAvgPool2d` (unchecked: the checks are
/// [`AdaptiveAvgPool2dRule`]'s).
pub trait AdaptiveAvgPool2dOutput<OH, OW>: Shape {
    /// The output shape, `(N, C, OH, OW)`.
    type Output: Shape;
    /// The output shape's value.
    fn adaptive_avg_pool2d_output(self) -> Self::Output;
}

/// The output shape of `AdaptiveAvgPool2d<OH, OW>` on an input of shape `S`.
pub type AdaptiveAvgPool2dOut<S, OH, OW> = <S as AdaptiveAvgPool2dOutput<OH, OW>>::Output;

rank_gate! {
    /// An `AdaptiveAvgPool2d` input has rank 4.
    gate AdaptiveAvgPool2dRank;
    params (RANK);
    message = "AdaptiveAvgPool2d expects a 4-D input (batch, channels, height, width), but got a {RANK}-D tensor",
    label = "this tensor has {RANK} dimensions",
    note = "a pool goes before Flatten: Flatten turns (batch, channels, height, width) into (batch, features)",
}

impl<OH: StaticDim, OW: StaticDim, N: Dim, C: Dim, H: Dim, W: Dim> AdaptiveAvgPool2dRule<OH, OW>
    for (N, C, H, W)
{
}

impl<OH: StaticDim, OW: StaticDim, N: Dim, C: Dim, H: Dim, W: Dim> AdaptiveAvgPool2dOutput<OH, OW>
    for (N, C, H, W)
{
    type Output = (N, C, OH, OW);
    #[inline]
    fn adaptive_avg_pool2d_output(self) -> Self::Output {
        (self.0, self.1, OH::default(), OW::default())
    }
}

/// Wrong ranks: the rank gate, and an [`Invalid`] output.
macro_rules! impl_wrong_rank {
    ($($rank:literal [$($d:ident),*];)*) => {$(
        impl<OH: StaticDim, OW: StaticDim, $($d: Dim),*> AdaptiveAvgPool2dRule<OH, OW> for ($($d,)*)
        where
            False<($($d,)* OH,)>: AdaptiveAvgPool2dRank<$rank>,
        {
        }

        impl<OH: StaticDim, OW: StaticDim, $($d: Dim),*> AdaptiveAvgPool2dOutput<OH, OW> for ($($d,)*) {
            // Every size poisoned, the pooled ones too: a Linear after the
            // pool then accepts the output instead of reporting 1 feature.
            type Output = (Invalid, Invalid, Invalid, Invalid);
            #[inline]
            fn adaptive_avg_pool2d_output(self) -> Self::Output {
                (Invalid, Invalid, Invalid, Invalid)
            }
        }
    )*};
}

impl_wrong_rank! {
    0 [];
    1 [A];
    2 [A, B];
    3 [A, B, C];
}
