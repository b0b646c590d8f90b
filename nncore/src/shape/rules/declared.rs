//! A tensor's computed shape against the shape its code declares: `let y:
//! Tensor<(Dyn, U10)> = model.forward(x).declared();`, or a hand-written
//! `forward` that returns `self.net.forward(x).declared()`.
//!
//! Without `.declared()`, a computed type that differs from the annotation
//! is rustc's `error[E0308]: mismatched types` with both types in typenum's
//! encoding: type equality is unification, not a trait bound, so it cannot
//! carry a message (see docs/compiler_checks.md). `.declared()` turns the
//! comparison into a bound with a gate, so the first line says in words
//! which dimension differs, both sizes in decimal.

use typenum::{Eq, IsEqual, U0, U1, U2, U3};

use crate::shape::arith::{Compatible, DimCompat};
use crate::shape::gate::shape_gate;
use crate::shape::shape::{RankOf, Shape, TypeRank};

/// Implemented on a computed shape for every declared shape `Declared` it
/// can be: same rank and, per dimension, equal static sizes (a
/// [`Dyn`](crate::shape::Dyn) on either side is checked when the code runs).
///
/// ```
/// use nncore::shape::*;
/// fn as_declared<S: DeclaredShape<T>, T: Shape>(_: S) {}
/// as_declared::<(Dyn, U10), (Dyn, U10)>((Dyn(4), U10::new()));
/// ```
pub trait DeclaredShape<Declared: Shape>: Shape {}

impl<S, T> DeclaredShape<T> for S
where
    S: Shape + TypeRank + DeclaredDims<T>,
    T: Shape + TypeRank,
    RankOf<S>: IsEqual<RankOf<T>>,
    Eq<RankOf<S>, RankOf<T>>: DeclaredRankCheck<RankOf<S>, RankOf<T>>,
{
}

/// The per-dimension part of [`DeclaredShape`], implemented for every pair
/// of shapes (different ranks are reported by the rank gate instead).
pub trait DeclaredDims<Declared> {}

shape_gate! {
    /// Dimension `DIM` of a computed shape equals the declared one.
    gate DeclaredDim, digits DeclaredDimDigits, lits DeclaredDimLits,
    route DeclaredDimRoute, check DeclaredDimCheck;
    params (DIM, COMPUTED, DECLARED);
    message = "declared shape mismatch: dimension {DIM} of this tensor is {COMPUTED}, but the declared type says {DECLARED}",
    label = "this tensor's dimension {DIM} is {COMPUTED}",
    note = "the declared type (a `let` annotation or the function's return type) must match what the code computes; for a model's output, its last layer's out_features",
}

shape_gate! {
    /// A computed shape has the declared rank.
    gate DeclaredRank, digits DeclaredRankDigits, lits DeclaredRankLits,
    route DeclaredRankRoute, check DeclaredRankCheck;
    params (COMPUTED, DECLARED);
    message = "declared shape mismatch: this tensor is {COMPUTED}-D, but the declared type is {DECLARED}-D",
    label = "a {COMPUTED}-D tensor",
    note = "the declared type (a `let` annotation or the function's return type) must match what the code computes",
}

macro_rules! impl_declared {
    ($(($a:ident, $b:ident, $u:ident)),*) => {
        impl<$($a: DimCompat<$b>, $b,)*> DeclaredDims<($($b,)*)> for ($($a,)*)
        where
            $(Compatible<$a, $b>: DeclaredDimCheck<$u, $a, $b>,)*
        {
        }
    };
}

impl_declared!();
impl_declared!((A0, B0, U0));
impl_declared!((A0, B0, U0), (A1, B1, U1));
impl_declared!((A0, B0, U0), (A1, B1, U1), (A2, B2, U2));
impl_declared!((A0, B0, U0), (A1, B1, U1), (A2, B2, U2), (A3, B3, U3));

/// Pairs of different ranks: nothing per dimension.
macro_rules! impl_rank_mismatch {
    ($([$($a:ident),*] [$($b:ident),*];)*) => {
        $(impl<$($a,)* $($b,)*> DeclaredDims<($($b,)*)> for ($($a,)*) {})*
    };
}

impl_rank_mismatch! {
    [] [B0]; [] [B0, B1]; [] [B0, B1, B2]; [] [B0, B1, B2, B3];
    [A0] []; [A0] [B0, B1]; [A0] [B0, B1, B2]; [A0] [B0, B1, B2, B3];
    [A0, A1] []; [A0, A1] [B0]; [A0, A1] [B0, B1, B2]; [A0, A1] [B0, B1, B2, B3];
    [A0, A1, A2] []; [A0, A1, A2] [B0]; [A0, A1, A2] [B0, B1]; [A0, A1, A2] [B0, B1, B2, B3];
    [A0, A1, A2, A3] []; [A0, A1, A2, A3] [B0]; [A0, A1, A2, A3] [B0, B1]; [A0, A1, A2, A3] [B0, B1, B2];
}
