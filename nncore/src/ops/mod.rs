//! The functional API (think `torch.nn.functional`): every op on
//! runtime-shaped tensors, with its backward rule beside it. Each op checks
//! its sizes at run time and returns [`Result`](crate::Result) on a mismatch.
//!
//! One concern per file; to add an op, add a file with the forward (a method
//! on `DynTensor` or a function), its `Backward` struct, and a gradcheck test.

/// Builder setters for options kept as (height, width) pairs, like
/// PyTorch's int-or-tuple arguments: `options.stride(2)` sets both axes.
macro_rules! square_setters {
    ($($name:ident: $doc:literal),* $(,)?) => {
        $(
            #[doc = $doc]
            pub fn $name(mut self, value: usize) -> Self {
                self.$name = (value, value);
                self
            }
        )*
    };
}

mod activations;
mod attention_mask;
mod avg_pool2d;
mod batch_norm;
mod binary;
mod bmm;
pub(crate) mod broadcast;
mod cat;
mod clamp;
mod conv1d;
mod conv2d;
mod conv_padding;
mod conv_transpose2d;
mod dropout;
mod embedding;
mod layer_norm;
mod linear;
pub(crate) mod math;
mod max_dim;
mod max_pool2d;
mod multi_head_attention;
mod narrow;
mod norm;
mod packed_attention;
mod permute;
pub(crate) mod pointwise;
mod reduce;
mod reshape;
mod scalar;
mod sdpa;
mod softmax;
pub(crate) mod unary;

pub use activations::GeluApproximate;
pub use attention_mask::{AttnMask, BoolMask};
pub use avg_pool2d::{AvgPool2dOptions, adaptive_avg_pool2d, avg_pool2d};
pub use batch_norm::{BatchNormOptions, batch_norm, batch_norm_momentum};
pub use bmm::bmm;
pub use cat::{cat, stack};
pub use conv_padding::{ConvPadding, conv2d_padded};
pub use conv_transpose2d::{ConvTranspose2dOptions, conv_transpose_out, conv_transpose2d};
pub use conv1d::{Conv1dOptions, conv1d};
pub use conv2d::{Conv2dOptions, conv2d};
pub use dropout::{dropout, dropout2d};
pub use embedding::{
    EmbeddingOptions, RowSparseGrad, embedding, embedding_renorm_, embedding_sparse_grad,
};
pub use layer_norm::layer_norm;
pub use linear::{linear, matmul};
pub use max_pool2d::{MaxPool2dOptions, max_pool2d};
pub(crate) use multi_head_attention::self_attention;
pub use multi_head_attention::{MhaOptions, MhaWeights, multi_head_attention_forward};
pub use packed_attention::packed_self_attention;

pub(crate) use reduce::split_at_dim;
pub use sdpa::{SdpaOptions, scaled_dot_product_attention};

/// Runs a batched op on an unbatched input as PyTorch does: a `(C, H, W)`
/// tensor is treated as a batch of one and the batch dim removed again.
pub(crate) fn unbatched<E: crate::Element>(
    input: &crate::DynTensor<E>,
    batched_rank: usize,
    op: impl FnOnce(&crate::DynTensor<E>) -> crate::Result<crate::DynTensor<E>>,
) -> crate::Result<crate::DynTensor<E>> {
    if input.rank() + 1 != batched_rank {
        return op(input);
    }
    let mut dims = vec![1];
    dims.extend_from_slice(input.shape());
    let out = op(&input.reshaped(dims))?;
    Ok(out.reshaped(&out.shape()[1..]))
}
