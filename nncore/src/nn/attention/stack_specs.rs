//! The specs of the stacks whose arguments are modules:
//! `nn.TransformerEncoder(encoder_layer, num_layers, norm)`,
//! `nn.TransformerDecoder(decoder_layer, num_layers, norm)` (an argument
//! given as [`OptValue::Module`]) and `nn.Transformer`, so
//! [`build_layer`](crate::nn::dynamic::build_layer) builds them from
//! PyTorch's description.

use super::decoder::{
    TransformerDecoder, TransformerDecoderLayer, TransformerDecoderLayerSpec,
    TransformerDecoderSpec,
};
use super::encoder::{
    TransformerEncoder, TransformerEncoderLayer, TransformerEncoderLayerSpec,
    TransformerEncoderSpec,
};
use super::layer_args::TransformerLayerArgs;
use super::transformer::Transformer;
use crate::Result;
use crate::nn::dynamic::{LayerOptions, OptValue};
use crate::nn::spec::{Args, BuildsModule, LayerSpec, parse};
use crate::nn::{DynModule, LayerNorm, LayerNormSpec};

/// The module argument `name` of type `type_name`: its options.
fn module_arg(a: &Args<'_>, name: &'static str, type_name: &str) -> Result<Option<LayerOptions>> {
    match a.value(name)? {
        OptValue::None => Ok(None),
        OptValue::Module(t, options) if t == type_name => Ok(Some(options)),
        other => Err(a.error(
            name,
            format!(
                "{} is not a {type_name} (Kiln builds this argument only as a {type_name})",
                other.py_repr()
            ),
        )),
    }
}

/// `norm`: a `LayerNorm` or `None`.
fn norm_arg(a: &Args<'_>) -> Result<Option<LayerNormSpec>> {
    module_arg(a, "norm", "LayerNorm")?
        .map(|o| parse::<LayerNormSpec>(&o))
        .transpose()
}

/// The layer of a `LayerNorm` spec.
fn layer_norm(spec: &LayerNormSpec) -> LayerNorm {
    LayerNorm::new(&spec.normalized_shape)
        .eps(spec.eps.value())
        .elementwise_affine(spec.elementwise_affine)
        .bias(spec.bias)
}

fn layer_args<S: LayerSpec>(
    a: &Args<'_>,
    name: &'static str,
    wrap: fn(&S) -> TransformerLayerArgs,
) -> Result<TransformerLayerArgs> {
    let options = module_arg(a, name, S::NAME)?.ok_or_else(|| a.error(name, "is required"))?;
    Ok(wrap(&parse::<S>(&options)?))
}

impl LayerSpec for TransformerEncoderSpec {
    const NAME: &'static str = "TransformerEncoder";
    fn parse(a: &Args<'_>) -> Result<Self> {
        Ok(TransformerEncoderSpec {
            layer: layer_args::<TransformerEncoderLayerSpec>(a, "encoder_layer", |s| s.0)?,
            num_layers: a.size("num_layers")?,
            norm: norm_arg(a)?,
        })
    }
    /// None: PyTorch prints the children only.
    fn extra_repr(&self) -> String {
        String::new()
    }
}

impl BuildsModule for TransformerEncoderSpec {
    fn build_module(&self) -> Result<Box<dyn DynModule>> {
        let layer = TransformerEncoderLayer::new(self.layer)?;
        let norm = self.norm.as_ref().map(layer_norm);
        Ok(Box::new(TransformerEncoder::new(
            &layer,
            self.num_layers,
            norm,
        )?))
    }
}

impl LayerSpec for TransformerDecoderSpec {
    const NAME: &'static str = "TransformerDecoder";
    fn parse(a: &Args<'_>) -> Result<Self> {
        Ok(TransformerDecoderSpec {
            layer: layer_args::<TransformerDecoderLayerSpec>(a, "decoder_layer", |s| s.0)?,
            num_layers: a.size("num_layers")?,
            norm: norm_arg(a)?,
        })
    }
    /// None: PyTorch prints the children only.
    fn extra_repr(&self) -> String {
        String::new()
    }
}

impl BuildsModule for TransformerDecoderSpec {
    fn build_module(&self) -> Result<Box<dyn DynModule>> {
        let layer = TransformerDecoderLayer::new(self.layer)?;
        let norm = self.norm.as_ref().map(layer_norm);
        Ok(Box::new(TransformerDecoder::new(
            &layer,
            self.num_layers,
            norm,
        )?))
    }
}

/// `nn.Transformer(d_model=512, nhead=8, num_encoder_layers=6,
/// num_decoder_layers=6, dim_feedforward=2048, dropout=0.1,
/// activation=relu, custom_encoder=None, custom_decoder=None,
/// layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True)`.
///
/// ```
/// use nncore::nn::TransformerSpec;
/// use nncore::nn::spec::parse;
/// use nncore::nn::dynamic::LayerOptions;
/// let spec: TransformerSpec = parse(&LayerOptions::new().with("d_model", 16).with("nhead", 2))?;
/// assert_eq!((spec.layer.dim_feedforward, spec.num_encoder_layers), (2048, 6));
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransformerSpec {
    /// The encoder and decoder layers' arguments.
    pub layer: TransformerLayerArgs,
    /// `num_encoder_layers`.
    pub num_encoder_layers: usize,
    /// `num_decoder_layers`.
    pub num_decoder_layers: usize,
}

impl LayerSpec for TransformerSpec {
    const NAME: &'static str = "Transformer";
    fn parse(a: &Args<'_>) -> Result<Self> {
        for custom in ["custom_encoder", "custom_decoder"] {
            if a.value(custom)? != OptValue::None {
                return Err(a.error(
                    custom,
                    "Kiln builds nn.Transformer with its own encoder and decoder only",
                ));
            }
        }
        Ok(TransformerSpec {
            layer: TransformerLayerArgs::parse(a)?,
            num_encoder_layers: a.size("num_encoder_layers")?,
            num_decoder_layers: a.size("num_decoder_layers")?,
        })
    }
    /// None: PyTorch prints the children only.
    fn extra_repr(&self) -> String {
        String::new()
    }
}

impl BuildsModule for TransformerSpec {
    fn build_module(&self) -> Result<Box<dyn DynModule>> {
        Ok(Box::new(Transformer::new(
            self.layer,
            self.num_encoder_layers,
            self.num_decoder_layers,
        )?))
    }
}
