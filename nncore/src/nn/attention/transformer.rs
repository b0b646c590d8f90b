//! `nn.Transformer`: an encoder and a decoder with final layer norms.

use super::decoder::{DecoderForward, TransformerDecoder, TransformerDecoderLayer};
use super::encoder::{EncoderForward, TransformerEncoder, TransformerEncoderLayer};
use super::layer_args::TransformerLayerArgs;
use crate::init::xavier_uniform_;
use crate::nn::module::training_flag;
use crate::nn::{DynForward, LayerNorm, Module, ModuleExt, fmt_module};
use crate::ops::AttnMask;
use crate::{DynTensor, Error, Result};
use std::fmt;

/// `Transformer.forward`'s keyword arguments after `src, tgt`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TransformerForward<'a> {
    /// `src_mask`.
    pub src_mask: Option<AttnMask<'a>>,
    /// `tgt_mask`.
    pub tgt_mask: Option<AttnMask<'a>>,
    /// `memory_mask`.
    pub memory_mask: Option<AttnMask<'a>>,
    /// `src_key_padding_mask`.
    pub src_key_padding_mask: Option<AttnMask<'a>>,
    /// `tgt_key_padding_mask`.
    pub tgt_key_padding_mask: Option<AttnMask<'a>>,
    /// `memory_key_padding_mask`.
    pub memory_key_padding_mask: Option<AttnMask<'a>>,
    /// `src_is_causal`.
    pub src_is_causal: Option<bool>,
    /// `tgt_is_causal`.
    pub tgt_is_causal: Option<bool>,
    /// `memory_is_causal`.
    pub memory_is_causal: bool,
}

/// The encoder-decoder transformer with runtime sizes, like
/// `nn.Transformer(d_model=512, nhead=8, num_encoder_layers=6,
/// num_decoder_layers=6, dim_feedforward=2048, dropout=0.1, ...)`:
/// children `encoder` and `decoder`, each with a final `LayerNorm`; every
/// parameter of two or more dimensions re-initialised xavier_uniform as
/// PyTorch's `_reset_parameters` does.
///
/// ```
/// use nncore::nn::{Transformer, TransformerForward, TransformerLayerArgs, generate_square_subsequent_mask};
/// use nncore::ops::AttnMask;
/// use nncore::DynTensor;
/// let args = TransformerLayerArgs { dim_feedforward: 16, ..TransformerLayerArgs::new(8, 2) };
/// let t = Transformer::new(args, 1, 1)?;
/// let (src, tgt) = (DynTensor::randn(&[6, 2, 8])?, DynTensor::randn(&[4, 2, 8])?);
/// let causal = generate_square_subsequent_mask(4);
/// let f = TransformerForward { tgt_mask: Some(AttnMask::Float(&causal)), ..Default::default() };
/// assert_eq!(t.forward(&src, &tgt, f)?.shape(), &[4, 2, 8]);
/// assert_eq!(t.forward(&src, &DynTensor::randn(&[4, 3, 8])?, f).unwrap_err().to_string(),
///     "Transformer: invalid tgt: the batch number of src and tgt must be equal");
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct Transformer {
    args: TransformerLayerArgs,
    encoder: TransformerEncoder,
    decoder: TransformerDecoder,
    training: bool,
}

impl Transformer {
    /// `nn.Transformer` with these layer arguments and layer counts.
    pub fn new(
        args: TransformerLayerArgs,
        num_encoder_layers: usize,
        num_decoder_layers: usize,
    ) -> Result<Self> {
        let norm = || {
            LayerNorm::new(&[args.d_model])
                .eps(args.layer_norm_eps.value())
                .bias(args.bias)
        };
        let encoder = TransformerEncoder::new(
            &TransformerEncoderLayer::new(args)?,
            num_encoder_layers,
            Some(norm()),
        )?;
        let decoder = TransformerDecoder::new(
            &TransformerDecoderLayer::new(args)?,
            num_decoder_layers,
            Some(norm()),
        )?;
        let t = Transformer {
            args,
            encoder,
            decoder,
            training: true,
        };
        for p in t.parameters() {
            if p.rank() > 1 {
                xavier_uniform_(&p, 1.0)?;
            }
        }
        Ok(t)
    }

    /// The encoder.
    pub fn encoder(&self) -> &TransformerEncoder {
        &self.encoder
    }

    /// The decoder.
    pub fn decoder(&self) -> &TransformerDecoder {
        &self.decoder
    }

    /// `forward(src, tgt, ...)`: the decoder's output over the encoded
    /// `src`; PyTorch's checks of the batch and feature sizes first.
    pub fn forward(
        &self,
        src: &DynTensor,
        tgt: &DynTensor,
        f: TransformerForward<'_>,
    ) -> Result<DynTensor> {
        let batched = src.rank() == 3;
        let b = usize::from(!self.args.batch_first);
        if batched && src.shape().get(b) != tgt.shape().get(b) {
            return Err(Error::option(
                "Transformer",
                "tgt",
                "the batch number of src and tgt must be equal",
            ));
        }
        let d = self.args.d_model;
        if src.shape().last() != Some(&d) || tgt.shape().last() != Some(&d) {
            return Err(Error::option(
                "Transformer",
                "tgt",
                "the feature number of src and tgt must be equal to d_model",
            ));
        }
        let memory = self.encoder.forward(
            src,
            EncoderForward {
                src_mask: f.src_mask,
                src_key_padding_mask: f.src_key_padding_mask,
                is_causal: f.src_is_causal,
            },
        )?;
        self.decoder.forward(
            tgt,
            &memory,
            DecoderForward {
                tgt_mask: f.tgt_mask,
                memory_mask: f.memory_mask,
                tgt_key_padding_mask: f.tgt_key_padding_mask,
                memory_key_padding_mask: f.memory_key_padding_mask,
                tgt_is_causal: f.tgt_is_causal,
                memory_is_causal: f.memory_is_causal,
            },
        )
    }
}

impl Module for Transformer {
    training_flag!();
    fn type_name(&self) -> &str {
        "Transformer"
    }
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        vec![
            ("encoder".into(), &self.encoder),
            ("decoder".into(), &self.decoder),
        ]
    }
    fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
        vec![
            ("encoder".into(), &mut self.encoder),
            ("decoder".into(), &mut self.decoder),
        ]
    }
}

impl DynForward for Transformer {
    fn forward_dyn(&self, _: &DynTensor) -> Result<DynTensor> {
        Err(Error::option(
            "Transformer",
            "tgt",
            "the transformer's forward takes (src, tgt): call forward(src, tgt, ..)",
        ))
    }
}

impl fmt::Display for Transformer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}
