//! `MaxPool2d(kernel_size = K, stride = S, padding = P, dilation = D)`:
//! `(N, C, H, W) -> (N, C, Ho, Wo)` in floor mode; ceil mode has its own
//! rule (`max_pool2d_ceil.rs`, used by the `MaxPool2dCeil` layer).

use core::ops::{BitOr, Mul, Not};

use typenum::{IsLessOrEqual, LeEq, Or, Prod, U2};

use super::pool2d::{FloorMode, Pool2dOut, Pool2dOutput};
use crate::shape::arith::{
    Extent, KernelExtent, PositiveParams, Window, WindowFits, WindowPadded, WindowParams,
};
use crate::shape::dim::{Dim, StaticDim};
use crate::shape::gate::{False, rank_gate, shape_gate};

/// The shape rule of `MaxPool2d` (square window `K`, stride `S`, padding
/// `P`, dilation `D`), implemented on the input shape: `(N, C, H, W)` gives
/// `(N, C, Ho, Wo)` with `Ho = (H + 2P - D(K-1) - 1) / S + 1` (floor).
/// Padding must be at most half the dilated window, as in PyTorch. The
/// output comes from the unchecked supertrait [`Pool2dOutput`] in
/// [`FloorMode`] mode.
#[diagnostic::on_unimplemented(
    message = "MaxPool2d cannot take an input of shape `{Self}`",
    note = "MaxPool2d takes a 4-D input (batch, channels, height, width)"
)]
pub trait MaxPool2dRule<K, S, P, D>: Pool2dOutput<FloorMode, K, S, P, D> {}

/// The output shape of `MaxPool2d<K, St, P, D>` on an input of shape `S`.
pub type MaxPool2dOut<S, K, St, P, D> = Pool2dOut<S, FloorMode, K, St, P, D>;

shape_gate! {
    /// The dilated window of a `MaxPool2d` fits in the padded input height.
    gate MaxPool2dWindowHeight, digits MaxPool2dWindowHeightDigits,
    lits MaxPool2dWindowHeightLits, route MaxPool2dWindowHeightRoute,
    check MaxPool2dWindowHeightCheck;
    params (K, EXTENT, PADDED, SIZE, PAD);
    message = "MaxPool2d window ({K}, dilated extent {EXTENT}) is larger than the padded input height ({PADDED} = {SIZE} + 2*{PAD}): output would be empty",
    label = "the pooling window does not fit in this tensor's height",
    note = "MaxPool2d needs dilation*(kernel_size-1)+1 <= size + 2*padding in each spatial dimension",
}

shape_gate! {
    /// The dilated window of a `MaxPool2d` fits in the padded input width.
    gate MaxPool2dWindowWidth, digits MaxPool2dWindowWidthDigits,
    lits MaxPool2dWindowWidthLits, route MaxPool2dWindowWidthRoute,
    check MaxPool2dWindowWidthCheck;
    params (K, EXTENT, PADDED, SIZE, PAD);
    message = "MaxPool2d window ({K}, dilated extent {EXTENT}) is larger than the padded input width ({PADDED} = {SIZE} + 2*{PAD}): output would be empty",
    label = "the pooling window does not fit in this tensor's width",
    note = "MaxPool2d needs dilation*(kernel_size-1)+1 <= size + 2*padding in each spatial dimension",
}

shape_gate! {
    /// `MaxPool2d` padding is at most half the dilated window (PyTorch's rule).
    gate MaxPool2dPadding, digits MaxPool2dPaddingDigits, lits MaxPool2dPaddingLits,
    route MaxPool2dPaddingRoute, check MaxPool2dPaddingCheck;
    params (PAD, K, DILATION);
    message = "MaxPool2d: pad should be at most half of effective kernel size, but got pad={PAD}, kernel_size={K} and dilation={DILATION}",
    label = "this pooling layer's padding is too large",
    note = "the effective kernel size is dilation*(kernel_size-1)+1; PyTorch rejects 2*padding > effective kernel size",
}

shape_gate! {
    /// The window size, stride and dilation of a `MaxPool2d` are at least 1.
    gate MaxPool2dParams, digits MaxPool2dParamsDigits, lits MaxPool2dParamsLits, route MaxPool2dParamsRoute,
    check MaxPool2dParamsCheck;
    params (K, STRIDE, DILATION);
    message = "MaxPool2d kernel_size, stride and dilation must be at least 1, but got kernel_size={K}, stride={STRIDE} and dilation={DILATION}",
    label = "this MaxPool2d layer has a zero parameter",
    note = "PyTorch rejects a zero kernel_size, stride or dilation when the layer is built",
}

rank_gate! {
    /// A `MaxPool2d` input has rank 4.
    gate MaxPool2dRank;
    params (RANK);
    message = "MaxPool2d expects a 4-D input (batch, channels, height, width), but got a {RANK}-D tensor",
    label = "this tensor has {RANK} dimensions",
    note = "add the missing dimensions (e.g. a batch of 1) before the MaxPool2d",
}

/// The width check runs only if the height fits (one error per mistake).
type WidthCondition<H, W, K, S, P, D> =
    Or<<WindowFits<H, K, S, P, D> as Not>::Output, WindowFits<W, K, S, P, D>>;
/// `B1` if `2P <= D(K-1)+1`.
pub(super) type PaddingOk<K, P, D> = LeEq<Prod<P, U2>, Extent<K, D>>;

impl<N, C, H, W, K, S, P, D> MaxPool2dRule<K, S, P, D> for (N, C, H, W)
where
    N: Dim,
    C: Dim,
    H: Window<K, S, P, D>,
    W: Window<K, S, P, D>,
    K: StaticDim + KernelExtent<D> + WindowParams<S, D>,
    S: StaticDim,
    P: StaticDim + Mul<U2, Output: IsLessOrEqual<Extent<K, D>>>,
    D: StaticDim,
    PositiveParams<K, S, D>: MaxPool2dParamsCheck<K, S, D>,
    PaddingOk<K, P, D>: MaxPool2dPaddingCheck<P, K, D>,
    WindowFits<H, K, S, P, D>: MaxPool2dWindowHeightCheck<K, Extent<K, D>, WindowPadded<H, K, S, P, D>, H, P>
        + Not<Output: BitOr<WindowFits<W, K, S, P, D>>>,
    WidthCondition<H, W, K, S, P, D>:
        MaxPool2dWindowWidthCheck<K, Extent<K, D>, WindowPadded<W, K, S, P, D>, W, P>,
{
}

macro_rules! impl_pool_rank {
    ($rank:literal; $($d:ident),*) => {
        impl<$($d: Dim,)* K, S, P, D> MaxPool2dRule<K, S, P, D> for ($($d,)*)
        where
            K: StaticDim,
            False<K>: MaxPool2dRank<$rank>,
        {
        }
    };
}

impl_pool_rank!(0;);
impl_pool_rank!(1; A);
impl_pool_rank!(2; A, B);
impl_pool_rank!(3; A, B, C);
