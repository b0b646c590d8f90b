//! `MultiheadAttention<E, H>` (and the transformer layers' `d_model`,
//! `nhead`): the heads must split `embed_dim` evenly, PyTorch's
//! "embed_dim must be divisible by num_heads".

use core::ops::Rem;

use typenum::{Eq, IsEqual, Mod, U0};

use crate::shape::dim::StaticDim;
use crate::shape::gate::shape_gate;

/// Implemented on the head count `H` (a typenum number, at least 1) when
/// it divides the embedding size `E`; otherwise the compiler prints
/// [`HeadsDivideEmbedDim`]'s message with both numbers.
#[diagnostic::on_unimplemented(
    message = "num_heads `{Self}` does not divide embed_dim {E}",
    note = "embed_dim must be divisible by num_heads"
)]
pub trait HeadsRule<E> {}

shape_gate! {
    /// The head count divides the embedding size.
    gate HeadsDivideEmbedDim, digits HeadsDivideEmbedDimDigits, lits HeadsDivideEmbedDimLits,
    route HeadsDivideEmbedDimRoute, check HeadsDivideEmbedDimCheck;
    params (EMBED, HEADS);
    message = "embed_dim must be divisible by num_heads: embed_dim={EMBED} is not a multiple of num_heads={HEADS}",
    label = "this attention's heads do not split its embedding",
    note = "each of the num_heads heads attends over embed_dim/num_heads features (PyTorch: \"embed_dim must be divisible by num_heads\")",
}

impl<H, E> HeadsRule<E> for H
where
    H: StaticDim,
    E: StaticDim + Rem<H, Output: IsEqual<U0>>,
    Eq<Mod<E, H>, U0>: HeadsDivideEmbedDimCheck<E, H>,
{
}
