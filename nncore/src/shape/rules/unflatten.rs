//! `Unflatten(dim = 1, unflattened_size = (A, B))` or `(A, B, C)`:
//! `(N, X) -> (N, A, B)` / `(N, A, B, C)` with `X = A*B(*C)`.

use crate::shape::arith::{Compatible, DimCompat, DimMul, DimProd};
use crate::shape::dim::{Dim, StaticDim};
use crate::shape::gate::{False, rank_gate, shape_gate};
use crate::shape::shape::Shape;

/// The sizes an `Unflatten` splits dimension 1 into: a tuple of two or
/// three static dimensions, `(A, B)` or `(A, B, C)`.
pub trait UnflattenSizes: Copy + Default {
    /// The product of the sizes, as a static dimension.
    type Numel: StaticDim;
    /// The sizes as runtime values, in order.
    fn sizes() -> Vec<usize>;
}

impl<A: StaticDim + DimMul<B, Output: StaticDim>, B: StaticDim> UnflattenSizes for (A, B) {
    type Numel = DimProd<A, B>;
    fn sizes() -> Vec<usize> {
        vec![A::USIZE, B::USIZE]
    }
}

impl<A, B, C> UnflattenSizes for (A, B, C)
where
    A: StaticDim + DimMul<B, Output: StaticDim + DimMul<C, Output: StaticDim>>,
    B: StaticDim,
    C: StaticDim,
{
    type Numel = DimProd<DimProd<A, B>, C>;
    fn sizes() -> Vec<usize> {
        vec![A::USIZE, B::USIZE, C::USIZE]
    }
}

/// The shape rule of the typed `Unflatten<Sz>` (dim = 1), implemented on
/// the input shape: `(N, X)` with `X == A*B` gives `(N, A, B)`, with
/// `X == A*B*C` gives `(N, A, B, C)`. A [`Dyn`](crate::shape::Dyn) `X`
/// passes at compile time and is checked at run time. The output comes
/// from the unchecked supertrait [`UnflattenOutput`].
#[diagnostic::on_unimplemented(
    message = "Unflatten cannot take an input of shape `{Self}`",
    note = "the typed Unflatten takes a 2-D input (batch, features) and splits dimension 1"
)]
pub trait UnflattenRule<Sz>: UnflattenOutput<Sz> {}

/// The output shape of `Unflatten` (unchecked: the checks are
/// [`UnflattenRule`]'s).
pub trait UnflattenOutput<Sz>: Shape {
    /// The output shape.
    type Output: Shape;
    /// The output shape's value.
    fn unflatten_output(self) -> Self::Output;
}

/// The output shape of `Unflatten<Sz>` on an input of shape `S`.
pub type UnflattenOut<S, Sz> = <S as UnflattenOutput<Sz>>::Output;

shape_gate! {
    /// The dimension an `Unflatten` splits in two equals the product of the sizes.
    gate UnflattenSize2, digits UnflattenSize2Digits, lits UnflattenSize2Lits,
    route UnflattenSize2Route, check UnflattenSize2Check;
    params (A, B, EXPECTED, FOUND);
    message = "shape mismatch: Unflatten(dim=1, unflattened_size=({A}, {B})) expects dimension 1 of size {A}*{B} = {EXPECTED}, but the incoming tensor has {FOUND}",
    label = "this tensor's dimension 1 is {FOUND}, not {EXPECTED}",
    note = "the product of unflattened_size must equal the size of the dimension it replaces",
}

shape_gate! {
    /// The dimension an `Unflatten` splits in three equals the product of the sizes.
    gate UnflattenSize3, digits UnflattenSize3Digits, lits UnflattenSize3Lits,
    route UnflattenSize3Route, check UnflattenSize3Check;
    params (A, B, C, EXPECTED, FOUND);
    message = "shape mismatch: Unflatten(dim=1, unflattened_size=({A}, {B}, {C})) expects dimension 1 of size {A}*{B}*{C} = {EXPECTED}, but the incoming tensor has {FOUND}",
    label = "this tensor's dimension 1 is {FOUND}, not {EXPECTED}",
    note = "the product of unflattened_size must equal the size of the dimension it replaces",
}

rank_gate! {
    /// A typed `Unflatten` input has rank 2.
    gate UnflattenRank;
    params (RANK);
    message = "the typed Unflatten expects a 2-D input (batch, features), but got a {RANK}-D tensor",
    label = "this tensor has {RANK} dimensions",
    note = "for another rank or dim, use DynUnflatten (runtime sizes)",
}

impl<N: Dim, X: Dim, A: StaticDim, B: StaticDim> UnflattenRule<(A, B)> for (N, X)
where
    (A, B): UnflattenSizes,
    X: DimCompat<<(A, B) as UnflattenSizes>::Numel>,
    Compatible<X, <(A, B) as UnflattenSizes>::Numel>:
        UnflattenSize2Check<A, B, <(A, B) as UnflattenSizes>::Numel, X>,
{
}

impl<N: Dim, X: Dim, A: StaticDim, B: StaticDim, C: StaticDim> UnflattenRule<(A, B, C)> for (N, X)
where
    (A, B, C): UnflattenSizes,
    X: DimCompat<<(A, B, C) as UnflattenSizes>::Numel>,
    Compatible<X, <(A, B, C) as UnflattenSizes>::Numel>:
        UnflattenSize3Check<A, B, C, <(A, B, C) as UnflattenSizes>::Numel, X>,
{
}

impl<N: Dim, X: Dim, A: StaticDim, B: StaticDim> UnflattenOutput<(A, B)> for (N, X) {
    type Output = (N, A, B);
    #[inline]
    fn unflatten_output(self) -> Self::Output {
        (self.0, A::default(), B::default())
    }
}

impl<N: Dim, X: Dim, A: StaticDim, B: StaticDim, C: StaticDim> UnflattenOutput<(A, B, C)>
    for (N, X)
{
    type Output = (N, A, B, C);
    #[inline]
    fn unflatten_output(self) -> Self::Output {
        (self.0, A::default(), B::default(), C::default())
    }
}

macro_rules! impl_unflatten_rank {
    ($rank:literal; $($d:ident),*) => {
        impl<$($d: Dim,)* Sz: UnflattenSizes> UnflattenRule<Sz> for ($($d,)*)
        where
            False<Sz>: UnflattenRank<$rank>,
        {
        }

        impl<$($d: Dim,)* Sz> UnflattenOutput<Sz> for ($($d,)*) {
            type Output = ($($d,)*);
            #[inline]
            fn unflatten_output(self) -> Self::Output {
                self
            }
        }
    };
}

impl_unflatten_rank!(0;);
impl_unflatten_rank!(1; A);
impl_unflatten_rank!(3; A, B, C);
impl_unflatten_rank!(4; A, B, C, D);
