//! `CrossEntropyLoss` with class-index targets: input `(N, C)` (logits),
//! target `(N,)`, output a scalar.

use crate::shape::arith::{Compatible, DimCompat};
use crate::shape::dim::Dim;
use crate::shape::gate::{False, rank_gate, shape_gate};
use crate::shape::shape::Shape;

/// The shape rule of `cross_entropy(input, target)` with class-index
/// targets, implemented on the input shape `(N, C)` for the target shape
/// `(N2,)`: the batch sizes must agree (a [`Dyn`](crate::shape::Dyn) batch
/// is checked at run time). The loss is a scalar, shape `()`.
///
/// Every other pair of ranks reports the ranks: a one-hot `(batch,
/// classes)` target or a 1-D input is one error naming both ranks.
///
/// ```
/// use nncore::shape::*;
/// fn ce<S: CrossEntropyRule<T>, T: Shape>(_: S, _: T) {}
/// ce((Dyn(4), U10::new()), (Dyn(4),));
/// ```
#[diagnostic::on_unimplemented(
    message = "cross_entropy expects an input of shape (batch, classes) and a target of shape (batch,), but got `{Self}` and `{T}`",
    note = "the target holds one class index per sample"
)]
pub trait CrossEntropyRule<T: Shape>: Shape {}

shape_gate! {
    /// The batch sizes of a cross-entropy input and target agree.
    gate CrossEntropyBatch, digits CrossEntropyBatchDigits, lits CrossEntropyBatchLits,
    route CrossEntropyBatchRoute, check CrossEntropyBatchCheck;
    params (INPUT, TARGET);
    message = "shape mismatch: cross_entropy got an input with a batch of {INPUT} but a target with a batch of {TARGET}",
    label = "batch sizes differ: {INPUT} vs {TARGET}",
    note = "the target holds one class index per sample of the input",
}

impl<N: Dim + DimCompat<N2>, C: Dim, N2: Dim> CrossEntropyRule<(N2,)> for (N, C) where
    Compatible<N, N2>: CrossEntropyBatchCheck<N, N2>
{
}

rank_gate! {
    /// A typed cross-entropy input has rank 2 and its target rank 1.
    gate CrossEntropyRanks;
    params (INPUT, TARGET);
    message = "cross_entropy expects logits of shape (batch, classes) and class indices of shape (batch,), but got a {INPUT}-D input and a {TARGET}-D target",
    label = "a {INPUT}-D input and a {TARGET}-D target",
    note = "the target holds one class index per sample (not one-hot rows); other ranks are supported by `Loss::forward_dyn` on runtime tensors",
}

/// Every other pair of ranks: asks the rank gate of `False<first param>`.
macro_rules! impl_ce_ranks {
    ($($ri:literal [$($a:ident),*] $rt:literal [$($b:ident),*];)*) => {
        $(impl<$($a: Dim,)* $($b: Dim,)*> CrossEntropyRule<($($b,)*)> for ($($a,)*)
        where
            False<($($a,)* $($b,)*)>: CrossEntropyRanks<$ri, $rt>,
        {
        })*
    };
}

impl_ce_ranks! {
    0 [] 1 [B0]; 0 [] 2 [B0, B1]; 0 [] 3 [B0, B1, B2]; 0 [] 4 [B0, B1, B2, B3];
    1 [A0] 0 []; 1 [A0] 1 [B0]; 1 [A0] 2 [B0, B1]; 1 [A0] 3 [B0, B1, B2]; 1 [A0] 4 [B0, B1, B2, B3];
    2 [A0, A1] 0 []; 2 [A0, A1] 2 [B0, B1]; 2 [A0, A1] 3 [B0, B1, B2]; 2 [A0, A1] 4 [B0, B1, B2, B3];
    3 [A0, A1, A2] 0 []; 3 [A0, A1, A2] 1 [B0]; 3 [A0, A1, A2] 2 [B0, B1];
    3 [A0, A1, A2] 3 [B0, B1, B2]; 3 [A0, A1, A2] 4 [B0, B1, B2, B3];
    4 [A0, A1, A2, A3] 0 []; 4 [A0, A1, A2, A3] 1 [B0]; 4 [A0, A1, A2, A3] 2 [B0, B1];
    4 [A0, A1, A2, A3] 3 [B0, B1, B2]; 4 [A0, A1, A2, A3] 4 [B0, B1, B2, B3];
}
