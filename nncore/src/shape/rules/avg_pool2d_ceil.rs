//! `AvgPool2d(kernel_size = K, stride = S, padding = P, ceil_mode = True)`:
//! `(N, C, H, W) -> (N, C, Ho, Wo)` with PyTorch's ceil rule, computed by
//! the compiler. The parameter, padding and rank checks are `AvgPool2d`'s;
//! the window gates are ceil mode's own, since ceil mode accepts a window
//! up to `stride - 1` past the padded input (the ceil-mode length is
//! [`WindowCeil`]'s, shared with `MaxPool2dCeil`).

use core::ops::{BitOr, Mul, Not};

use typenum::{IsLessOrEqual, LeEq, Or, Prod, U1, U2};

use super::avg_pool2d::{AvgPool2dPaddingCheck, AvgPool2dParamsCheck, AvgPool2dRank};
use super::max_pool2d_ceil::{WindowCeil, WindowCeilFits, WindowCeilPadded};
use super::pool2d::{CeilMode, Pool2dOut, Pool2dOutput};
use crate::shape::arith::{PositiveParams, WindowParams};
use crate::shape::dim::{Dim, StaticDim};
use crate::shape::gate::{False, shape_gate};

shape_gate! {
    /// A ceil-mode `AvgPool2d` window fits the padded input height plus
    /// `stride - 1`.
    gate AvgPool2dCeilWindowHeight, digits AvgPool2dCeilWindowHeightDigits,
    lits AvgPool2dCeilWindowHeightLits, route AvgPool2dCeilWindowHeightRoute,
    check AvgPool2dCeilWindowHeightCheck;
    params (K, PADDED, SIZE, PAD);
    message = "AvgPool2d (ceil_mode=True) window ({K}) does not fit the padded input height ({PADDED} = {SIZE} + 2*{PAD}) plus stride - 1: output would be empty",
    label = "the pooling window does not fit in this tensor's height",
    note = "in ceil mode AvgPool2d needs kernel_size <= size + 2*padding + stride - 1 in each spatial dimension",
}

shape_gate! {
    /// A ceil-mode `AvgPool2d` window fits the padded input width plus
    /// `stride - 1`.
    gate AvgPool2dCeilWindowWidth, digits AvgPool2dCeilWindowWidthDigits,
    lits AvgPool2dCeilWindowWidthLits, route AvgPool2dCeilWindowWidthRoute,
    check AvgPool2dCeilWindowWidthCheck;
    params (K, PADDED, SIZE, PAD);
    message = "AvgPool2d (ceil_mode=True) window ({K}) does not fit the padded input width ({PADDED} = {SIZE} + 2*{PAD}) plus stride - 1: output would be empty",
    label = "the pooling window does not fit in this tensor's width",
    note = "in ceil mode AvgPool2d needs kernel_size <= size + 2*padding + stride - 1 in each spatial dimension",
}

/// The shape rule of `AvgPool2dCeil` (`AvgPool2d` with `ceil_mode =
/// True`), implemented on the input shape: `(N, C, H, W)` gives `(N, C, Ho,
/// Wo)` with `Ho = ceil((H + 2P - K) / S) + 1`, one less when the last
/// window would start past the input and its left padding. Parameters and
/// padding are checked as by [`AvgPool2dRule`](super::AvgPool2dRule); the
/// window must fit in `H + 2P + S - 1` (ceil mode's room). The output
/// comes from the unchecked supertrait [`Pool2dOutput`] in [`CeilMode`]
/// (dilation 1).
#[diagnostic::on_unimplemented(
    message = "AvgPool2d (ceil_mode=True) cannot take an input of shape `{Self}`",
    note = "AvgPool2d takes a 4-D input (batch, channels, height, width)"
)]
pub trait AvgPool2dCeilRule<K, S, P>: Pool2dOutput<CeilMode, K, S, P, U1> {}

/// The output shape of `AvgPool2dCeil<K, St, P>` on an input of shape `S`.
pub type AvgPool2dCeilOut<S, K, St, P> = Pool2dOut<S, CeilMode, K, St, P, U1>;

/// The width check runs only if the height fits (one error per mistake).
type WidthCondition<H, W, K, S, P> =
    Or<<WindowCeilFits<H, K, S, P, U1> as Not>::Output, WindowCeilFits<W, K, S, P, U1>>;

impl<N, C, H, W, K, S, P> AvgPool2dCeilRule<K, S, P> for (N, C, H, W)
where
    N: Dim,
    C: Dim,
    H: WindowCeil<K, S, P, U1>,
    W: WindowCeil<K, S, P, U1>,
    K: StaticDim + WindowParams<S, U1>,
    S: StaticDim,
    P: StaticDim + Mul<U2, Output: IsLessOrEqual<K>>,
    PositiveParams<K, S, U1>: AvgPool2dParamsCheck<K, S>,
    LeEq<Prod<P, U2>, K>: AvgPool2dPaddingCheck<P, K>,
    WindowCeilFits<H, K, S, P, U1>: AvgPool2dCeilWindowHeightCheck<K, WindowCeilPadded<H, K, S, P, U1>, H, P>
        + Not<Output: BitOr<WindowCeilFits<W, K, S, P, U1>>>,
    WidthCondition<H, W, K, S, P>:
        AvgPool2dCeilWindowWidthCheck<K, WindowCeilPadded<W, K, S, P, U1>, W, P>,
{
}

macro_rules! impl_avg_pool_ceil_rank {
    ($rank:literal; $($d:ident),*) => {
        impl<$($d: Dim,)* K, S, P> AvgPool2dCeilRule<K, S, P> for ($($d,)*)
        where
            K: StaticDim,
            False<K>: AvgPool2dRank<$rank>,
        {
        }
    };
}

impl_avg_pool_ceil_rank!(0;);
impl_avg_pool_ceil_rank!(1; A);
impl_avg_pool_ceil_rank!(2; A, B);
impl_avg_pool_ceil_rank!(3; A, B, C);
