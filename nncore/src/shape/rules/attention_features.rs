//! The feature sizes an attention layer's inputs must have:
//! `MultiheadAttention(E, H, kdim=K, vdim=V)` takes a query with `E`
//! features, a key with `K` and a value with `V`; a transformer layer of
//! `d_model = D` (typed decoder) takes its memory with `D`. Each
//! mismatch is one error whose first line names the input and both sizes.

use crate::shape::arith::{Compatible, DimCompat};
use crate::shape::dim::{Dim, StaticDim};
use crate::shape::gate::shape_gate;

shape_gate! {
    /// The query's last dimension is `embed_dim`.
    gate MhaQueryFeatures, digits MhaQueryFeaturesDigits, lits MhaQueryFeaturesLits,
    route MhaQueryFeaturesRoute, check MhaQueryFeaturesCheck;
    params (EXPECTED, FOUND);
    message = "shape mismatch: MultiheadAttention expects a query with embed_dim={EXPECTED} features, but the query has {FOUND}",
    label = "this query's last dimension is {FOUND}, the layer's embed_dim is {EXPECTED}",
    note = "the query and the output have embed_dim features; the key has kdim and the value vdim (both embed_dim unless given)",
}

shape_gate! {
    /// The key's last dimension is `kdim`.
    gate MhaKeyFeatures, digits MhaKeyFeaturesDigits, lits MhaKeyFeaturesLits,
    route MhaKeyFeaturesRoute, check MhaKeyFeaturesCheck;
    params (EXPECTED, FOUND);
    message = "shape mismatch: MultiheadAttention expects a key with kdim={EXPECTED} features, but the key has {FOUND}",
    label = "this key's last dimension is {FOUND}, the layer's kdim is {EXPECTED}",
    note = "the key has kdim features (the third size of TypedMultiheadAttention<E, H, K, V>, E unless given)",
}

shape_gate! {
    /// The value's last dimension is `vdim`.
    gate MhaValueFeatures, digits MhaValueFeaturesDigits, lits MhaValueFeaturesLits,
    route MhaValueFeaturesRoute, check MhaValueFeaturesCheck;
    params (EXPECTED, FOUND);
    message = "shape mismatch: MultiheadAttention expects a value with vdim={EXPECTED} features, but the value has {FOUND}",
    label = "this value's last dimension is {FOUND}, the layer's vdim is {EXPECTED}",
    note = "the value has vdim features (the fourth size of TypedMultiheadAttention<E, H, K, V>, E unless given)",
}

shape_gate! {
    /// A transformer decoder's memory (the encoder's output) has `d_model` features.
    gate MemoryFeatures, digits MemoryFeaturesDigits, lits MemoryFeaturesLits,
    route MemoryFeaturesRoute, check MemoryFeaturesCheck;
    params (EXPECTED, FOUND);
    message = "shape mismatch: TransformerDecoderLayer expects a memory with d_model={EXPECTED} features, but the memory has {FOUND}",
    label = "this memory's last dimension is {FOUND}, the layer's d_model is {EXPECTED}",
    note = "the decoder attends over the encoder's output, which has the same d_model as the target",
}

/// One input's feature size: implemented on the size a `forward` is given
/// when the gate `$check` accepts it against the layer's size. Each input
/// has its own rule on its own type parameter, so the compiler points at
/// that argument.
macro_rules! feature_rule {
    ($(#[doc = $doc:literal])* $rule:ident, $check:ident) => {
        $(#[doc = $doc])*
        pub trait $rule<S> {}

        impl<X, S> $rule<S> for X
        where
            X: Dim + DimCompat<S>,
            S: StaticDim,
            Compatible<X, S>: $check<S, X>,
        {
        }
    };
}

feature_rule!(
    /// `TypedMultiheadAttention<E, H, K, V>::forward`'s query: `E` features
    /// (a [`Dyn`](crate::shape::Dyn) size passes here and is checked when
    /// the layer runs).
    MhaQueryRule,
    MhaQueryFeaturesCheck
);
feature_rule!(
    /// `TypedMultiheadAttention<E, H, K, V>::forward`'s key: `K` features.
    MhaKeyRule,
    MhaKeyFeaturesCheck
);
feature_rule!(
    /// `TypedMultiheadAttention<E, H, K, V>::forward`'s value: `V` features.
    MhaValueRule,
    MhaValueFeaturesCheck
);
feature_rule!(
    /// A typed transformer decoder's memory: `D` (`d_model`) features.
    MemoryFeaturesRule,
    MemoryFeaturesCheck
);
