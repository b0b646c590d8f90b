//! `Conv1d(in_channels = Cin, out_channels = Cout, kernel_size = K,
//! stride = S, padding = P, dilation = D)`: `(N, Cin, L) -> (N, Cout, Lo)`
//! with `Lo = (L + 2P - D(K-1) - 1) / S + 1`, computed by the compiler.

use crate::shape::arith::{
    Compatible, DimCompat, Extent, KernelExtent, PositiveParams, Window, WindowFits, WindowOut,
    WindowPadded, WindowParams,
};
use crate::shape::dim::{Dim, Invalid, StaticDim};
use crate::shape::gate::{False, rank_gate, shape_gate};
use crate::shape::shape::Shape;

/// The shape rule of `Conv1d` (kernel `K`, stride `S`, padding `P`,
/// dilation `D`, all typenum numbers), implemented on the input shape:
/// `(N, C, L)` with `C == Cin` gives `(N, Cout, Lo)`. [`Dyn`](crate::shape::Dyn)
/// dimensions pass at compile time and are computed at run time; a kernel
/// that does not fit makes the length [`Invalid`]. The output comes from
/// the unchecked supertrait [`Conv1dOutput`].
#[diagnostic::on_unimplemented(
    message = "Conv1d cannot take an input of shape `{Self}`",
    note = "Conv1d takes a 3-D input (batch, channels, length)"
)]
pub trait Conv1dRule<Cin, Cout, K, S, P, D>: Conv1dOutput<Cin, Cout, K, S, P, D> {}

/// The output shape of `Conv1d` (unchecked: the checks are
/// [`Conv1dRule`]'s).
pub trait Conv1dOutput<Cin, Cout, K, S, P, D>: Shape {
    /// The output shape.
    type Output: Shape;
    /// The output shape's value ([`Dyn`](crate::shape::Dyn) sizes computed
    /// from the runtime ones).
    fn conv1d_output(self) -> Self::Output;
}

/// The output shape of `Conv1d<Cin, Cout, K, St, P, D>` on an input of
/// shape `S`.
pub type Conv1dOut<S, Cin, Cout, K, St, P, D> = <S as Conv1dOutput<Cin, Cout, K, St, P, D>>::Output;

shape_gate! {
    /// The channel dimension of a `Conv1d` input equals its `in_channels`.
    gate Conv1dInChannels, digits Conv1dInChannelsDigits, lits Conv1dInChannelsLits,
    route Conv1dInChannelsRoute, check Conv1dInChannelsCheck;
    params (EXPECTED, FOUND);
    message = "shape mismatch: Conv1d expects {EXPECTED} input channels, but the incoming tensor has {FOUND}",
    label = "this tensor's channel dimension is {FOUND}, the layer's in_channels is {EXPECTED}",
    note = "a Conv1d input is (batch, channels, length); its channels must equal in_channels",
}

shape_gate! {
    /// The dilated kernel of a `Conv1d` fits in the padded input length.
    gate Conv1dKernelLength, digits Conv1dKernelLengthDigits, lits Conv1dKernelLengthLits,
    route Conv1dKernelLengthRoute, check Conv1dKernelLengthCheck;
    params (K, EXTENT, PADDED, SIZE, PAD);
    message = "Conv1d kernel ({K}, dilated extent {EXTENT}) is larger than the padded input length ({PADDED} = {SIZE} + 2*{PAD})",
    label = "the kernel does not fit in this tensor's length",
    note = "Conv1d needs dilation*(kernel_size-1)+1 <= length + 2*padding",
}

shape_gate! {
    /// The kernel size, stride and dilation of a `Conv1d` are at least 1.
    gate Conv1dParams, digits Conv1dParamsDigits, lits Conv1dParamsLits, route Conv1dParamsRoute,
    check Conv1dParamsCheck;
    params (K, STRIDE, DILATION);
    message = "Conv1d kernel_size, stride and dilation must be at least 1, but got kernel_size={K}, stride={STRIDE} and dilation={DILATION}",
    label = "this Conv1d layer has a zero parameter",
    note = "PyTorch rejects a zero kernel_size, stride or dilation when the layer is built",
}

rank_gate! {
    /// A `Conv1d` input has rank 3.
    gate Conv1dRank;
    params (RANK);
    message = "Conv1d expects a 3-D input (batch, channels, length), but got a {RANK}-D tensor",
    label = "this tensor has {RANK} dimensions",
    note = "add the missing dimensions (e.g. a batch of 1) before the Conv1d",
}

impl<N, C, L, Cin, Cout, K, S, P, D> Conv1dRule<Cin, Cout, K, S, P, D> for (N, C, L)
where
    N: Dim,
    C: Dim + DimCompat<Cin>,
    L: Window<K, S, P, D>,
    Cin: StaticDim,
    Cout: StaticDim,
    K: StaticDim + KernelExtent<D> + WindowParams<S, D>,
    S: StaticDim,
    P: StaticDim,
    D: StaticDim,
    PositiveParams<K, S, D>: Conv1dParamsCheck<K, S, D>,
    Compatible<C, Cin>: Conv1dInChannelsCheck<Cin, C>,
    WindowFits<L, K, S, P, D>:
        Conv1dKernelLengthCheck<K, Extent<K, D>, WindowPadded<L, K, S, P, D>, L, P>,
{
}

impl<N, C, L, Cin, Cout, K, S, P, D> Conv1dOutput<Cin, Cout, K, S, P, D> for (N, C, L)
where
    N: Dim,
    C: Dim,
    L: Window<K, S, P, D>,
    Cout: StaticDim,
{
    type Output = (N, Cout, WindowOut<L, K, S, P, D>);

    #[inline]
    fn conv1d_output(self) -> Self::Output {
        (self.0, Cout::default(), self.2.window_output())
    }
}

macro_rules! impl_conv1d_rank {
    ($rank:literal; $($d:ident),*) => {
        impl<$($d: Dim,)* Cin, Cout, K, S, P, D> Conv1dRule<Cin, Cout, K, S, P, D> for ($($d,)*)
        where
            Cin: StaticDim,
            False<Cin>: Conv1dRank<$rank>,
            Cout: StaticDim,
        {
        }

        impl<$($d: Dim,)* Cin, Cout: StaticDim, K, S, P, D> Conv1dOutput<Cin, Cout, K, S, P, D>
            for ($($d,)*)
        {
            type Output = (Invalid, Cout, Invalid);

            #[inline]
            fn conv1d_output(self) -> Self::Output {
                (Invalid, Cout::default(), Invalid)
            }
        }
    };
}

impl_conv1d_rank!(0;);
impl_conv1d_rank!(1; A);
impl_conv1d_rank!(2; A, B);
impl_conv1d_rank!(4; A, B, C, E);
