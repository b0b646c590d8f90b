//! Joining tensors along a dimension: `cat::<D>` (`torch.cat([a, b], D)`)
//! adds the sizes of dimension `D` and needs every other dimension equal;
//! `stack` (a new dimension, [`InsertRule`](super::axis::InsertRule)) needs
//! equal shapes.

use core::ops::Add;

use typenum::{Eq, IsEqual, Sum, U0, U1, U2, U3};

use crate::shape::arith::{Compatible, DimCompat};
use crate::shape::dim::{Dim, Dyn, Invalid, StaticDim};
use crate::shape::gate::shape_gate;
use crate::shape::shape::{RankOf, Shape, TypeRank};

use super::axis::{At, AxisRule, ReplaceDim, SizeAt};

/// The sum of two dimensions: static if both are, [`Dyn`] if one is a
/// runtime size, [`Invalid`] if one is poisoned.
pub trait DimAdd<Rhs: Dim>: Dim {
    /// The sum.
    type Output: Dim;
    /// Its value.
    fn dim_add(self, rhs: Rhs) -> Self::Output;
}

/// The sum of dimensions `A` and `B`.
pub type DimSum<A, B> = <A as DimAdd<B>>::Output;

impl<L: StaticDim + Add<R>, R: StaticDim> DimAdd<R> for L
where
    Sum<L, R>: StaticDim,
{
    type Output = Sum<L, R>;
    #[inline]
    fn dim_add(self, _rhs: R) -> Self::Output {
        Default::default()
    }
}
impl<L: StaticDim> DimAdd<Dyn> for L {
    type Output = Dyn;
    #[inline]
    fn dim_add(self, rhs: Dyn) -> Dyn {
        Dyn(L::USIZE + rhs.0)
    }
}
impl<L: StaticDim> DimAdd<Invalid> for L {
    type Output = Invalid;
    #[inline]
    fn dim_add(self, _rhs: Invalid) -> Invalid {
        Invalid
    }
}
impl<R: StaticDim> DimAdd<R> for Dyn {
    type Output = Dyn;
    #[inline]
    fn dim_add(self, _rhs: R) -> Dyn {
        Dyn(self.0 + R::USIZE)
    }
}
impl DimAdd<Dyn> for Dyn {
    type Output = Dyn;
    #[inline]
    fn dim_add(self, rhs: Dyn) -> Dyn {
        Dyn(self.0 + rhs.0)
    }
}
impl DimAdd<Invalid> for Dyn {
    type Output = Invalid;
    #[inline]
    fn dim_add(self, _rhs: Invalid) -> Invalid {
        Invalid
    }
}
impl<R: Dim> DimAdd<R> for Invalid {
    type Output = Invalid;
    #[inline]
    fn dim_add(self, _rhs: R) -> Invalid {
        Invalid
    }
}

/// The output shape of `cat::<D>` (unchecked: the checks are [`CatRule`]'s).
pub trait CatOutput<R, const D: usize>: Shape {
    /// The left shape with dimension `D` the sum of both.
    type Output: Shape;
    /// Its value.
    fn cat_output(self, rhs: R) -> Self::Output;
}

impl<L, R, const D: usize> CatOutput<R, D> for L
where
    L: At<D>,
    R: At<D>,
    SizeAt<L, D>: DimAdd<SizeAt<R, D>>,
{
    type Output = ReplaceDim<L, D, DimSum<SizeAt<L, D>, SizeAt<R, D>>>;
    #[inline]
    fn cat_output(self, rhs: R) -> Self::Output {
        let size = self.size_at().dim_add(rhs.size_at());
        self.with(size)
    }
}

/// The output shape of `cat::<D>` of shapes `L` and `R`.
pub type CatOut<L, R, const D: usize> = <L as CatOutput<R, D>>::Output;

/// The shape rule of `a.cat::<D>(&b)`, implemented on `a`'s shape for
/// `b`'s: same rank, `D` a dimension, every other dimension equal
/// ([`Dyn`] sizes are checked at run time). The output is [`CatOut`].
///
/// ```
/// use nncore::shape::*;
/// fn cat<L: CatRule<R, 1>, R: Shape>(l: L, r: R) -> CatOut<L, R, 1> {
///     l.cat_output(r)
/// }
/// let y = cat((Dyn(2), U3::new()), (Dyn(2), U5::new()));
/// assert_eq!(y.dims().as_slice(), &[2, 8]);
/// ```
pub trait CatRule<R: Shape, const D: usize>: CatOutput<R, D> + AxisRule<D> {}

shape_gate! {
    /// The tensors `cat` joins have the same size in every other dimension.
    gate CatDim, digits CatDimDigits, lits CatDimLits, route CatDimRoute, check CatDimCheck;
    params (ALONG, DIM, LEFT, RIGHT);
    message = "shape mismatch: cat along dimension {ALONG} needs the other dimensions equal, but dimension {DIM} is {LEFT} in the first tensor and {RIGHT} in the second",
    label = "dimension {DIM} differs: {LEFT} vs {RIGHT}",
    note = "torch.cat joins tensors along one dimension; every other dimension must match",
}

shape_gate! {
    /// The tensors `cat` joins have the same rank.
    gate CatRank, digits CatRankDigits, lits CatRankLits, route CatRankRoute, check CatRankCheck;
    params (LEFT, RIGHT);
    message = "cat joins tensors of the same rank, but got a {LEFT}-D tensor and a {RIGHT}-D tensor",
    label = "the ranks differ: {LEFT} vs {RIGHT}",
    note = "to add a new dimension, unsqueeze one tensor first or use stack",
}

/// The per-dimension part of [`CatRule`]: `Self` and `Rhs` are the two
/// shapes with the joined dimension replaced by [`Dyn`] (which matches
/// anything), `Along` its number; every pair of sizes must agree. Shapes
/// of different ranks are reported by the rank gate instead.
pub trait CatDims<Rhs, Along> {}

macro_rules! impl_cat_dims {
    ($(($a:ident, $b:ident, $u:ident)),*) => {
        impl<Along, $($a: DimCompat<$b>, $b,)*> CatDims<($($b,)*), Along> for ($($a,)*)
        where
            $(Compatible<$a, $b>: CatDimCheck<Along, $u, $a, $b>,)*
        {
        }
    };
}

impl_cat_dims!();
impl_cat_dims!((A0, B0, U0));
impl_cat_dims!((A0, B0, U0), (A1, B1, U1));
impl_cat_dims!((A0, B0, U0), (A1, B1, U1), (A2, B2, U2));
impl_cat_dims!((A0, B0, U0), (A1, B1, U1), (A2, B2, U2), (A3, B3, U3));

macro_rules! impl_cat_rank_mismatch {
    ($([$($a:ident),*] [$($b:ident),*];)*) => {$(
        impl<Along, $($a,)* $($b,)*> CatDims<($($b,)*), Along> for ($($a,)*) {}
    )*};
}

impl_cat_rank_mismatch! {
    [] [B0]; [] [B0, B1]; [] [B0, B1, B2]; [] [B0, B1, B2, B3];
    [A0] []; [A0] [B0, B1]; [A0] [B0, B1, B2]; [A0] [B0, B1, B2, B3];
    [A0, A1] []; [A0, A1] [B0]; [A0, A1] [B0, B1, B2]; [A0, A1] [B0, B1, B2, B3];
    [A0, A1, A2] []; [A0, A1, A2] [B0]; [A0, A1, A2] [B0, B1]; [A0, A1, A2] [B0, B1, B2, B3];
    [A0, A1, A2, A3] []; [A0, A1, A2, A3] [B0]; [A0, A1, A2, A3] [B0, B1];
    [A0, A1, A2, A3] [B0, B1, B2];
}

impl<L, R, const D: usize> CatRule<R, D> for L
where
    L: CatOutput<R, D> + AxisRule<D> + TypeRank,
    R: Shape + At<D> + TypeRank,
    RankOf<L>: IsEqual<RankOf<R>>,
    Eq<RankOf<L>, RankOf<R>>: CatRankCheck<RankOf<L>, RankOf<R>>,
    ReplaceDim<L, D, Dyn>: CatDims<ReplaceDim<R, D, Dyn>, <L as At<D>>::Index>,
{
}
