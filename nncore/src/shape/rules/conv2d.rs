//! `Conv2d(in_channels = Cin, out_channels = Cout, kernel_size = K,
//! stride = S, padding = P, dilation = D)`:
//! `(N, Cin, H, W) -> (N, Cout, Ho, Wo)`.

use core::ops::{BitOr, Not};

use typenum::Or;

use crate::shape::arith::{
    Compatible, DimCompat, Extent, KernelExtent, PositiveParams, Window, WindowFits, WindowOut,
    WindowPadded, WindowParams,
};
use crate::shape::dim::{Dim, Invalid, StaticDim};
use crate::shape::gate::{False, rank_gate, shape_gate};
use crate::shape::shape::Shape;

/// The shape rule of `Conv2d` (square kernel `K`, stride `S`, padding `P`,
/// dilation `D`, all typenum numbers), implemented on the input shape:
/// `(N, C, H, W)` with `C == Cin` gives `(N, Cout, Ho, Wo)` where
/// `Ho = (H + 2P - D(K-1) - 1) / S + 1` (floor), computed by the compiler.
///
/// [`Dyn`](crate::shape::Dyn) dimensions pass at compile time and are
/// computed at run time. If the kernel does not fit, the output size is
/// [`Invalid`] so that later layers report nothing more. The output comes
/// from the unchecked supertrait [`Conv2dOutput`].
#[diagnostic::on_unimplemented(
    message = "Conv2d cannot take an input of shape `{Self}`",
    note = "Conv2d takes a 4-D input (batch, channels, height, width)"
)]
pub trait Conv2dRule<Cin, Cout, K, S, P, D>: Conv2dOutput<Cin, Cout, K, S, P, D> {}

/// The output shape of `Conv2d` (unchecked: the checks are
/// [`Conv2dRule`]'s).
pub trait Conv2dOutput<Cin, Cout, K, S, P, D>: Shape {
    /// The output shape.
    type Output: Shape;
    /// The output shape's value ([`Dyn`](crate::shape::Dyn) sizes computed
    /// from the runtime ones).
    fn conv2d_output(self) -> Self::Output;
}

/// The output shape of `Conv2d<Cin, Cout, K, St, P, D>` on an input of
/// shape `S`.
pub type Conv2dOut<S, Cin, Cout, K, St, P, D> = <S as Conv2dOutput<Cin, Cout, K, St, P, D>>::Output;

shape_gate! {
    /// The channel dimension of a `Conv2d` input equals its `in_channels`.
    gate Conv2dInChannels, digits Conv2dInChannelsDigits, lits Conv2dInChannelsLits,
    route Conv2dInChannelsRoute, check Conv2dInChannelsCheck;
    params (EXPECTED, FOUND);
    message = "shape mismatch: Conv2d expects {EXPECTED} input channels, but the incoming tensor has {FOUND}",
    label = "this tensor's channel dimension is {FOUND}, the layer's in_channels is {EXPECTED}",
    note = "a Conv2d input is (batch, channels, height, width); its channels must equal in_channels",
}

shape_gate! {
    /// The dilated kernel of a `Conv2d` fits in the padded input height.
    gate Conv2dKernelHeight, digits Conv2dKernelHeightDigits, lits Conv2dKernelHeightLits,
    route Conv2dKernelHeightRoute, check Conv2dKernelHeightCheck;
    params (K, EXTENT, PADDED, SIZE, PAD);
    message = "Conv2d kernel ({K}, dilated extent {EXTENT}) is larger than the padded input height ({PADDED} = {SIZE} + 2*{PAD})",
    label = "the kernel does not fit in this tensor's height",
    note = "Conv2d needs dilation*(kernel_size-1)+1 <= size + 2*padding in each spatial dimension",
}

shape_gate! {
    /// The dilated kernel of a `Conv2d` fits in the padded input width.
    gate Conv2dKernelWidth, digits Conv2dKernelWidthDigits, lits Conv2dKernelWidthLits,
    route Conv2dKernelWidthRoute, check Conv2dKernelWidthCheck;
    params (K, EXTENT, PADDED, SIZE, PAD);
    message = "Conv2d kernel ({K}, dilated extent {EXTENT}) is larger than the padded input width ({PADDED} = {SIZE} + 2*{PAD})",
    label = "the kernel does not fit in this tensor's width",
    note = "Conv2d needs dilation*(kernel_size-1)+1 <= size + 2*padding in each spatial dimension",
}

shape_gate! {
    /// The window size, stride and dilation of a `Conv2d` are at least 1.
    gate Conv2dParams, digits Conv2dParamsDigits, lits Conv2dParamsLits, route Conv2dParamsRoute,
    check Conv2dParamsCheck;
    params (K, STRIDE, DILATION);
    message = "Conv2d kernel_size, stride and dilation must be at least 1, but got kernel_size={K}, stride={STRIDE} and dilation={DILATION}",
    label = "this Conv2d layer has a zero parameter",
    note = "PyTorch rejects a zero kernel_size, stride or dilation when the layer is built",
}

rank_gate! {
    /// A `Conv2d` input has rank 4.
    gate Conv2dRank;
    params (RANK);
    message = "Conv2d expects a 4-D input (batch, channels, height, width), but got a {RANK}-D tensor",
    label = "this tensor has {RANK} dimensions",
    note = "add the missing dimensions (e.g. a batch of 1) before the Conv2d",
}

/// The width check runs only if the height fits: a kernel too large for a
/// square input is one error, not two.
type WidthCondition<H, W, K, S, P, D> =
    Or<<WindowFits<H, K, S, P, D> as Not>::Output, WindowFits<W, K, S, P, D>>;

impl<N, C, H, W, Cin, Cout, K, S, P, D> Conv2dRule<Cin, Cout, K, S, P, D> for (N, C, H, W)
where
    N: Dim,
    C: Dim + DimCompat<Cin>,
    H: Window<K, S, P, D>,
    W: Window<K, S, P, D>,
    Cin: StaticDim,
    Cout: StaticDim,
    K: StaticDim + KernelExtent<D> + WindowParams<S, D>,
    S: StaticDim,
    P: StaticDim,
    D: StaticDim,
    PositiveParams<K, S, D>: Conv2dParamsCheck<K, S, D>,
    Compatible<C, Cin>: Conv2dInChannelsCheck<Cin, C>,
    WindowFits<H, K, S, P, D>: Conv2dKernelHeightCheck<K, Extent<K, D>, WindowPadded<H, K, S, P, D>, H, P>
        + Not<Output: BitOr<WindowFits<W, K, S, P, D>>>,
    WidthCondition<H, W, K, S, P, D>:
        Conv2dKernelWidthCheck<K, Extent<K, D>, WindowPadded<W, K, S, P, D>, W, P>,
{
}

impl<N, C, H, W, Cin, Cout, K, S, P, D> Conv2dOutput<Cin, Cout, K, S, P, D> for (N, C, H, W)
where
    N: Dim,
    C: Dim,
    H: Window<K, S, P, D>,
    W: Window<K, S, P, D>,
    Cout: StaticDim,
{
    type Output = (N, Cout, WindowOut<H, K, S, P, D>, WindowOut<W, K, S, P, D>);

    #[inline]
    fn conv2d_output(self) -> Self::Output {
        (
            self.0,
            Cout::default(),
            self.2.window_output(),
            self.3.window_output(),
        )
    }
}

macro_rules! impl_conv2d_rank {
    ($rank:literal; $($d:ident),*) => {
        impl<$($d: Dim,)* Cin, Cout, K, S, P, D> Conv2dRule<Cin, Cout, K, S, P, D> for ($($d,)*)
        where
            Cin: StaticDim,
            False<Cin>: Conv2dRank<$rank>,
            Cout: StaticDim,
        {
        }

        impl<$($d: Dim,)* Cin, Cout: StaticDim, K, S, P, D> Conv2dOutput<Cin, Cout, K, S, P, D>
            for ($($d,)*)
        {
            type Output = (Invalid, Cout, Invalid, Invalid);

            #[inline]
            fn conv2d_output(self) -> Self::Output {
                (Invalid, Cout::default(), Invalid, Invalid)
            }
        }
    };
}

impl_conv2d_rank!(0;);
impl_conv2d_rank!(1; A);
impl_conv2d_rank!(2; A, B);
impl_conv2d_rank!(3; A, B, C);
