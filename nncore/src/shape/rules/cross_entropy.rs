//! `CrossEntropyLoss` with class-index targets: input `(N, C)` (logits),
//! target `(N,)`, output a scalar.

use crate::shape::arith::{Compatible, DimCompat};
use crate::shape::dim::Dim;
use crate::shape::gate::shape_gate;
use crate::shape::shape::Shape;

/// The shape rule of `cross_entropy(input, target)` with class-index
/// targets, implemented on the input shape `(N, C)` for the target shape
/// `(N2,)`: the batch sizes must agree (a [`Dyn`](crate::shape::Dyn) batch
/// is checked at run time). The loss is a scalar, shape `()`.
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
