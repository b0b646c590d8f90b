//! Type-level arithmetic on dimensions. It never fails: subtraction
//! saturates at zero and division is by at least one, so that a rule's gate
//! is the only thing that can report an error (principle 2 in the notes).
//! Every operation has a named alias.

use core::ops::{Add, BitAnd, Div, Mul, Sub};

use typenum::{
    And, B0, B1, Bit, Diff, Gr, GrEq, IsEqual, IsGreater, IsGreaterOrEqual, Max, Maximum, Prod,
    Quot, Sum, U0, U1, U2,
};

use super::dim::{Dim, Dyn, Invalid, StaticDim};

/// Type-level `if`: `B1` selects `T`, `B0` selects `F`.
pub trait Select<T, F> {
    /// The selected type.
    type Output;
}
impl<T, F> Select<T, F> for B1 {
    type Output = T;
}
impl<T, F> Select<T, F> for B0 {
    type Output = F;
}

/// `T` if the bit `C` is `B1`, else `F`.
pub type If<C, T, F> = <C as Select<T, F>>::Output;

/// Saturating subtraction of typenum numbers: `A - B`, or 0 if `B > A`.
pub trait SatSub<B> {
    /// The difference, at least 0.
    type Output;
}

impl<A: IsGreaterOrEqual<B>, B> SatSub<B> for A
where
    GrEq<A, B>: SatSubBy<A, B>,
{
    type Output = <GrEq<A, B> as SatSubBy<A, B>>::Output;
}

/// Step of [`SatSub`], chosen by `A >= B`.
pub trait SatSubBy<A, B> {
    /// The difference, at least 0.
    type Output;
}
impl<A: Sub<B>, B> SatSubBy<A, B> for B1 {
    type Output = Diff<A, B>;
}
impl<A, B> SatSubBy<A, B> for B0 {
    type Output = U0;
}

/// `A - B` saturating at 0.
pub type SatDiff<A, B> = <A as SatSub<B>>::Output;

/// Whether two dimensions may be the same size, as far as the compiler
/// knows: two static sizes must be equal; [`Dyn`] (checked at run time) and
/// [`Invalid`] (an error already reported) agree with anything.
pub trait DimCompat<Rhs> {
    /// `B1` if compatible.
    type Output: Bit;
}

/// `B1` if dimensions `A` and `B` are compatible (see [`DimCompat`]).
pub type Compatible<A, B> = <A as DimCompat<B>>::Output;

impl<L: StaticDim + IsEqual<R>, R: StaticDim> DimCompat<R> for L
where
    <L as IsEqual<R>>::Output: Bit,
{
    type Output = <L as IsEqual<R>>::Output;
}
impl<L: StaticDim> DimCompat<Dyn> for L {
    type Output = B1;
}
impl<L: StaticDim> DimCompat<Invalid> for L {
    type Output = B1;
}
impl<R> DimCompat<R> for Dyn {
    type Output = B1;
}
impl<R> DimCompat<R> for Invalid {
    type Output = B1;
}

/// Product of two dimensions: static if both are, [`Dyn`] if one is,
/// [`Invalid`] if one is.
pub trait DimMul<Rhs: Dim>: Dim {
    /// The product dimension.
    type Output: Dim;
    /// The product's runtime value.
    fn dim_mul(self, rhs: Rhs) -> Self::Output;
}

/// The product of dimensions `A` and `B`.
pub type DimProd<A, B> = <A as DimMul<B>>::Output;

impl<L: StaticDim + Mul<R>, R: StaticDim> DimMul<R> for L
where
    Prod<L, R>: StaticDim,
{
    type Output = Prod<L, R>;
    #[inline]
    fn dim_mul(self, _rhs: R) -> Self::Output {
        Default::default()
    }
}
impl<L: StaticDim> DimMul<Dyn> for L {
    type Output = Dyn;
    #[inline]
    fn dim_mul(self, rhs: Dyn) -> Dyn {
        Dyn(L::USIZE * rhs.0)
    }
}
impl<L: StaticDim> DimMul<Invalid> for L {
    type Output = Invalid;
    #[inline]
    fn dim_mul(self, _rhs: Invalid) -> Invalid {
        Invalid
    }
}
impl<R: StaticDim> DimMul<R> for Dyn {
    type Output = Dyn;
    #[inline]
    fn dim_mul(self, _rhs: R) -> Dyn {
        Dyn(self.0 * R::USIZE)
    }
}
impl DimMul<Dyn> for Dyn {
    type Output = Dyn;
    #[inline]
    fn dim_mul(self, rhs: Dyn) -> Dyn {
        Dyn(self.0 * rhs.0)
    }
}
impl<R: Dim> DimMul<R> for Invalid {
    type Output = Invalid;
    #[inline]
    fn dim_mul(self, _rhs: R) -> Invalid {
        Invalid
    }
}
impl DimMul<Invalid> for Dyn {
    type Output = Invalid;
    #[inline]
    fn dim_mul(self, _rhs: Invalid) -> Invalid {
        Invalid
    }
}

/// The dilated extent of a window of size `Self` with dilation `D`.
pub trait KernelExtent<D> {
    /// `D * (Self - 1) + 1` (1 for a size of 0).
    type Output;
}

impl<K: SatSub<U1>, D: Mul<SatDiff<K, U1>>> KernelExtent<D> for K
where
    Prod<D, SatDiff<K, U1>>: Add<U1>,
{
    type Output = Sum<Prod<D, SatDiff<K, U1>>, U1>;
}

/// The dilated extent of a window: `D * (K - 1) + 1` (1 for `K = 0`).
pub type Extent<K, D> = <K as KernelExtent<D>>::Output;

/// Whether a window size `Self`, stride `S` and dilation `D` are all at
/// least 1 (PyTorch rejects zeros at construction).
pub trait WindowParams<S, D> {
    /// `B1` if all three are positive.
    type Positive: Bit;
}

impl<K: IsGreater<U0>, S: IsGreater<U0>, D: IsGreater<U0>> WindowParams<S, D> for K
where
    Gr<K, U0>: BitAnd<Gr<S, U0>>,
    And<Gr<K, U0>, Gr<S, U0>>: BitAnd<Gr<D, U0>>,
    And<And<Gr<K, U0>, Gr<S, U0>>, Gr<D, U0>>: Bit,
{
    type Positive = And<And<Gr<K, U0>, Gr<S, U0>>, Gr<D, U0>>;
}

/// `B1` if the window size `K`, stride `S` and dilation `D` are positive.
pub type PositiveParams<K, S, D> = <K as WindowParams<S, D>>::Positive;

/// An input length plus padding on both sides: `H + 2 * P`.
pub type Padded<H, P> = Sum<H, Prod<P, U2>>;

/// The length after sliding a window of size `K`, stride `S`, padding `P`
/// and dilation `D` over a dimension (PyTorch's floor formula
/// `(H + 2P - D(K-1) - 1) / S + 1`), shared by conv and pooling layers.
pub trait Window<K, S, P, D>: Dim {
    /// The output length: [`Invalid`] if the window does not fit.
    type Output: Dim;
    /// `B1` if the dilated window fits in the padded input (always for
    /// [`Dyn`] and [`Invalid`]).
    type Fits: Bit;
    /// `H + 2P` for a static input (0 otherwise), for messages.
    type Padded;
    /// The runtime output length: for a [`Dyn`] input computed here, 0 if
    /// the window does not fit (the runtime op must check).
    fn window_output(self) -> Self::Output;
}

/// Output length of a window sweep over `H` (see [`Window`]).
pub type WindowOut<H, K, S, P, D> = <H as Window<K, S, P, D>>::Output;
/// `B1` if the window fits in the padded `H` (see [`Window`]).
pub type WindowFits<H, K, S, P, D> = <H as Window<K, S, P, D>>::Fits;
/// `H + 2P` as computed for [`Window`] messages.
pub type WindowPadded<H, K, S, P, D> = <H as Window<K, S, P, D>>::Padded;

/// `(H + 2P - Ext) / max(S, 1) + 1`, saturating.
type RawOut<H, K, S, P, D> = Sum<Quot<SatDiff<Padded<H, P>, Extent<K, D>>, Maximum<S, U1>>, U1>;

impl<H, K, S, P, D> Window<K, S, P, D> for H
where
    H: StaticDim + Add<Prod<P, U2>>,
    K: StaticDim + KernelExtent<D>,
    S: StaticDim + Max<U1>,
    P: StaticDim + Mul<U2>,
    D: StaticDim,
    Padded<H, P>: IsGreaterOrEqual<Extent<K, D>> + SatSub<Extent<K, D>>,
    SatDiff<Padded<H, P>, Extent<K, D>>: Div<Maximum<S, U1>>,
    Quot<SatDiff<Padded<H, P>, Extent<K, D>>, Maximum<S, U1>>: Add<U1>,
    GrEq<Padded<H, P>, Extent<K, D>>: Bit + Select<RawOut<H, K, S, P, D>, Invalid>,
    If<GrEq<Padded<H, P>, Extent<K, D>>, RawOut<H, K, S, P, D>, Invalid>: Dim + Default,
{
    type Output = If<GrEq<Padded<H, P>, Extent<K, D>>, RawOut<H, K, S, P, D>, Invalid>;
    type Fits = GrEq<Padded<H, P>, Extent<K, D>>;
    type Padded = Padded<H, P>;
    #[inline]
    fn window_output(self) -> Self::Output {
        Default::default()
    }
}

/// PyTorch's output length for a runtime size (0 if the window does not
/// fit, or if the stride is 0).
#[inline]
pub fn window_len(h: usize, k: usize, s: usize, p: usize, d: usize) -> usize {
    let extent = d * k.saturating_sub(1) + 1;
    match (h + 2 * p).checked_sub(extent) {
        Some(room) if s > 0 => room / s + 1,
        _ => 0,
    }
}

impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> Window<K, S, P, D> for Dyn {
    type Output = Dyn;
    type Fits = B1;
    type Padded = U0;
    #[inline]
    fn window_output(self) -> Dyn {
        Dyn(window_len(self.0, K::USIZE, S::USIZE, P::USIZE, D::USIZE))
    }
}

impl<K, S, P, D> Window<K, S, P, D> for Invalid {
    type Output = Invalid;
    type Fits = B1;
    type Padded = U0;
    #[inline]
    fn window_output(self) -> Invalid {
        Invalid
    }
}
