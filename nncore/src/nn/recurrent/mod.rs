//! Recurrent layers, like `torch.nn`'s `RNN`, `LSTM`, `GRU` and their cells,
//! and packed sequences, like `torch.nn.utils.rnn`.
//!
//! A layer runs each layer and direction as one autograd op (`fused.rs`):
//! the input's share of every step's gates in one matrix product, then per
//! step one product with the hidden state and one fused elementwise pass;
//! its backward pass (`fused_backward.rs`) runs backpropagation through
//! time the same way and forms the weights' gradients in one product each.
//! The cells compose autograd ops (`step.rs`). A packed batch runs as one
//! padded batch in which each sequence's state stops advancing after its
//! last step.

/// The `Module` and `Display` impls and accessors of a recurrent layer or
/// cell: a struct whose `core` holds its `spec`, its `params` in PyTorch's
/// order and its `training` flag (`layers.rs` and `cells.rs` each have one).
macro_rules! recurrent_module {
    ($name:ident, $spec:ty) => {
        impl $name {
            /// The options (sizes, and for a layer its layers and directions).
            pub fn spec(&self) -> &$spec {
                &self.core.spec
            }

            /// The parameter PyTorch names `name` (`weight_ih_l0`,
            /// `bias_hh_l1_reverse`, `weight_ih` of a cell, ...), if present.
            pub fn parameter(&self, name: &str) -> Option<&Parameter> {
                self.core
                    .params
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, p)| p)
            }
        }

        impl Module for $name {
            fn is_training(&self) -> bool {
                self.core.training
            }
            fn set_own_training(&mut self, training: bool) {
                self.core.training = training;
            }
            fn type_name(&self) -> &str {
                stringify!($name)
            }
            fn extra_repr(&self) -> String {
                self.core.spec.extra_repr()
            }
            fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
                self.core
                    .params
                    .iter()
                    .map(|(n, p)| (n.as_str(), p))
                    .collect()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt_module(self, f)
            }
        }
    };
}

mod cells;
mod dynamic;
#[cfg(test)]
mod dynamic_tests;
mod forward;
mod fused;
mod fused_backward;
mod layers;
mod packed;
mod run;
mod spec;
mod step;
#[cfg(test)]
mod tests;
mod typed;

pub use cells::{GRUCell, LSTMCell, RNNCell};
pub use forward::{cell_forward, recurrent_forward, recurrent_forward_packed};
pub use layers::{GRU, LSTM, RNN};
pub use packed::{PackedSequence, pack_padded_sequence, pack_sequence, pad_packed_sequence};
pub use run::Hidden;
pub use spec::{
    CellSpec, GRUCellSpec, GRUSpec, LSTMCellSpec, LSTMSpec, Mode, RNNCellSpec, RNNSpec,
    RecurrentSpec,
};
pub use typed::{
    Bi, Direction, OutFeatures, OutputOnly, ProjSize, TypedGRU, TypedLSTM, TypedRNN, Uni,
};
