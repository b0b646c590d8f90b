//! Elementwise operations between two typed tensors (a residual add):
//! both shapes must be equal, dimension by dimension.

use typenum::{Eq, IsEqual, U0, U1, U2, U3};

use crate::shape::arith::{Compatible, DimCompat};
use crate::shape::gate::shape_gate;
use crate::shape::shape::{RankOf, Shape, TypeRank};

/// Implemented on a shape for every shape `Rhs` that an elementwise
/// operation (add, sub, mul, div) can combine it with: same rank and, per
/// dimension, equal static sizes. [`Dyn`](crate::shape::Dyn) matches any
/// size at compile time (the operation checks it at run time). The result
/// has the left-hand shape.
///
/// One blanket impl, so that the compiler never guesses `Rhs` from the
/// left-hand shape (which would turn a rank mismatch into a bare E0308).
pub trait SameShape<Rhs: Shape>: Shape {}

impl<L, R> SameShape<R> for L
where
    L: Shape + TypeRank + SameDims<R>,
    R: Shape + TypeRank,
    RankOf<L>: IsEqual<RankOf<R>>,
    Eq<RankOf<L>, RankOf<R>>: SameRankCheck<RankOf<L>, RankOf<R>>,
{
}

/// The per-dimension part of [`SameShape`]: implemented for every pair of
/// shapes; for equal ranks, each dimension pair must be compatible (shapes
/// of different ranks are reported by the rank gate instead).
pub trait SameDims<Rhs> {}

shape_gate! {
    /// Dimension `DIM` of both operands of an elementwise operation agree.
    gate SameDim, digits SameDimDigits, lits SameDimLits, route SameDimRoute,
    check SameDimCheck;
    params (DIM, LEFT, RIGHT);
    message = "cannot combine tensors of different shapes elementwise: dimension {DIM} is {LEFT} on the left but {RIGHT} on the right",
    label = "dimension {DIM} differs: {LEFT} vs {RIGHT}",
    note = "elementwise operations (add, sub, mul, div) need both tensors to have the same shape; there is no implicit broadcasting",
}

shape_gate! {
    /// Both operands of an elementwise operation have the same rank.
    gate SameRank, digits SameRankDigits, lits SameRankLits, route SameRankRoute,
    check SameRankCheck;
    params (LEFT, RIGHT);
    message = "cannot combine tensors of different shapes elementwise: a {LEFT}-D tensor and a {RIGHT}-D tensor",
    label = "the ranks differ: {LEFT} vs {RIGHT}",
    note = "elementwise operations (add, sub, mul, div) need both tensors to have the same shape; there is no implicit broadcasting",
}

macro_rules! impl_same {
    ($(($a:ident, $b:ident, $u:ident)),*) => {
        impl<$($a: DimCompat<$b>, $b,)*> SameDims<($($b,)*)> for ($($a,)*)
        where
            $(Compatible<$a, $b>: SameDimCheck<$u, $a, $b>,)*
        {
        }
    };
}

impl_same!();
impl_same!((A0, B0, U0));
impl_same!((A0, B0, U0), (A1, B1, U1));
impl_same!((A0, B0, U0), (A1, B1, U1), (A2, B2, U2));
impl_same!((A0, B0, U0), (A1, B1, U1), (A2, B2, U2), (A3, B3, U3));

/// Pairs of different ranks: nothing per dimension.
macro_rules! impl_rank_mismatch {
    ([$($a:ident),*] [$($b:ident),*]) => {
        impl<$($a,)* $($b,)*> SameDims<($($b,)*)> for ($($a,)*) {}
    };
}

impl_rank_mismatch!([][B0]);
impl_rank_mismatch!([] [B0, B1]);
impl_rank_mismatch!([] [B0, B1, B2]);
impl_rank_mismatch!([] [B0, B1, B2, B3]);
impl_rank_mismatch!([A0] []);
impl_rank_mismatch!([A0] [B0, B1]);
impl_rank_mismatch!([A0] [B0, B1, B2]);
impl_rank_mismatch!([A0] [B0, B1, B2, B3]);
impl_rank_mismatch!([A0, A1] []);
impl_rank_mismatch!([A0, A1][B0]);
impl_rank_mismatch!([A0, A1] [B0, B1, B2]);
impl_rank_mismatch!([A0, A1] [B0, B1, B2, B3]);
impl_rank_mismatch!([A0, A1, A2] []);
impl_rank_mismatch!([A0, A1, A2][B0]);
impl_rank_mismatch!([A0, A1, A2] [B0, B1]);
impl_rank_mismatch!([A0, A1, A2] [B0, B1, B2, B3]);
impl_rank_mismatch!([A0, A1, A2, A3] []);
impl_rank_mismatch!([A0, A1, A2, A3][B0]);
impl_rank_mismatch!([A0, A1, A2, A3] [B0, B1]);
impl_rank_mismatch!([A0, A1, A2, A3] [B0, B1, B2]);
