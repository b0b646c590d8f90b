//! `Flatten()` (PyTorch's defaults `start_dim = 1, end_dim = -1`):
//! `(N, A, B, C) -> (N, A*B*C)`.

use crate::shape::arith::{DimMul, DimProd};
use crate::shape::dim::Dim;
use crate::shape::gate::{False, rank_gate};
use crate::shape::shape::Shape;

/// The shape rule of `Flatten`, implemented on the input shape: keeps the
/// batch dimension and multiplies the others: `(N, A)`, `(N, A, B)`,
/// `(N, A, B, C)` -> `(N, A*B*C)`. The product is static if every factor
/// is, [`Dyn`](crate::shape::Dyn) if one is. The output comes from the
/// unchecked supertrait [`FlattenOutput`].
#[diagnostic::on_unimplemented(
    message = "Flatten expects an input with a batch dimension and at least one more, but got the shape `{Self}`",
    note = "Flatten keeps dimension 0 (the batch) and multiplies the others"
)]
pub trait FlattenRule: FlattenOutput {}

/// The output shape of `Flatten` (unchecked: the checks are
/// [`FlattenRule`]'s).
pub trait FlattenOutput: Shape {
    /// The output shape, `(N, product)`.
    type Output: Shape;
    /// The output shape's value.
    fn flatten_output(self) -> Self::Output;
}

/// The output shape of `Flatten` on an input of shape `S`.
pub type FlattenOut<S> = <S as FlattenOutput>::Output;

rank_gate! {
    /// A `Flatten` input has rank 2 or more.
    gate FlattenRank;
    params (RANK);
    message = "Flatten expects an input with a batch dimension and at least one more, but got a {RANK}-D tensor",
    label = "this tensor has {RANK} dimension",
    note = "Flatten keeps dimension 0 (the batch) and multiplies the others",
}

impl<N: Dim> FlattenRule for (N,) where False<N>: FlattenRank<1> {}
impl<N: Dim, A: Dim> FlattenRule for (N, A) {}
impl<N: Dim, A: Dim + DimMul<B>, B: Dim> FlattenRule for (N, A, B) {}
impl<N: Dim, A: Dim + DimMul<B>, B: Dim, C: Dim> FlattenRule for (N, A, B, C) where
    DimProd<A, B>: DimMul<C>
{
}

impl<N: Dim> FlattenOutput for (N,) {
    type Output = (N,);
    #[inline]
    fn flatten_output(self) -> Self::Output {
        self
    }
}

impl<N: Dim, A: Dim> FlattenOutput for (N, A) {
    type Output = (N, A);
    #[inline]
    fn flatten_output(self) -> Self::Output {
        self
    }
}

impl<N: Dim, A: Dim + DimMul<B>, B: Dim> FlattenOutput for (N, A, B) {
    type Output = (N, DimProd<A, B>);
    #[inline]
    fn flatten_output(self) -> Self::Output {
        (self.0, self.1.dim_mul(self.2))
    }
}

impl<N: Dim, A: Dim + DimMul<B>, B: Dim, C: Dim> FlattenOutput for (N, A, B, C)
where
    DimProd<A, B>: DimMul<C>,
{
    type Output = (N, DimProd<DimProd<A, B>, C>);
    #[inline]
    fn flatten_output(self) -> Self::Output {
        (self.0, self.1.dim_mul(self.2).dim_mul(self.3))
    }
}
