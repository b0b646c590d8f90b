//! The attention ops (`multihead_attention`, `scaled_dot_product_attention`, the transformer layers) of the
//! `sequence` family.

use super::Outcome;
use super::case::Case;

/// Performs one case.
pub(crate) fn run(case: &Case) -> Outcome {
    Outcome::Skip(format!("the module `{}` is not implemented yet", case.op))
}
