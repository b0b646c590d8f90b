//! `reshape::<T>()` / `view::<T>()`: the same elements in a new shape `T`
//! with the same number of elements; one dimension of `T` may be
//! [`Infer`] (PyTorch's `-1`), computed from the element count.

use core::ops::{Div, Mul, Rem};

use typenum::{Eq, IsEqual, Max, Maximum, Mod, Prod, Quot, U0, U1, U2, U3, U4, Unsigned};

use crate::shape::arith::{DimMul, DimProd};
use crate::shape::dim::{Dim, Dyn, Invalid, StaticDim};
use crate::shape::gate::{False, rank_gate, shape_gate};
use crate::shape::shape::Shape;

/// A dimension of a `reshape` target computed from the element count, like
/// PyTorch's `-1`: `x.reshape::<(Infer, U784)>()` is `x.reshape(-1, 784)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Infer;

/// One dimension of a `reshape` target: a static size or [`Infer`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a dimension of a reshape target",
    note = "a reshape target lists static sizes (U784) and at most one Infer (PyTorch's -1)"
)]
pub trait TargetDim: Copy {
    /// The size (1 for [`Infer`]).
    type Known: Unsigned;
    /// `U1` for [`Infer`], `U0` for a size.
    type Infers: Unsigned;
    /// The dimension in the output, given the inferred size `I`.
    type Resolved<I: Dim>: Dim;
    /// Its value.
    fn resolve<I: Dim>(inferred: I) -> Self::Resolved<I>;
}

impl<U: StaticDim> TargetDim for U {
    type Known = U;
    type Infers = U0;
    type Resolved<I: Dim> = U;
    #[inline]
    fn resolve<I: Dim>(_inferred: I) -> U {
        U::default()
    }
}

impl TargetDim for Infer {
    type Known = U1;
    type Infers = U1;
    type Resolved<I: Dim> = I;
    #[inline]
    fn resolve<I: Dim>(inferred: I) -> I {
        inferred
    }
}

/// The target shape of a `reshape`: a tuple of 0 to 4 [`TargetDim`]s.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a reshape target",
    note = "a reshape target is a tuple of static sizes with at most one Infer: (Infer, U784)"
)]
pub trait ReshapeTarget: Copy {
    /// The product of the static sizes.
    type Known: Unsigned;
    /// How many dimensions are [`Infer`].
    type Infers: Unsigned;
    /// The output shape, given the inferred size `I`.
    type Output<I: Dim>: Shape;
    /// Its value.
    fn output<I: Dim>(inferred: I) -> Self::Output<I>;
}

impl ReshapeTarget for () {
    type Known = U1;
    type Infers = U0;
    type Output<I: Dim> = ();
    #[inline]
    fn output<I: Dim>(_inferred: I) {}
}

macro_rules! impl_target {
    ($first:ident $(, $rest:ident)*) => {
        impl<$first: TargetDim $(, $rest: TargetDim)*> ReshapeTarget for ($first, $($rest,)*)
        where
            ($($rest,)*): ReshapeTarget,
            $first::Known: Mul<<($($rest,)*) as ReshapeTarget>::Known>,
            Prod<$first::Known, <($($rest,)*) as ReshapeTarget>::Known>: Unsigned,
            $first::Infers: core::ops::Add<<($($rest,)*) as ReshapeTarget>::Infers>,
            typenum::Sum<$first::Infers, <($($rest,)*) as ReshapeTarget>::Infers>: Unsigned,
        {
            type Known = Prod<$first::Known, <($($rest,)*) as ReshapeTarget>::Known>;
            type Infers = typenum::Sum<$first::Infers, <($($rest,)*) as ReshapeTarget>::Infers>;
            type Output<I: Dim> = ($first::Resolved<I>, $($rest::Resolved<I>,)*);
            #[inline]
            fn output<I: Dim>(inferred: I) -> Self::Output<I> {
                ($first::resolve(inferred), $($rest::resolve(inferred),)*)
            }
        }
    };
}

impl<A: TargetDim> ReshapeTarget for (A,) {
    type Known = A::Known;
    type Infers = A::Infers;
    type Output<I: Dim> = (A::Resolved<I>,);
    #[inline]
    fn output<I: Dim>(inferred: I) -> Self::Output<I> {
        (A::resolve(inferred),)
    }
}

impl_target!(A, B);
impl_target!(A, B, C);
impl_target!(A, B, C, D);

/// The number of elements of a shape as a dimension: static when every
/// size is, [`Dyn`] when one is a runtime size.
pub trait Numel: Shape {
    /// The element count.
    type Numel: Dim;
    /// Its value.
    fn numel_dim(self) -> Self::Numel;
}

/// The element count of shape `S`.
pub type NumelOf<S> = <S as Numel>::Numel;

impl Numel for () {
    type Numel = U1;
    #[inline]
    fn numel_dim(self) -> U1 {
        U1::default()
    }
}
impl<A: Dim> Numel for (A,) {
    type Numel = A;
    #[inline]
    fn numel_dim(self) -> A {
        self.0
    }
}
impl<A: DimMul<B>, B: Dim> Numel for (A, B) {
    type Numel = DimProd<A, B>;
    #[inline]
    fn numel_dim(self) -> Self::Numel {
        self.0.dim_mul(self.1)
    }
}
impl<A: DimMul<B>, B: Dim, C: Dim> Numel for (A, B, C)
where
    DimProd<A, B>: DimMul<C>,
{
    type Numel = DimProd<DimProd<A, B>, C>;
    #[inline]
    fn numel_dim(self) -> Self::Numel {
        self.0.dim_mul(self.1).dim_mul(self.2)
    }
}
impl<A: DimMul<B>, B: Dim, C: Dim, D: Dim> Numel for (A, B, C, D)
where
    DimProd<A, B>: DimMul<C>,
    DimProd<DimProd<A, B>, C>: DimMul<D>,
{
    type Numel = DimProd<DimProd<DimProd<A, B>, C>, D>;
    #[inline]
    fn numel_dim(self) -> Self::Numel {
        self.0.dim_mul(self.1).dim_mul(self.2).dim_mul(self.3)
    }
}

/// The size of an [`Infer`] dimension: the element count divided by the
/// product `K` of the target's static sizes (static, [`Dyn`] or
/// [`Invalid`] like the count).
pub trait InferredSize<K>: Dim {
    /// The inferred size.
    type Output: Dim;
    /// Its value.
    fn inferred(self) -> Self::Output;
}

impl<N: StaticDim + Div<Maximum<K, U1>>, K: Max<U1>> InferredSize<K> for N
where
    Quot<N, Maximum<K, U1>>: StaticDim,
{
    type Output = Quot<N, Maximum<K, U1>>;
    #[inline]
    fn inferred(self) -> Self::Output {
        Default::default()
    }
}
impl<K: Unsigned> InferredSize<K> for Dyn {
    type Output = Dyn;
    #[inline]
    fn inferred(self) -> Dyn {
        Dyn(self.0.checked_div(K::USIZE).unwrap_or(0))
    }
}
impl<K> InferredSize<K> for Invalid {
    type Output = Invalid;
    #[inline]
    fn inferred(self) -> Invalid {
        Invalid
    }
}

/// The output shape of `reshape::<T>()` (unchecked: the checks are
/// [`ReshapeRule`]'s).
pub trait ReshapeOutput<T>: Shape {
    /// The output shape.
    type Output: Shape;
    /// Its value (an [`Infer`] size computed from a runtime count).
    fn reshape_output(self) -> Self::Output;
}

impl<S: Numel, T: ReshapeTarget> ReshapeOutput<T> for S
where
    NumelOf<S>: InferredSize<T::Known>,
{
    type Output = T::Output<<NumelOf<S> as InferredSize<T::Known>>::Output>;
    #[inline]
    fn reshape_output(self) -> Self::Output {
        T::output(self.numel_dim().inferred())
    }
}

/// The output shape of `reshape::<T>()` on an input of shape `S`.
pub type ReshapeOut<S, T> = <S as ReshapeOutput<T>>::Output;

/// The shape rule of `reshape::<T>()` / `view::<T>()`, implemented on the
/// input shape: the element counts agree (without [`Infer`]) or the count
/// is a multiple of the target's static sizes (with one [`Infer`]). A
/// [`Dyn`] size in the input is checked at run time.
///
/// ```
/// use nncore::shape::*;
/// fn rows<S: ReshapeRule<(Infer, U4)>>(s: S) -> ReshapeOut<S, (Infer, U4)> {
///     s.reshape_output()
/// }
/// assert_eq!(rows((U2::new(), U3::new(), U4::new())).dims().as_slice(), &[6, 4]);
/// assert_eq!(rows((Dyn(5), U8::new())).dims().as_slice(), &[10, 4]);
/// ```
pub trait ReshapeRule<T>: ReshapeOutput<T> {}

shape_gate! {
    /// A reshape without an inferred dimension keeps the element count.
    gate ReshapeNumel, digits ReshapeNumelDigits, lits ReshapeNumelLits,
    route ReshapeNumelRoute, check ReshapeNumelCheck;
    params (FROM, TO);
    message = "shape mismatch: cannot reshape a tensor of {FROM} elements into a shape of {TO} elements",
    label = "{FROM} elements here, {TO} in the target shape",
    note = "reshape and view keep every element; use Infer (PyTorch's -1) for one dimension to have it computed",
}

shape_gate! {
    /// The element count of a reshape with an inferred dimension is a multiple of the other sizes.
    gate ReshapeInfer, digits ReshapeInferDigits, lits ReshapeInferLits,
    route ReshapeInferRoute, check ReshapeInferCheck;
    params (FROM, KNOWN);
    message = "shape mismatch: cannot infer the Infer dimension: {FROM} elements are not a multiple of {KNOWN}, the product of the other sizes",
    label = "{FROM} elements here",
    note = "the Infer dimension (PyTorch's -1) is the element count divided by the product of the other sizes",
}

rank_gate! {
    /// A reshape target has at most one inferred dimension.
    gate ReshapeInfers;
    params (COUNT);
    message = "a reshape target can infer only one dimension, but it has {COUNT} dimensions written Infer",
    label = "{COUNT} Infer dimensions",
    note = "as in PyTorch, only one dimension can be -1",
}

/// The element-count check, chosen by the number of [`Infer`] dims
/// (`Self`), for a count `N` and static sizes whose product is `K`.
pub trait ReshapeCount<N, K> {}

impl<N: ExactNumel<K>, K> ReshapeCount<N, K> for U0 {}
impl<N: DivisibleNumel<K>, K> ReshapeCount<N, K> for U1 {}
impl<N, K> ReshapeCount<N, K> for U2 where False<N>: ReshapeInfers<2> {}
impl<N, K> ReshapeCount<N, K> for U3 where False<N>: ReshapeInfers<3> {}
impl<N, K> ReshapeCount<N, K> for U4 where False<N>: ReshapeInfers<4> {}

/// A count equal to `K` (runtime counts are checked at run time).
pub trait ExactNumel<K> {}
impl<N: StaticDim + IsEqual<K>, K> ExactNumel<K> for N where Eq<N, K>: ReshapeNumelCheck<N, K> {}
impl<K> ExactNumel<K> for Dyn {}
impl<K> ExactNumel<K> for Invalid {}

/// A count that is a multiple of `K` (runtime counts are checked at run time).
pub trait DivisibleNumel<K> {}
impl<N, K> DivisibleNumel<K> for N
where
    N: StaticDim + Rem<Maximum<K, U1>>,
    K: Max<U1>,
    Mod<N, Maximum<K, U1>>: IsEqual<U0>,
    Eq<Mod<N, Maximum<K, U1>>, U0>: ReshapeInferCheck<N, K>,
{
}
impl<K> DivisibleNumel<K> for Dyn {}
impl<K> DivisibleNumel<K> for Invalid {}

impl<S, T> ReshapeRule<T> for S
where
    S: ReshapeOutput<T> + Numel,
    T: ReshapeTarget,
    T::Infers: ReshapeCount<NumelOf<S>, T::Known>,
{
}
