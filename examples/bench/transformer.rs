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

use super::stats::{Steps, time_steps};
use kiln::nn::{
    MhaForward, MultiheadAttention, MultiheadAttentionSpec, PyNumber, TypedTransformerEncoder,
    TypedTransformerEncoderLayer,
};
use kiln::ops::packed_self_attention;
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

/// Process CPU time per forward + backward (µs) of one self-attention of
/// this workload (`(32, 64, 128)`, 4 heads, dropout 0.1, training): the
/// whole `MultiheadAttention` (in- and out-projections included), then its
/// heads' attention alone (`packed_self_attention` on the packed
/// projection). A training step runs two of each, so twice these over the
/// step's CPU time is the attention's share.
pub fn attention_cpu_us() -> kiln::Result<(f64, f64)> {
    let spec = MultiheadAttentionSpec {
        dropout: PyNumber::Float(0.1),
        batch_first: true,
        ..MultiheadAttentionSpec::new(128, 4)?
    };
    let mha = MultiheadAttention::from_spec(spec);
    let steps = Steps {
        warmup: 5,
        timed: 50,
    };
    let x = DynTensor::<f32>::randn(&[32, 64, 128])?.requires_grad_(true);
    let whole = time_steps(steps, || {
        let f = MhaForward::new().need_weights(false);
        let (y, _) = mha.forward(&x, &x, &x, f).expect("the sizes fit");
        y.sum().backward().expect("a scalar");
        mha.zero_grad();
        x.zero_grad();
    });
    let qkv = DynTensor::<f32>::randn(&[32, 64, 3 * 128])?.requires_grad_(true);
    let core = time_steps(steps, || {
        let y = packed_self_attention(&qkv, 4, true, 0.1).expect("the sizes fit");
        y.sum().backward().expect("a scalar");
        qkv.zero_grad();
    });
    Ok((whole.cpu_us_per_step, core.cpu_us_per_step))
}
