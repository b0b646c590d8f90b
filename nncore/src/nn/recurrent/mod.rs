//! Recurrent layers, like `torch.nn`'s `RNN`, `LSTM`, `GRU` and their cells,
//! and packed sequences, like `torch.nn.utils.rnn`.
//!
//! A layer computes the input's share of every step's gates in one matrix
//! product per layer and direction, then runs the steps, each one product
//! with the hidden state; the steps are autograd ops, so the backward pass
//! is the graph's. A packed batch runs as one padded batch in which each
//! sequence's state stops advancing after its last step.

mod cells;
mod forward;
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
