//! The mnist_vit example's model (also loaded by tests/mnist_vit_weights.rs):
//! PyTorch's `PatchTransformer`, field for field.

use kiln::init::normal_;
use kiln::nn::{Parameter, TypedTransformerEncoder, TypedTransformerEncoderLayer};
use kiln::prelude::*;

/// A batch of images: (batch, 28, 28).
pub type Images = (Dyn, U28, U28);

/// A batch of images as 16 patches of 7 × 7 = 49 pixels.
pub type Patches = (Dyn, U16, U49);

/// `head(encoder(embed(patches) + pos).mean(dim=1))`.
#[derive(Module)]
pub struct PatchTransformer {
    embed: Linear<U49, U64>,
    /// The learned position embedding, `(1, 16, 64)`, added to every image's tokens.
    #[module(param)]
    pos: Parameter,
    encoder: TypedTransformerEncoder<U64, U4, U128>,
    head: Linear<U64, U10>,
}

impl PatchTransformer {
    /// Initialised as PyTorch does (`pos` normal with std 0.02; two
    /// post-norm layers, dropout 0.1, `batch_first=True`).
    pub fn new() -> Self {
        let embed = Linear::new();
        let pos = Parameter::new(vec![0.0; 16 * 64], &[1, 16, 64]);
        normal_(pos.tensor(), 0.0, 0.02);
        let layer = TypedTransformerEncoderLayer::<U64, U4, U128>::new().batch_first(true);
        PatchTransformer {
            embed,
            pos,
            encoder: TypedTransformerEncoder::new(&layer, 2, false),
            head: Linear::new(),
        }
    }
}

/// PyTorch's `x.reshape(n, 4, 7, 4, 7).permute(0, 1, 3, 2, 4).reshape(n,
/// 16, 49)`: patch `4·i + j` holds rows `7i..7i+7` and columns `7j..7j+7`,
/// row by row. Typed shapes stop at rank 4, so the image's first two
/// dimensions stay merged as `n·4` (a band of 7 rows): `(n·4, 7, 4, 7)`
/// with the two middle dimensions swapped is the same order of pixels.
pub fn patches(x: &Tensor<Images>) -> Tensor<Patches> {
    x.reshape::<(Infer, U7, U4, U7)>()
        .permute::<0, 2, 1, 3>()
        .reshape::<(Infer, U16, U49)>()
}

impl Forward<Tensor<Images>> for PatchTransformer {
    type Output = Tensor<(Dyn, U10)>;

    fn forward(&self, x: Tensor<Images>) -> Self::Output {
        let tokens = self.embed.forward(patches(&x));
        // `+ pos` broadcasts the (1, 16, 64) embedding over the batch; the
        // typed `+` takes equal shapes only, so this add is the runtime one.
        let tokens = tokens
            .as_dyn()
            .add(self.pos.tensor())
            .and_then(Tensor::<(Dyn, U16, U64)>::from_dyn)
            .unwrap_or_else(|e| panic!("{e}"));
        self.head
            .forward(self.encoder.forward(tokens).mean_dim::<1>())
    }
}
