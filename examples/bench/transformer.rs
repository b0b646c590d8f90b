//! The `transformer` workload's model: PyTorch's
//!
//! ```python
//! class Encoder(nn.Module):
//!     def __init__(self):
//!         super().__init__()
//!         layer = nn.TransformerEncoderLayer(128, 4, 256, dropout=0.1, batch_first=True)
//!         self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
//!         self.head = nn.Linear(128, 10)
//!     def forward(self, x):
//!         return self.head(self.encoder(x).mean(dim=1))
//! ```

use kiln::nn::{TypedTransformerEncoder, TypedTransformerEncoderLayer};
use kiln::prelude::*;

/// A batch of sequences: (batch, 64 tokens, 128 features).
pub type Tokens = (Dyn, U64, U128);

/// `head(encoder(x).mean(dim=1))`.
#[derive(Module)]
pub struct Encoder {
    encoder: TypedTransformerEncoder<U128, U4, U256>,
    head: Linear<U128, U10>,
}

impl Encoder {
    /// Two post-norm ReLU layers, dropout 0.1, `batch_first=True`,
    /// initialised as PyTorch does.
    pub fn new() -> Self {
        let layer = TypedTransformerEncoderLayer::<U128, U4, U256>::new().batch_first(true);
        Encoder {
            encoder: TypedTransformerEncoder::new(&layer, 2, false),
            head: Linear::new(),
        }
    }
}

impl Forward<Tensor<Tokens>> for Encoder {
    type Output = Tensor<(Dyn, U10)>;

    fn forward(&self, x: Tensor<Tokens>) -> Self::Output {
        self.head.forward(self.encoder.forward(x).mean_dim::<1>())
    }
}
