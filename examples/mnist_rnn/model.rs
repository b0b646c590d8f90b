//! The mnist_rnn example's model (also loaded by tests/mnist_rnn_weights.rs):
//! PyTorch's `RowReader`, field for field.

use kiln::nn::TypedLSTM;
use kiln::prelude::*;

/// A batch of images as sequences: (batch, 28 rows, 28 pixels).
pub type Rows = (Dyn, U28, U28);

/// `head(lstm(x)[0][:, -1])`.
#[derive(Module)]
pub struct RowReader {
    lstm: TypedLSTM<U28, U128>,
    head: Linear<U128, U10>,
}

impl RowReader {
    /// Initialised as PyTorch does, with `batch_first=True`.
    pub fn new() -> kiln::Result<Self> {
        Ok(RowReader {
            lstm: TypedLSTM::new()?.batch_first(true),
            head: Linear::new(),
        })
    }
}

impl Forward<Tensor<Rows>> for RowReader {
    type Output = Tensor<(Dyn, U10)>;

    fn forward(&self, x: Tensor<Rows>) -> Self::Output {
        // `output` is (batch, 28, 128); the final state is not needed.
        let (output, _state) = self.lstm.forward(x);
        self.head.forward(output.select::<1>(-1))
    }
}
