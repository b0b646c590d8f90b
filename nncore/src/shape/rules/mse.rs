//! `mse_loss(input, target)`: both tensors have the same shape, dimension
//! by dimension (no broadcasting). Like [`SameShape`](super::SameShape),
//! with messages that speak of the loss's input and target.

use typenum::{Eq, IsEqual, U0, U1, U2, U3};

use crate::shape::arith::{Compatible, DimCompat};
use crate::shape::gate::shape_gate;
use crate::shape::shape::{RankOf, Shape, TypeRank};

/// The shape rule of `mse_loss`, implemented on the input shape for every
/// target shape `T`: same rank and, per dimension, equal static sizes.
/// [`Dyn`](crate::shape::Dyn) matches any size at compile time (the loss
/// checks it at run time).
///
/// ```
/// use nncore::shape::*;
/// fn mse<S: MseRule<T>, T: Shape>(_: S, _: T) {}
/// mse((Dyn(4), U3::new()), (Dyn(4), U3::new()));
/// ```
pub trait MseRule<T: Shape>: Shape {}

impl<S, T> MseRule<T> for S
where
    S: Shape + TypeRank + MseDims<T>,
    T: Shape + TypeRank,
    RankOf<S>: IsEqual<RankOf<T>>,
    Eq<RankOf<S>, RankOf<T>>: MseRankCheck<RankOf<S>, RankOf<T>>,
{
}

/// The per-dimension part of [`MseRule`]: implemented for every pair of
/// shapes; for equal ranks each dimension pair must be compatible (a rank
/// mismatch is reported by the rank gate alone).
pub trait MseDims<T> {}

shape_gate! {
    /// Dimension `DIM` of an `mse_loss` input and target agree.
    gate MseDim, digits MseDimDigits, lits MseDimLits, route MseDimRoute, check MseDimCheck;
    params (DIM, INPUT, TARGET);
    message = "shape mismatch: mse_loss needs the target to have the input's shape, but dimension {DIM} is {INPUT} in the input and {TARGET} in the target",
    label = "dimension {DIM} differs: {INPUT} vs {TARGET}",
    note = "mse_loss compares the input and the target element by element; Kiln does not broadcast",
}

shape_gate! {
    /// An `mse_loss` input and target have the same rank.
    gate MseRank, digits MseRankDigits, lits MseRankLits, route MseRankRoute, check MseRankCheck;
    params (INPUT, TARGET);
    message = "shape mismatch: mse_loss needs the target to have the input's shape, but got a {INPUT}-D input and a {TARGET}-D target",
    label = "the ranks differ: {INPUT} vs {TARGET}",
    note = "PyTorch broadcasts such a pair (with a warning) into a loss over every input-target pair; Kiln needs the same shape, e.g. a (batch, 1) target for a (batch, 1) output",
}

macro_rules! impl_mse_dims {
    ($(($a:ident, $b:ident, $u:ident)),*) => {
        impl<$($a: DimCompat<$b>, $b,)*> MseDims<($($b,)*)> for ($($a,)*)
        where
            $(Compatible<$a, $b>: MseDimCheck<$u, $a, $b>,)*
        {
        }
    };
}

impl_mse_dims!();
impl_mse_dims!((A0, B0, U0));
impl_mse_dims!((A0, B0, U0), (A1, B1, U1));
impl_mse_dims!((A0, B0, U0), (A1, B1, U1), (A2, B2, U2));
impl_mse_dims!((A0, B0, U0), (A1, B1, U1), (A2, B2, U2), (A3, B3, U3));

/// Pairs of different ranks: nothing per dimension.
macro_rules! impl_mse_rank_mismatch {
    ($([$($a:ident),*] [$($b:ident),*];)*) => {
        $(impl<$($a,)* $($b,)*> MseDims<($($b,)*)> for ($($a,)*) {})*
    };
}

impl_mse_rank_mismatch! {
    [] [B0]; [] [B0, B1]; [] [B0, B1, B2]; [] [B0, B1, B2, B3];
    [A0] []; [A0] [B0, B1]; [A0] [B0, B1, B2]; [A0] [B0, B1, B2, B3];
    [A0, A1] []; [A0, A1] [B0]; [A0, A1] [B0, B1, B2]; [A0, A1] [B0, B1, B2, B3];
    [A0, A1, A2] []; [A0, A1, A2] [B0]; [A0, A1, A2] [B0, B1]; [A0, A1, A2] [B0, B1, B2, B3];
    [A0, A1, A2, A3] []; [A0, A1, A2, A3] [B0]; [A0, A1, A2, A3] [B0, B1]; [A0, A1, A2, A3] [B0, B1, B2];
}
