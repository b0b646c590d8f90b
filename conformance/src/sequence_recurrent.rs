//! The recurrent layers and cells (`rnn`, `lstm`, `gru`, `rnn_cell`, `lstm_cell`, `gru_cell`) of the
//! `sequence` family.

use super::Outcome;
use super::case::Case;

/// Performs one case.
pub(crate) fn run(case: &Case) -> Outcome {
    Outcome::Skip(format!("the module `{}` is not implemented yet", case.op))
}
