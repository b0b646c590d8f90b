//! `MaxPool2d(kernel_size = K, stride = S, padding = P, dilation = D,
//! ceil_mode = True)`: `(N, C, H, W) -> (N, C, Ho, Wo)` with PyTorch's ceil
//! rule, computed by the compiler. The checks are `MaxPool2d`'s (same
//! parameter and padding gates); the window gates are ceil mode's own,
//! since ceil mode accepts a window up to `stride - 1` past the padded input.

use core::ops::{Add, BitOr, Div, Mul, Not};

use typenum::{
    B1, Bit, GrEq, IsGreaterOrEqual, IsLessOrEqual, Max, Maximum, Or, Prod, Quot, Sum, U0, U1, U2,
};

use super::max_pool2d::{MaxPool2dPaddingCheck, MaxPool2dParamsCheck, MaxPool2dRank, PaddingOk};
use super::pool2d::{CeilMode, Pool2dOut, Pool2dOutput};
use crate::shape::arith::{
    Extent, If, KernelExtent, Padded, PositiveParams, SatDiff, SatSub, Select, WindowParams,
};
use crate::shape::dim::{Dim, Dyn, Invalid, StaticDim};
use crate::shape::gate::{False, shape_gate};

/// PyTorch's ceil-mode output length for a runtime size: `ceil((H + 2P -
/// D(K-1) - 1) / S) + 1`, one less if the last window would start at or
/// past `H + P` (inside the right padding only). 0 if even the ceil rule
/// leaves no window (`H + 2P + S - 1 < D(K-1) + 1`) or the stride is 0.
/// Unlike floor mode, a window a little larger than the padded input is
/// accepted, as in PyTorch.
///
/// ```
/// use nncore::shape::rules::max_pool2d_ceil::window_ceil_len;
/// assert_eq!(window_ceil_len(5, 2, 2, 0, 1), 3); // floor gives 2
/// assert_eq!(window_ceil_len(6, 2, 2, 0, 1), 3); // exact: same as floor
/// assert_eq!(window_ceil_len(3, 2, 2, 1, 1), 2); // a 3rd window would start in the right padding
/// assert_eq!(window_ceil_len(3, 4, 4, 0, 1), 1); // window larger than the input: one window
/// assert_eq!(window_ceil_len(2, 4, 1, 0, 1), 0); // does not fit
/// ```
#[inline]
pub fn window_ceil_len(h: usize, k: usize, s: usize, p: usize, d: usize) -> usize {
    let extent = d * k.saturating_sub(1) + 1;
    match (h + 2 * p + s.saturating_sub(1)).checked_sub(extent) {
        Some(room) if s > 0 => {
            let q = room / s;
            if q * s >= h + p { q } else { q + 1 }
        }
        _ => 0,
    }
}

/// The ceil-mode counterpart of [`Window`](crate::shape::arith::Window):
/// the output length of a window sweep over `Self` with PyTorch's
/// `ceil_mode = True`.
pub trait WindowCeil<K, S, P, D>: Dim {
    /// The output length: [`Invalid`] if no window fits.
    type CeilOutput: Dim;
    /// `B1` if at least one window fits: `D(K-1)+1 <= H + 2P + S - 1`
    /// (always for [`Dyn`] and [`Invalid`]).
    type CeilFits: Bit;
    /// `H + 2P` for a static input (0 otherwise), for messages.
    type CeilPadded;
    /// The runtime output length (computed for a [`Dyn`] input).
    fn window_ceil_output(self) -> Self::CeilOutput;
}

/// `B1` if a ceil-mode window fits in `H` (see [`WindowCeil`]).
pub type WindowCeilFits<H, K, S, P, D> = <H as WindowCeil<K, S, P, D>>::CeilFits;
/// `H + 2P` as computed for [`WindowCeil`] messages.
pub type WindowCeilPadded<H, K, S, P, D> = <H as WindowCeil<K, S, P, D>>::CeilPadded;

/// `max(S, 1)`.
type Step<S> = Maximum<S, U1>;
/// `H + 2P + S - 1`: the room ceil mode gives the windows.
type Room<H, S, P> = Sum<Padded<H, P>, SatDiff<Step<S>, U1>>;
/// `(H + 2P + S - 1 - Ext) / S`: the start (in strides) of the last window.
type LastStart<H, K, S, P, D> = Quot<SatDiff<Room<H, S, P>, Extent<K, D>>, Step<S>>;
/// `B1` if that last window starts at or past `H + P` and is dropped.
type Dropped<H, K, S, P, D> = GrEq<Prod<LastStart<H, K, S, P, D>, Step<S>>, Sum<H, P>>;
/// The output length when a window fits.
type CeilLen<H, K, S, P, D> =
    If<Dropped<H, K, S, P, D>, LastStart<H, K, S, P, D>, Sum<LastStart<H, K, S, P, D>, U1>>;
/// `B1` if a window fits.
type Fits<H, K, S, P, D> = GrEq<Room<H, S, P>, Extent<K, D>>;

impl<H, K, S, P, D> WindowCeil<K, S, P, D> for H
where
    H: StaticDim + Add<Prod<P, U2>> + Add<P>,
    K: KernelExtent<D>,
    P: Mul<U2>,
    S: Max<U1>,
    Step<S>: SatSub<U1>,
    Padded<H, P>: Add<SatDiff<Step<S>, U1>>,
    Room<H, S, P>: SatSub<Extent<K, D>> + IsGreaterOrEqual<Extent<K, D>>,
    SatDiff<Room<H, S, P>, Extent<K, D>>: Div<Step<S>>,
    LastStart<H, K, S, P, D>: Mul<Step<S>> + Add<U1>,
    Prod<LastStart<H, K, S, P, D>, Step<S>>: IsGreaterOrEqual<Sum<H, P>>,
    Dropped<H, K, S, P, D>: Select<LastStart<H, K, S, P, D>, Sum<LastStart<H, K, S, P, D>, U1>>,
    Fits<H, K, S, P, D>: Bit + Select<CeilLen<H, K, S, P, D>, Invalid>,
    If<Fits<H, K, S, P, D>, CeilLen<H, K, S, P, D>, Invalid>: Dim + Default,
{
    type CeilOutput = If<Fits<H, K, S, P, D>, CeilLen<H, K, S, P, D>, Invalid>;
    type CeilFits = Fits<H, K, S, P, D>;
    type CeilPadded = Padded<H, P>;
    #[inline]
    fn window_ceil_output(self) -> Self::CeilOutput {
        Default::default()
    }
}

impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> WindowCeil<K, S, P, D> for Dyn {
    type CeilOutput = Dyn;
    type CeilFits = B1;
    type CeilPadded = U0;
    #[inline]
    fn window_ceil_output(self) -> Dyn {
        Dyn(window_ceil_len(
            self.0,
            K::USIZE,
            S::USIZE,
            P::USIZE,
            D::USIZE,
        ))
    }
}

impl<K, S, P, D> WindowCeil<K, S, P, D> for Invalid {
    type CeilOutput = Invalid;
    type CeilFits = B1;
    type CeilPadded = U0;
    #[inline]
    fn window_ceil_output(self) -> Invalid {
        Invalid
    }
}

shape_gate! {
    /// A ceil-mode `MaxPool2d` window fits the padded input height.
    gate MaxPool2dCeilWindowHeight, digits MaxPool2dCeilWindowHeightDigits,
    lits MaxPool2dCeilWindowHeightLits, route MaxPool2dCeilWindowHeightRoute,
    check MaxPool2dCeilWindowHeightCheck;
    params (K, EXTENT, PADDED, SIZE, PAD);
    message = "MaxPool2d (ceil_mode=True) window ({K}, dilated extent {EXTENT}) does not fit the padded input height ({PADDED} = {SIZE} + 2*{PAD}) plus stride - 1: output would be empty",
    label = "the pooling window does not fit in this tensor's height",
    note = "in ceil mode MaxPool2d needs dilation*(kernel_size-1)+1 <= size + 2*padding + stride - 1 in each spatial dimension",
}

shape_gate! {
    /// A ceil-mode `MaxPool2d` window fits the padded input width.
    gate MaxPool2dCeilWindowWidth, digits MaxPool2dCeilWindowWidthDigits,
    lits MaxPool2dCeilWindowWidthLits, route MaxPool2dCeilWindowWidthRoute,
    check MaxPool2dCeilWindowWidthCheck;
    params (K, EXTENT, PADDED, SIZE, PAD);
    message = "MaxPool2d (ceil_mode=True) window ({K}, dilated extent {EXTENT}) does not fit the padded input width ({PADDED} = {SIZE} + 2*{PAD}) plus stride - 1: output would be empty",
    label = "the pooling window does not fit in this tensor's width",
    note = "in ceil mode MaxPool2d needs dilation*(kernel_size-1)+1 <= size + 2*padding + stride - 1 in each spatial dimension",
}

/// The shape rule of `MaxPool2dCeil` (`MaxPool2d` with `ceil_mode =
/// True`), implemented on the input shape: `(N, C, H, W)` gives `(N, C, Ho,
/// Wo)` with `Ho = ceil((H + 2P - D(K-1) - 1) / S) + 1`, one less when the
/// last window would start past the input and its left padding.
/// Parameters and padding are checked as by
/// [`MaxPool2dRule`](super::MaxPool2dRule); the window must fit in
/// `H + 2P + S - 1` (ceil mode's room). The output comes from the
/// unchecked supertrait [`Pool2dOutput`] in [`CeilMode`] mode.
#[diagnostic::on_unimplemented(
    message = "MaxPool2d (ceil_mode=True) cannot take an input of shape `{Self}`",
    note = "MaxPool2d takes a 4-D input (batch, channels, height, width)"
)]
pub trait MaxPool2dCeilRule<K, S, P, D>: Pool2dOutput<CeilMode, K, S, P, D> {}

/// The output shape of `MaxPool2dCeil<K, St, P, D>` on an input of shape `S`.
pub type MaxPool2dCeilOut<S, K, St, P, D> = Pool2dOut<S, CeilMode, K, St, P, D>;

/// The width check runs only if the height fits (one error per mistake).
type WidthCondition<H, W, K, S, P, D> =
    Or<<WindowCeilFits<H, K, S, P, D> as Not>::Output, WindowCeilFits<W, K, S, P, D>>;

impl<N, C, H, W, K, S, P, D> MaxPool2dCeilRule<K, S, P, D> for (N, C, H, W)
where
    N: Dim,
    C: Dim,
    H: WindowCeil<K, S, P, D>,
    W: WindowCeil<K, S, P, D>,
    K: StaticDim + KernelExtent<D> + WindowParams<S, D>,
    S: StaticDim,
    P: StaticDim + Mul<U2, Output: IsLessOrEqual<Extent<K, D>>>,
    D: StaticDim,
    PositiveParams<K, S, D>: MaxPool2dParamsCheck<K, S, D>,
    PaddingOk<K, P, D>: MaxPool2dPaddingCheck<P, K, D>,
    WindowCeilFits<H, K, S, P, D>: MaxPool2dCeilWindowHeightCheck<K, Extent<K, D>, WindowCeilPadded<H, K, S, P, D>, H, P>
        + Not<Output: BitOr<WindowCeilFits<W, K, S, P, D>>>,
    WidthCondition<H, W, K, S, P, D>:
        MaxPool2dCeilWindowWidthCheck<K, Extent<K, D>, WindowCeilPadded<W, K, S, P, D>, W, P>,
{
}

macro_rules! impl_pool_ceil_rank {
    ($rank:literal; $($d:ident),*) => {
        impl<$($d: Dim,)* K, S, P, D> MaxPool2dCeilRule<K, S, P, D> for ($($d,)*)
        where
            K: StaticDim,
            False<K>: MaxPool2dRank<$rank>,
        {
        }
    };
}

impl_pool_ceil_rank!(0;);
impl_pool_ceil_rank!(1; A);
impl_pool_ceil_rank!(2; A, B);
impl_pool_ceil_rank!(3; A, B, C);
