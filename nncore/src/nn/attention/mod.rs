//! Attention and transformers: `nn.MultiheadAttention`,
//! `nn.TransformerEncoderLayer`, `nn.TransformerEncoder`,
//! `nn.TransformerDecoderLayer`, `nn.TransformerDecoder`, `nn.Transformer`,
//! and their typed forms (sizes in the type: `typed.rs`, `typed_decoder.rs`).
//!
//! Each layer's forward lives once, in its spec's `run`, generic over the
//! element type and reading its parameters by PyTorch's names
//! ([`Get`]): the layer runs it on its own parameters (f32), the
//! conformance runner on a case's tensors (f64).

mod decoder;
mod encoder;
mod layer_args;
mod multihead;
mod params;
mod stack_specs;
mod transformer;
mod typed;
mod typed_decoder;

pub use decoder::{
    DecoderForward, TransformerDecoder, TransformerDecoderLayer, TransformerDecoderLayerSpec,
    TransformerDecoderSpec,
};
pub use encoder::{
    EncoderForward, TransformerEncoder, TransformerEncoderLayer, TransformerEncoderLayerSpec,
    TransformerEncoderSpec,
};
pub use layer_args::{Activation, TransformerLayerArgs, generate_square_subsequent_mask};
pub use multihead::{MhaForward, MultiheadAttention, MultiheadAttentionSpec};
pub use params::Get;
pub use stack_specs::TransformerSpec;
pub use transformer::{Transformer, TransformerForward};
pub use typed::{TypedMultiheadAttention, TypedTransformerEncoder, TypedTransformerEncoderLayer};
pub use typed_decoder::{TypedTransformerDecoder, TypedTransformerDecoderLayer};

use crate::nn::DynModule;
use crate::nn::spec::BuildsModule;

impl BuildsModule for MultiheadAttentionSpec {
    fn build_module(&self) -> crate::Result<Box<dyn DynModule>> {
        Ok(Box::new(MultiheadAttention::from_spec(*self)))
    }
}

impl BuildsModule for TransformerEncoderLayerSpec {
    fn build_module(&self) -> crate::Result<Box<dyn DynModule>> {
        Ok(Box::new(TransformerEncoderLayer::new(self.0)?))
    }
}

impl BuildsModule for TransformerDecoderLayerSpec {
    fn build_module(&self) -> crate::Result<Box<dyn DynModule>> {
        Ok(Box::new(TransformerDecoderLayer::new(self.0)?))
    }
}

#[cfg(test)]
mod tests;
