//! `AvgPool2d(kernel_size = K, stride = S, padding = P)`:
//! `(N, C, H, W) -> (N, C, Ho, Wo)` with `Ho = (H + 2P - K) / S + 1`
//! (floor mode), computed by the compiler.

use core::ops::{BitOr, Mul, Not};

use typenum::{IsLessOrEqual, LeEq, Or, Prod, U1, U2};

use super::pool2d::{FloorMode, Pool2dOut, Pool2dOutput};
use crate::shape::arith::{PositiveParams, Window, WindowFits, WindowPadded, WindowParams};
use crate::shape::dim::{Dim, StaticDim};
use crate::shape::gate::{False, rank_gate, shape_gate};

/// The shape rule of `AvgPool2d` (square window `K`, stride `S`, padding
/// `P`), implemented on the input shape: `(N, C, H, W)` gives
/// `(N, C, Ho, Wo)` with `Ho = (H + 2P - K) / S + 1` (floor). Padding must
/// be at most half the window, as in PyTorch. The output comes from the
/// unchecked supertrait [`Pool2dOutput`] in [`FloorMode`] (dilation 1).
#[diagnostic::on_unimplemented(
    message = "AvgPool2d cannot take an input of shape `{Self}`",
    note = "AvgPool2d takes a 4-D input (batch, channels, height, width)"
)]
pub trait AvgPool2dRule<K, S, P>: Pool2dOutput<FloorMode, K, S, P, U1> {}

/// The output shape of `AvgPool2d<K, St, P>` on an input of shape `S`.
pub type AvgPool2dOut<S, K, St, P> = Pool2dOut<S, FloorMode, K, St, P, U1>;

shape_gate! {
    /// The window of an `AvgPool2d` fits in the padded input height.
    gate AvgPool2dWindowHeight, digits AvgPool2dWindowHeightDigits,
    lits AvgPool2dWindowHeightLits, route AvgPool2dWindowHeightRoute,
    check AvgPool2dWindowHeightCheck;
    params (K, PADDED, SIZE, PAD);
    message = "AvgPool2d window ({K}) is larger than the padded input height ({PADDED} = {SIZE} + 2*{PAD}): output would be empty",
    label = "the pooling window does not fit in this tensor's height",
    note = "AvgPool2d needs kernel_size <= size + 2*padding in each spatial dimension",
}

shape_gate! {
    /// The window of an `AvgPool2d` fits in the padded input width.
    gate AvgPool2dWindowWidth, digits AvgPool2dWindowWidthDigits,
    lits AvgPool2dWindowWidthLits, route AvgPool2dWindowWidthRoute,
    check AvgPool2dWindowWidthCheck;
    params (K, PADDED, SIZE, PAD);
    message = "AvgPool2d window ({K}) is larger than the padded input width ({PADDED} = {SIZE} + 2*{PAD}): output would be empty",
    label = "the pooling window does not fit in this tensor's width",
    note = "AvgPool2d needs kernel_size <= size + 2*padding in each spatial dimension",
}

shape_gate! {
    /// `AvgPool2d` padding is at most half the window (PyTorch's rule).
    gate AvgPool2dPadding, digits AvgPool2dPaddingDigits, lits AvgPool2dPaddingLits,
    route AvgPool2dPaddingRoute, check AvgPool2dPaddingCheck;
    params (PAD, K);
    message = "AvgPool2d: pad should be at most half of kernel size, but got pad={PAD} and kernel_size={K}",
    label = "this pooling layer's padding is too large",
    note = "PyTorch rejects 2*padding > kernel_size",
}

shape_gate! {
    /// The window size and stride of an `AvgPool2d` are at least 1.
    gate AvgPool2dParams, digits AvgPool2dParamsDigits, lits AvgPool2dParamsLits,
    route AvgPool2dParamsRoute, check AvgPool2dParamsCheck;
    params (K, STRIDE);
    message = "AvgPool2d kernel_size and stride must be at least 1, but got kernel_size={K} and stride={STRIDE}",
    label = "this AvgPool2d layer has a zero parameter",
    note = "PyTorch rejects a zero kernel_size or stride",
}

rank_gate! {
    /// An `AvgPool2d` input has rank 4.
    gate AvgPool2dRank;
    params (RANK);
    message = "AvgPool2d expects a 4-D input (batch, channels, height, width), but got a {RANK}-D tensor",
    label = "this tensor has {RANK} dimensions",
    note = "add the missing dimensions (e.g. a batch of 1) before the AvgPool2d",
}

/// The width check runs only if the height fits (one error per mistake).
type WidthCondition<H, W, K, S, P> =
    Or<<WindowFits<H, K, S, P, U1> as Not>::Output, WindowFits<W, K, S, P, U1>>;

impl<N, C, H, W, K, S, P> AvgPool2dRule<K, S, P> for (N, C, H, W)
where
    N: Dim,
    C: Dim,
    H: Window<K, S, P, U1>,
    W: Window<K, S, P, U1>,
    K: StaticDim + WindowParams<S, U1>,
    S: StaticDim,
    P: StaticDim + Mul<U2, Output: IsLessOrEqual<K>>,
    PositiveParams<K, S, U1>: AvgPool2dParamsCheck<K, S>,
    LeEq<Prod<P, U2>, K>: AvgPool2dPaddingCheck<P, K>,
    WindowFits<H, K, S, P, U1>: AvgPool2dWindowHeightCheck<K, WindowPadded<H, K, S, P, U1>, H, P>
        + Not<Output: BitOr<WindowFits<W, K, S, P, U1>>>,
    WidthCondition<H, W, K, S, P>: AvgPool2dWindowWidthCheck<K, WindowPadded<W, K, S, P, U1>, W, P>,
{
}

macro_rules! impl_avg_pool_rank {
    ($rank:literal; $($d:ident),*) => {
        impl<$($d: Dim,)* K, S, P> AvgPool2dRule<K, S, P> for ($($d,)*)
        where
            K: StaticDim,
            False<K>: AvgPool2dRank<$rank>,
        {
        }
    };
}

impl_avg_pool_rank!(0;);
impl_avg_pool_rank!(1; A);
impl_avg_pool_rank!(2; A, B);
impl_avg_pool_rank!(3; A, B, C);
