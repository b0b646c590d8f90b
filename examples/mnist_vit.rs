//! A small vision transformer on MNIST: each 28 × 28 image is cut into 16
//! patches of 7 × 7 pixels, `nn.Linear(49, 64)` embeds each patch, a
//! learned position embedding is added, a two-layer
//! `nn.TransformerEncoder` (d_model 64, nhead 4, dim_feedforward 128,
//! dropout 0.1, batch_first) mixes the 16 tokens, and `nn.Linear(64, 10)`
//! classifies their mean. AdamW, lr 1e-3, batch 64, cross entropy, by the
//! shared PyTorch loop (examples/common).
//!
//! The model is PyTorch's
//!
//! ```python
//! class PatchTransformer(nn.Module):
//!     def __init__(self):
//!         super().__init__()
//!         self.embed = nn.Linear(49, 64)
//!         self.pos = nn.Parameter(torch.randn(1, 16, 64) * 0.02)
//!         layer = nn.TransformerEncoderLayer(64, 4, 128, dropout=0.1, batch_first=True)
//!         self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
//!         self.head = nn.Linear(64, 10)
//!     def forward(self, x):
//!         n = x.shape[0]
//!         patches = x.reshape(n, 4, 7, 4, 7).permute(0, 1, 3, 2, 4).reshape(n, 16, 49)
//!         return self.head(self.encoder(self.embed(patches) + self.pos).mean(dim=1))
//! ```
//!
//! with the same field names, so its state_dict (`embed.weight`, `pos`,
//! `encoder.layers.0.self_attn.in_proj_weight`, ..., `head.bias`; pixels
//! x/255 normalised with 0.1307 / 0.3081, as Kiln's `Mnist` does) loads
//! with `--load FILE --eval-only` and gives PyTorch's test accuracy
//! (scripts/make_mnist_vit_reference.py makes one; tests/mnist_vit_weights.rs
//! checks it). The patching is typed `reshape` and `permute`, so its sizes
//! are checked by the compiler, like the layers': `head: Linear<U128, U10>`
//! does not build, the encoder's output has 64 features.
//!
//! ```text
//! cargo run --release --example mnist_vit                      # shipped subset
//! cargo run --release --example mnist_vit -- --data ../shared/data/mnist --epochs 5
//! cargo run --release --example mnist_vit -- --load vit.safetensors --eval-only
//! ```
//!
//! Target: ≥ 96.0 % test accuracy on full MNIST in 5 epochs (PyTorch
//! reaches 96.28–96.84 % with this recipe over three seeds). Measured (seed
//! 0, defaults, `--data ../shared/data/mnist`, release build, a shared
//! 2-core AMD EPYC at load average 13–17): 93.07 / 95.58 / 95.82 / 96.29 /
//! **96.70 %** after epochs 1-5, 59 / 78 / 75 / 63 / 49 s per epoch. One
//! run: the last digit is noise. PyTorch's weights (the script's, one
//! epoch) give 93.49 % here, as in PyTorch. On the shipped subset (6,000
//! training images, 1,000 test) the default run reaches 53.50 / 66.50 /
//! 73.80 / 80.20 / 83.00 % after epochs 1-5, about 10 s each.
//!
//! Ends with `test accuracy: NN.NN%`.

#[path = "common/mod.rs"]
mod common;
#[path = "mnist_vit/model.rs"]
mod model;

use kiln::nn::Parameter;
use kiln::optim::{AdamOptions, AdamW, AdamWAlgorithm, adamw_defaults};
use kiln::prelude::*;
use model::{Images, PatchTransformer};

/// AdamW at `--lr` with PyTorch's other defaults (weight decay 0.01).
impl common::ClassifyOptimizer for AdamWAlgorithm {
    fn build(params: Vec<Parameter>, lr: f64) -> kiln::Result<AdamW> {
        AdamW::new(
            params,
            AdamOptions {
                lr,
                ..adamw_defaults()
            },
        )
    }
}

fn main() -> kiln::Result<()> {
    let args = common::parse_with_defaults::<common::Args>(&[("lr", "0.001"), ("epochs", "5")]);
    manual_seed(args.seed);
    let mut model = PatchTransformer::new();
    common::run_with::<_, Images, AdamWAlgorithm>(&mut model, &[28, 28], &args)
}
