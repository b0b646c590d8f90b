//! The layers `sequential!` builds: `nnspec::LAYERS`, the table of
//! PyTorch's layer signatures that nncore's layers parse their runtime
//! options against too, so the argument names, their order, their defaults
//! and the literal checks (a size's minimum, a probability's range, an
//! option only its default is supported for) are written once. [`bind`]
//! matches a call's arguments (positional or keyword) to a row.
//!
//! This crate only maps `Name(args...)` to the type and constructor (in
//! `seq::expand`) and compares adjacent literal sizes (in `seq::check`).

mod bind;

pub use bind::{BoundLayer, Value, bind};
pub use nnspec::{Arg, Default, Form, Layer};

use crate::suggest;
use syn::Ident;

/// PyTorch layers Kiln does not have at all. A name close to a known layer
/// but listed here or in `nnspec::LAYERS` without `sequential` (`GELU`,
/// `Conv3d`) is passed through as the user's own expression or type, never
/// reported as a typo.
const OTHER_TORCH_LAYERS: &[&str] = &[
    "SELU",
    "CELU",
    "Mish",
    "PReLU",
    "RReLU",
    "Dropout1d",
    "Conv3d",
    "ConvTranspose1d",
    "LazyLinear",
    "Bilinear",
    "MaxPool1d",
    "MaxPool3d",
    "AvgPool1d",
    "AvgPool3d",
    "LPPool2d",
    "GroupNorm",
];

/// The row of a layer `sequential!` builds.
pub fn known(ident: &Ident) -> Option<&'static Layer> {
    nnspec::LAYERS
        .iter()
        .find(|l| l.sequential && ident == l.name)
}

/// The known layer `ident` looks like a typo of: a capitalised name within
/// edit distance 2 (ignoring case) that is neither a known layer nor another
/// PyTorch layer.
pub fn typo_of(ident: &Ident) -> Option<&'static str> {
    let word = ident.to_string();
    let capitalised = word.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    if !capitalised
        || word.len() < 3
        || nnspec::layer(&word).is_some()
        || OTHER_TORCH_LAYERS.contains(&word.as_str())
    {
        return None;
    }
    let sequential = nnspec::LAYERS.iter().filter(|l| l.sequential);
    suggest::closest(&word, sequential.map(|l| l.name))
}
