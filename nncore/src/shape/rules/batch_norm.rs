//! `BatchNorm1d(num_features = C)`: `(N, C)` or `(N, C, L)`, and
//! `BatchNorm2d(num_features = C)`: `(N, C, H, W)`; the shape is kept.

use crate::shape::arith::{Compatible, DimCompat};
use crate::shape::dim::{Dim, StaticDim};
use crate::shape::gate::{rank_gate, shape_gate};
use crate::shape::shape::Shape;

/// The shape rule of `BatchNorm2d` with `C` features, implemented on the
/// input shape: `(N, X, H, W)` with `X == C` (a
/// [`Dyn`](crate::shape::Dyn) channel dimension is checked at run time).
/// The output has the input's shape.
#[diagnostic::on_unimplemented(
    message = "BatchNorm2d cannot take an input of shape `{Self}`",
    note = "BatchNorm2d takes a 4-D input (batch, channels, height, width)"
)]
pub trait BatchNorm2dRule<C: StaticDim>: Shape {}

/// The shape rule of `BatchNorm1d` with `C` features, implemented on the
/// input shape: `(N, X)` or `(N, X, L)` with `X == C`. The output has the
/// input's shape.
#[diagnostic::on_unimplemented(
    message = "BatchNorm1d cannot take an input of shape `{Self}`",
    note = "BatchNorm1d takes a 2-D (batch, features) or 3-D (batch, features, length) input"
)]
pub trait BatchNorm1dRule<C: StaticDim>: Shape {}

shape_gate! {
    /// The channel dimension of a `BatchNorm2d` input equals its `num_features`.
    gate BatchNorm2dFeatures, digits BatchNorm2dFeaturesDigits, lits BatchNorm2dFeaturesLits,
    route BatchNorm2dFeaturesRoute, check BatchNorm2dFeaturesCheck;
    params (EXPECTED, FOUND);
    message = "shape mismatch: BatchNorm2d expects {EXPECTED} channels (num_features), but the incoming tensor has {FOUND}",
    label = "this tensor's channel dimension is {FOUND}, the layer's num_features is {EXPECTED}",
    note = "a BatchNorm2d input is (batch, channels, height, width); its channels must equal num_features",
}

shape_gate! {
    /// The feature dimension of a `BatchNorm1d` input equals its `num_features`.
    gate BatchNorm1dFeatures, digits BatchNorm1dFeaturesDigits, lits BatchNorm1dFeaturesLits,
    route BatchNorm1dFeaturesRoute, check BatchNorm1dFeaturesCheck;
    params (EXPECTED, FOUND);
    message = "shape mismatch: BatchNorm1d expects {EXPECTED} features (num_features), but the incoming tensor has {FOUND}",
    label = "this tensor's dimension 1 is {FOUND}, the layer's num_features is {EXPECTED}",
    note = "a BatchNorm1d input is (batch, features) or (batch, features, length)",
}

rank_gate! {
    /// A `BatchNorm2d` input has rank 4.
    gate BatchNorm2dRank;
    params (RANK);
    message = "BatchNorm2d expects a 4-D input (batch, channels, height, width), but got a {RANK}-D tensor",
    label = "this tensor has {RANK} dimensions",
    note = "use BatchNorm1d for (batch, features) inputs",
}

rank_gate! {
    /// A `BatchNorm1d` input has rank 2 or 3.
    gate BatchNorm1dRank;
    params (RANK);
    message = "BatchNorm1d expects a 2-D or 3-D input (batch, features[, length]), but got a {RANK}-D tensor",
    label = "this tensor has {RANK} dimensions",
    note = "use BatchNorm2d for (batch, channels, height, width) inputs",
}

impl<N: Dim, X: Dim + DimCompat<C>, H: Dim, W: Dim, C: StaticDim> BatchNorm2dRule<C>
    for (N, X, H, W)
where
    Compatible<X, C>: BatchNorm2dFeaturesCheck<C, X>,
{
}

impl<N: Dim, X: Dim + DimCompat<C>, C: StaticDim> BatchNorm1dRule<C> for (N, X) where
    Compatible<X, C>: BatchNorm1dFeaturesCheck<C, X>
{
}

impl<N: Dim, X: Dim + DimCompat<C>, L: Dim, C: StaticDim> BatchNorm1dRule<C> for (N, X, L) where
    Compatible<X, C>: BatchNorm1dFeaturesCheck<C, X>
{
}

macro_rules! wrong_rank {
    ($rule:ident, $gate:ident, $rank:literal; $($d:ident),*) => {
        impl<$($d: Dim,)* C: StaticDim + $gate<$rank>> $rule<C> for ($($d,)*) {}
    };
}

wrong_rank!(BatchNorm2dRule, BatchNorm2dRank, 0;);
wrong_rank!(BatchNorm2dRule, BatchNorm2dRank, 1; A);
wrong_rank!(BatchNorm2dRule, BatchNorm2dRank, 2; A, B);
wrong_rank!(BatchNorm2dRule, BatchNorm2dRank, 3; A, B, D);
wrong_rank!(BatchNorm1dRule, BatchNorm1dRank, 0;);
wrong_rank!(BatchNorm1dRule, BatchNorm1dRank, 1; A);
wrong_rank!(BatchNorm1dRule, BatchNorm1dRank, 4; A, B, D, E);
