//! `Linear(in_features = I, out_features = O)`: `(.., I) -> (.., O)`.

use crate::shape::arith::{Compatible, DimCompat};
use crate::shape::dim::{Dim, StaticDim};
use crate::shape::gate::{False, rank_gate, shape_gate};
use crate::shape::shape::Shape;

/// The shape rule of `Linear` with `I` input and `O` output features,
/// implemented on the input shape: `(.., X)` of rank 1 to 4 with `X == I`
/// gives `(.., O)`. A [`Dyn`](crate::shape::Dyn) last dimension passes at
/// compile time and must be checked at run time.
///
/// The output shape comes from the supertrait [`LinearOutput`], which has
/// no checks, so that a signature returning [`LinearOut`] adds no second
/// error to the one this bound reports.
#[diagnostic::on_unimplemented(
    message = "Linear cannot take an input of shape `{Self}`",
    note = "Linear takes a shape of 1 to 4 dimensions: (.., in_features)"
)]
pub trait LinearRule<I: StaticDim, O: StaticDim>: LinearOutput<I, O> {}

/// The output shape of `Linear` with `O` output features (unchecked: the
/// checks are [`LinearRule`]'s).
pub trait LinearOutput<I, O>: Shape {
    /// The output shape.
    type Output: Shape;
    /// The output shape's value: the leading dimensions copied, the last
    /// one `O`.
    fn linear_output(self) -> Self::Output;
}

/// The output shape of `Linear<I, O>` on an input of shape `S`.
pub type LinearOut<S, I, O> = <S as LinearOutput<I, O>>::Output;

shape_gate! {
    /// The last dimension of a `Linear` input equals its `in_features`.
    gate LinearInFeatures, digits LinearInFeaturesDigits, lits LinearInFeaturesLits,
    route LinearInFeaturesRoute, check LinearInFeaturesCheck;
    params (EXPECTED, FOUND);
    message = "shape mismatch: Linear expects {EXPECTED} input features, but the incoming tensor has {FOUND}",
    label = "this tensor's last dimension is {FOUND}, the layer's in_features is {EXPECTED}",
    note = "the last dimension of a Linear layer's input must equal its in_features",
}

rank_gate! {
    /// A `Linear` input has at least one dimension.
    gate LinearRank;
    params (RANK);
    message = "Linear expects an input with at least 1 dimension (.., in_features), but got a {RANK}-D tensor",
    label = "this tensor is a scalar",
    note = "Linear maps the last dimension of its input",
}

impl<I: StaticDim, O: StaticDim> LinearRule<I, O> for () where False<I>: LinearRank<0> {}

impl<I, O: StaticDim> LinearOutput<I, O> for () {
    type Output = (O,);
    #[inline]
    fn linear_output(self) -> (O,) {
        (O::default(),)
    }
}

macro_rules! impl_linear {
    ($($lead:ident $i:tt),*) => {
        impl<$($lead: Dim,)* X: Dim + DimCompat<I>, I: StaticDim, O: StaticDim> LinearRule<I, O>
            for ($($lead,)* X,)
        where
            Compatible<X, I>: LinearInFeaturesCheck<I, X>,
        {
        }

        impl<$($lead: Dim,)* X: Dim, I, O: StaticDim> LinearOutput<I, O> for ($($lead,)* X,) {
            type Output = ($($lead,)* O,);
            #[inline]
            fn linear_output(self) -> Self::Output {
                ($(self.$i,)* O::default(),)
            }
        }
    };
}

impl_linear!();
impl_linear!(A 0);
impl_linear!(A 0, B 1);
impl_linear!(A 0, B 1, C 2);
