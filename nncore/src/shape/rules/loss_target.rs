//! A loss's target has the input's shape, dimension by dimension (no
//! broadcasting): `MSELoss`, `L1Loss`, `BCELoss`, `KLDivLoss`, ... Like
//! [`SameShape`](super::SameShape), with messages that name the loss, the
//! input and the target.

use typenum::{Eq, IsEqual, U0, U1, U2, U3};

use crate::shape::arith::{Compatible, DimCompat};
use crate::shape::gate::shape_gate;
use crate::shape::shape::{RankOf, Shape, TypeRank};

/// The shape rule of a loss `L` (its module type, printed by name in the
/// errors) between an input of shape `Self` and a target of shape `T`:
/// same rank and, per dimension, equal static sizes.
/// [`Dyn`](crate::shape::Dyn) matches any size at compile time (the loss
/// checks it at run time).
///
/// ```
/// use nncore::loss::BCELoss;
/// use nncore::shape::*;
/// fn bce<S: LossTargetRule<T, BCELoss>, T: Shape>(_: S, _: T) {}
/// bce((Dyn(4), U3::new()), (Dyn(4), U3::new()));
/// ```
pub trait LossTargetRule<T: Shape, L>: Shape {}

impl<S, T, L> LossTargetRule<T, L> for S
where
    S: Shape + TypeRank + LossTargetDims<T, L>,
    T: Shape + TypeRank,
    RankOf<S>: IsEqual<RankOf<T>>,
    Eq<RankOf<S>, RankOf<T>>: LossTargetRankCheck<L, RankOf<S>, RankOf<T>>,
{
}

/// The per-dimension part of [`LossTargetRule`]: implemented for every
/// pair of shapes; for equal ranks each dimension pair must be compatible
/// (a rank mismatch is reported by the rank gate alone).
pub trait LossTargetDims<T, L> {}

shape_gate! {
    /// Dimension `DIM` of a loss's input and target agree.
    types (L);
    gate LossTargetDim, digits LossTargetDimDigits, lits LossTargetDimLits,
    route LossTargetDimRoute, check LossTargetDimCheck;
    params (DIM, INPUT, TARGET);
    message = "shape mismatch: {L} needs the target to have the input's shape, but dimension {DIM} is {INPUT} in the input and {TARGET} in the target",
    label = "dimension {DIM} differs: {INPUT} in the input, {TARGET} in the target",
    note = "{L} compares the input and the target element by element; Kiln does not broadcast",
}

shape_gate! {
    /// A loss's input and target have the same rank.
    types (L);
    gate LossTargetRank, digits LossTargetRankDigits, lits LossTargetRankLits,
    route LossTargetRankRoute, check LossTargetRankCheck;
    params (INPUT, TARGET);
    message = "shape mismatch: {L} needs the target to have the input's shape, but got a {INPUT}-D input and a {TARGET}-D target",
    label = "a {INPUT}-D input and a {TARGET}-D target",
    note = "PyTorch broadcasts such a pair (with a warning) into a loss over every input-target pair; Kiln needs the same shape, e.g. a (batch, 1) target for a (batch, 1) output",
}

macro_rules! impl_dims {
    ($(($a:ident, $b:ident, $u:ident)),*) => {
        impl<L, $($a: DimCompat<$b>, $b,)*> LossTargetDims<($($b,)*), L> for ($($a,)*)
        where
            $(Compatible<$a, $b>: LossTargetDimCheck<L, $u, $a, $b>,)*
        {
        }
    };
}

impl_dims!();
impl_dims!((A0, B0, U0));
impl_dims!((A0, B0, U0), (A1, B1, U1));
impl_dims!((A0, B0, U0), (A1, B1, U1), (A2, B2, U2));
impl_dims!((A0, B0, U0), (A1, B1, U1), (A2, B2, U2), (A3, B3, U3));

/// Pairs of different ranks: nothing per dimension.
macro_rules! impl_rank_mismatch {
    ($([$($a:ident),*] [$($b:ident),*];)*) => {
        $(impl<L, $($a,)* $($b,)*> LossTargetDims<($($b,)*), L> for ($($a,)*) {})*
    };
}

impl_rank_mismatch! {
    [] [B0]; [] [B0, B1]; [] [B0, B1, B2]; [] [B0, B1, B2, B3];
    [A0] []; [A0] [B0, B1]; [A0] [B0, B1, B2]; [A0] [B0, B1, B2, B3];
    [A0, A1] []; [A0, A1] [B0]; [A0, A1] [B0, B1, B2]; [A0, A1] [B0, B1, B2, B3];
    [A0, A1, A2] []; [A0, A1, A2] [B0]; [A0, A1, A2] [B0, B1]; [A0, A1, A2] [B0, B1, B2, B3];
    [A0, A1, A2, A3] []; [A0, A1, A2, A3] [B0]; [A0, A1, A2, A3] [B0, B1]; [A0, A1, A2, A3] [B0, B1, B2];
}
