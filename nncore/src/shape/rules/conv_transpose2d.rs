//! `ConvTranspose2d(in_channels = Cin, out_channels = Cout, kernel_size = K,
//! stride = S, padding = P, output_padding = OP, dilation = D)`:
//! `(N, Cin, H, W) -> (N, Cout, Ho, Wo)` with
//! `Ho = (H-1)S - 2P + D(K-1) + OP + 1`, computed by the compiler.

use core::ops::{Add, BitOr, Mul, Not};

use typenum::{B1, Bit, Gr, IsGreater, IsLess, Le, Or, Prod, Sum, U0, U1, U2};

use crate::ops::conv_transpose_out;
use crate::shape::arith::{
    Compatible, DimCompat, Extent, If, KernelExtent, PositiveParams, SatDiff, SatSub, Select,
    WindowParams,
};
use crate::shape::dim::{Dim, Dyn, Invalid, StaticDim};
use crate::shape::gate::{False, rank_gate, shape_gate};
use crate::shape::shape::Shape;

/// One spatial dimension of a transposed convolution: the output length
/// for an input length `Self`.
pub trait TransposeWindow<K, S, P, OP, D>: Dim {
    /// The output length: [`Invalid`] if it would not be positive.
    type TransposeOutput: Dim;
    /// `B1` if the output length is at least 1 (always for [`Dyn`] and
    /// [`Invalid`]).
    type TransposeFits: Bit;
    /// `(H-1)S + D(K-1) + OP + 1`, the length before the padding is
    /// removed, for a static input (0 otherwise), for messages.
    type Grown;
    /// The runtime output length (computed for a [`Dyn`] input, 0 if it
    /// would not be positive: the runtime op reports that).
    fn transpose_output(self) -> Self::TransposeOutput;
}

/// Output length of a transposed convolution over `H` (see [`TransposeWindow`]).
pub type TransposeOut<H, K, S, P, OP, D> = <H as TransposeWindow<K, S, P, OP, D>>::TransposeOutput;
/// `B1` if the transposed convolution over `H` leaves at least one row.
pub type TransposeFits<H, K, S, P, OP, D> = <H as TransposeWindow<K, S, P, OP, D>>::TransposeFits;
/// `(H-1)S + D(K-1) + OP + 1` (see [`TransposeWindow`]).
pub type TransposeGrown<H, K, S, P, OP, D> = <H as TransposeWindow<K, S, P, OP, D>>::Grown;

/// `(H-1)S + D(K-1) + 1 + OP`.
type Grown<H, K, S, OP, D> = Sum<Sum<Prod<SatDiff<H, U1>, S>, Extent<K, D>>, OP>;
/// `2P`, what the padding removes.
type TwiceP<P> = Prod<P, U2>;
/// `B1` if `Grown > 2P`.
type Fits<H, K, S, P, OP, D> = Gr<Grown<H, K, S, OP, D>, TwiceP<P>>;

impl<H, K, S, P, OP, D> TransposeWindow<K, S, P, OP, D> for H
where
    H: StaticDim + SatSub<U1>,
    K: KernelExtent<D>,
    P: Mul<U2>,
    SatDiff<H, U1>: Mul<S>,
    Prod<SatDiff<H, U1>, S>: Add<Extent<K, D>>,
    Sum<Prod<SatDiff<H, U1>, S>, Extent<K, D>>: Add<OP>,
    Grown<H, K, S, OP, D>: IsGreater<TwiceP<P>> + SatSub<TwiceP<P>>,
    Fits<H, K, S, P, OP, D>: Bit + Select<SatDiff<Grown<H, K, S, OP, D>, TwiceP<P>>, Invalid>,
    If<Fits<H, K, S, P, OP, D>, SatDiff<Grown<H, K, S, OP, D>, TwiceP<P>>, Invalid>: Dim + Default,
{
    type TransposeOutput =
        If<Fits<H, K, S, P, OP, D>, SatDiff<Grown<H, K, S, OP, D>, TwiceP<P>>, Invalid>;
    type TransposeFits = Fits<H, K, S, P, OP, D>;
    type Grown = Grown<H, K, S, OP, D>;
    #[inline]
    fn transpose_output(self) -> Self::TransposeOutput {
        Default::default()
    }
}

impl<K: StaticDim, S: StaticDim, P: StaticDim, OP: StaticDim, D: StaticDim>
    TransposeWindow<K, S, P, OP, D> for Dyn
{
    type TransposeOutput = Dyn;
    type TransposeFits = B1;
    type Grown = U0;
    #[inline]
    fn transpose_output(self) -> Dyn {
        let (k, s, p, op, d) = (K::USIZE, S::USIZE, P::USIZE, OP::USIZE, D::USIZE);
        Dyn(conv_transpose_out(self.0, k, s, p, op, d).unwrap_or(0))
    }
}

impl<K, S, P, OP, D> TransposeWindow<K, S, P, OP, D> for Invalid {
    type TransposeOutput = Invalid;
    type TransposeFits = B1;
    type Grown = U0;
    #[inline]
    fn transpose_output(self) -> Invalid {
        Invalid
    }
}

/// The shape rule of `ConvTranspose2d` (square kernel `K`, stride `S`,
/// padding `P`, output padding `OP`, dilation `D`, all typenum numbers),
/// implemented on the input shape: `(N, C, H, W)` with `C == Cin` gives
/// `(N, Cout, Ho, Wo)` where `Ho = (H-1)S - 2P + D(K-1) + OP + 1`.
///
/// [`Dyn`] dimensions pass at compile time and are computed at run time.
/// If the output would be empty its size is [`Invalid`], so that later
/// layers report nothing more. The output comes from the unchecked
/// supertrait [`ConvTranspose2dOutput`].
#[diagnostic::on_unimplemented(
    message = "ConvTranspose2d cannot take an input of shape `{Self}`",
    note = "ConvTranspose2d takes a 4-D input (batch, channels, height, width)"
)]
pub trait ConvTranspose2dRule<Cin, Cout, K, S, P, OP, D>:
    ConvTranspose2dOutput<Cin, Cout, K, S, P, OP, D>
{
}

/// The output shape of `ConvTranspose2d` (unchecked: the checks are
/// [`ConvTranspose2dRule`]'s).
pub trait ConvTranspose2dOutput<Cin, Cout, K, S, P, OP, D>: Shape {
    /// The output shape.
    type Output: Shape;
    /// The output shape's value ([`Dyn`] sizes computed from the runtime
    /// ones).
    fn conv_transpose2d_output(self) -> Self::Output;
}

/// The output shape of `ConvTranspose2d<Cin, Cout, K, St, P, OP, _, D>` on
/// an input of shape `S`.
pub type ConvTranspose2dOut<S, Cin, Cout, K, St, P, OP, D> =
    <S as ConvTranspose2dOutput<Cin, Cout, K, St, P, OP, D>>::Output;

shape_gate! {
    /// The channel dimension of a `ConvTranspose2d` input equals its `in_channels`.
    gate ConvTranspose2dInChannels, digits ConvTranspose2dInChannelsDigits,
    lits ConvTranspose2dInChannelsLits, route ConvTranspose2dInChannelsRoute,
    check ConvTranspose2dInChannelsCheck;
    params (EXPECTED, FOUND);
    message = "shape mismatch: ConvTranspose2d expects {EXPECTED} input channels, but the incoming tensor has {FOUND}",
    label = "this tensor's channel dimension is {FOUND}, the layer's in_channels is {EXPECTED}",
    note = "a ConvTranspose2d input is (batch, channels, height, width); its channels must equal in_channels",
}

shape_gate! {
    /// A `ConvTranspose2d` leaves at least one output row.
    gate ConvTranspose2dHeight, digits ConvTranspose2dHeightDigits,
    lits ConvTranspose2dHeightLits, route ConvTranspose2dHeightRoute,
    check ConvTranspose2dHeightCheck;
    params (SIZE, GROWN, PAD, TWICE_PAD);
    message = "ConvTranspose2d output height would be empty: the input height {SIZE} grows to {GROWN}, and padding={PAD} takes 2*{PAD} = {TWICE_PAD} away",
    label = "this tensor's height is too small for the layer's padding",
    note = "ConvTranspose2d's output size is (size-1)*stride + dilation*(kernel_size-1) + output_padding + 1 - 2*padding, and must be at least 1",
}

shape_gate! {
    /// A `ConvTranspose2d` leaves at least one output column.
    gate ConvTranspose2dWidth, digits ConvTranspose2dWidthDigits,
    lits ConvTranspose2dWidthLits, route ConvTranspose2dWidthRoute,
    check ConvTranspose2dWidthCheck;
    params (SIZE, GROWN, PAD, TWICE_PAD);
    message = "ConvTranspose2d output width would be empty: the input width {SIZE} grows to {GROWN}, and padding={PAD} takes 2*{PAD} = {TWICE_PAD} away",
    label = "this tensor's width is too small for the layer's padding",
    note = "ConvTranspose2d's output size is (size-1)*stride + dilation*(kernel_size-1) + output_padding + 1 - 2*padding, and must be at least 1",
}

shape_gate! {
    /// `ConvTranspose2d`'s output padding is smaller than its stride or its
    /// dilation (PyTorch's rule).
    gate ConvTranspose2dOutputPadding, digits ConvTranspose2dOutputPaddingDigits,
    lits ConvTranspose2dOutputPaddingLits, route ConvTranspose2dOutputPaddingRoute,
    check ConvTranspose2dOutputPaddingCheck;
    params (OUTPUT_PADDING, STRIDE, DILATION);
    message = "ConvTranspose2d output_padding ({OUTPUT_PADDING}) must be smaller than either stride ({STRIDE}) or dilation ({DILATION})",
    label = "this ConvTranspose2d layer's output_padding is too large",
    note = "output_padding only picks one of the stride's possible output sizes, so PyTorch requires output_padding < stride or output_padding < dilation",
}

shape_gate! {
    /// The kernel size, stride and dilation of a `ConvTranspose2d` are at least 1.
    gate ConvTranspose2dParams, digits ConvTranspose2dParamsDigits,
    lits ConvTranspose2dParamsLits, route ConvTranspose2dParamsRoute,
    check ConvTranspose2dParamsCheck;
    params (K, STRIDE, DILATION);
    message = "ConvTranspose2d kernel_size, stride and dilation must be at least 1, but got kernel_size={K}, stride={STRIDE} and dilation={DILATION}",
    label = "this ConvTranspose2d layer has a zero parameter",
    note = "PyTorch rejects a zero kernel_size, stride or dilation",
}

rank_gate! {
    /// A `ConvTranspose2d` input has rank 4.
    gate ConvTranspose2dRank;
    params (RANK);
    message = "ConvTranspose2d expects a 4-D input (batch, channels, height, width), but got a {RANK}-D tensor",
    label = "this tensor has {RANK} dimensions",
    note = "add the missing dimensions (e.g. a batch of 1) before the ConvTranspose2d",
}

/// `B1` if `OP < S` or `OP < D`.
type OutputPaddingOk<OP, S, D> = Or<Le<OP, S>, Le<OP, D>>;
/// The width check runs only if the height fits (one error per mistake).
type WidthCondition<H, W, K, S, P, OP, D> =
    Or<<TransposeFits<H, K, S, P, OP, D> as Not>::Output, TransposeFits<W, K, S, P, OP, D>>;

impl<N, C, H, W, Cin, Cout, K, S, P, OP, D> ConvTranspose2dRule<Cin, Cout, K, S, P, OP, D>
    for (N, C, H, W)
where
    N: Dim,
    C: Dim + DimCompat<Cin>,
    H: TransposeWindow<K, S, P, OP, D>,
    W: TransposeWindow<K, S, P, OP, D>,
    Cin: StaticDim,
    Cout: StaticDim,
    K: StaticDim + KernelExtent<D> + WindowParams<S, D>,
    S: StaticDim,
    P: StaticDim + Mul<U2>,
    OP: StaticDim + IsLess<S> + IsLess<D>,
    D: StaticDim,
    Le<OP, S>: BitOr<Le<OP, D>>,
    PositiveParams<K, S, D>: ConvTranspose2dParamsCheck<K, S, D>,
    OutputPaddingOk<OP, S, D>: ConvTranspose2dOutputPaddingCheck<OP, S, D>,
    Compatible<C, Cin>: ConvTranspose2dInChannelsCheck<Cin, C>,
    TransposeFits<H, K, S, P, OP, D>: ConvTranspose2dHeightCheck<H, TransposeGrown<H, K, S, P, OP, D>, P, TwiceP<P>>
        + Not<Output: BitOr<TransposeFits<W, K, S, P, OP, D>>>,
    WidthCondition<H, W, K, S, P, OP, D>:
        ConvTranspose2dWidthCheck<W, TransposeGrown<W, K, S, P, OP, D>, P, TwiceP<P>>,
{
}

impl<N, C, H, W, Cin, Cout, K, S, P, OP, D> ConvTranspose2dOutput<Cin, Cout, K, S, P, OP, D>
    for (N, C, H, W)
where
    N: Dim,
    C: Dim,
    H: TransposeWindow<K, S, P, OP, D>,
    W: TransposeWindow<K, S, P, OP, D>,
    Cout: StaticDim,
{
    type Output = (
        N,
        Cout,
        TransposeOut<H, K, S, P, OP, D>,
        TransposeOut<W, K, S, P, OP, D>,
    );

    #[inline]
    fn conv_transpose2d_output(self) -> Self::Output {
        (
            self.0,
            Cout::default(),
            self.2.transpose_output(),
            self.3.transpose_output(),
        )
    }
}

macro_rules! impl_conv_transpose2d_rank {
    ($rank:literal; $($d:ident),*) => {
        impl<$($d: Dim,)* Cin, Cout, K, S, P, OP, D> ConvTranspose2dRule<Cin, Cout, K, S, P, OP, D>
            for ($($d,)*)
        where
            Cin: StaticDim,
            False<Cin>: ConvTranspose2dRank<$rank>,
            Cout: StaticDim,
        {
        }

        impl<$($d: Dim,)* Cin, Cout: StaticDim, K, S, P, OP, D>
            ConvTranspose2dOutput<Cin, Cout, K, S, P, OP, D> for ($($d,)*)
        {
            type Output = (Invalid, Cout, Invalid, Invalid);

            #[inline]
            fn conv_transpose2d_output(self) -> Self::Output {
                (Invalid, Cout::default(), Invalid, Invalid)
            }
        }
    };
}

impl_conv_transpose2d_rank!(0;);
impl_conv_transpose2d_rank!(1; A);
impl_conv_transpose2d_rank!(2; A, B);
impl_conv_transpose2d_rank!(3; A, B, C);
