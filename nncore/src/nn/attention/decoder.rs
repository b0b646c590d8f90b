//! `nn.TransformerDecoderLayer` and `nn.TransformerDecoder`.

use super::encoder::{copy_parameters, detect_is_causal, final_norm};
use super::layer_args::{Blocks, TransformerLayerArgs};
use super::multihead::{MhaForward, MultiheadAttention};
use super::params::{Get, find_param, scoped};
use crate::nn::dynamic::DynLayer;
use crate::nn::module::training_flag;
use crate::nn::spec::{Args, LayerSpec};
use crate::nn::{Dropout, DynForward, LayerNorm, LayerNormSpec, Module, ModuleList, fmt_module};
use crate::ops::AttnMask;
use crate::{DynTensor, Element, Error, Result};
use std::fmt;

/// The forward's masks of a decoder (layer), PyTorch's keyword arguments
/// after `tgt, memory`; a `true` in a boolean mask is masked out.
///
/// ```
/// use nncore::nn::{DecoderForward, generate_square_subsequent_mask};
/// let causal = generate_square_subsequent_mask::<f32>(3);
/// let f = DecoderForward::new().tgt_mask(&causal).tgt_is_causal(true);
/// assert_eq!(f.tgt_is_causal, Some(true));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct DecoderForward<'a, E: Element = f32> {
    /// `tgt_mask` `(T, T)`.
    pub tgt_mask: Option<AttnMask<'a, E>>,
    /// `memory_mask` `(T, S)`.
    pub memory_mask: Option<AttnMask<'a, E>>,
    /// `tgt_key_padding_mask` `(N, T)`.
    pub tgt_key_padding_mask: Option<AttnMask<'a, E>>,
    /// `memory_key_padding_mask` `(N, S)`.
    pub memory_key_padding_mask: Option<AttnMask<'a, E>>,
    /// `tgt_is_causal` (`None`: detected from `tgt_mask` by the decoder).
    pub tgt_is_causal: Option<bool>,
    /// `memory_is_causal`.
    pub memory_is_causal: bool,
}

impl<E: Element> Default for DecoderForward<'_, E> {
    fn default() -> Self {
        DecoderForward {
            tgt_mask: None,
            memory_mask: None,
            tgt_key_padding_mask: None,
            memory_key_padding_mask: None,
            tgt_is_causal: None,
            memory_is_causal: false,
        }
    }
}

impl<'a, E: Element> DecoderForward<'a, E> {
    /// No masks.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `tgt_mask`.
    pub fn tgt_mask(mut self, m: impl Into<AttnMask<'a, E>>) -> Self {
        self.tgt_mask = Some(m.into());
        self
    }
    /// Sets `memory_mask`.
    pub fn memory_mask(mut self, m: impl Into<AttnMask<'a, E>>) -> Self {
        self.memory_mask = Some(m.into());
        self
    }
    /// Sets `tgt_key_padding_mask`.
    pub fn tgt_key_padding_mask(mut self, m: impl Into<AttnMask<'a, E>>) -> Self {
        self.tgt_key_padding_mask = Some(m.into());
        self
    }
    /// Sets `memory_key_padding_mask`.
    pub fn memory_key_padding_mask(mut self, m: impl Into<AttnMask<'a, E>>) -> Self {
        self.memory_key_padding_mask = Some(m.into());
        self
    }
    /// Sets `tgt_is_causal`.
    pub fn tgt_is_causal(mut self, causal: bool) -> Self {
        self.tgt_is_causal = Some(causal);
        self
    }
    /// Sets `memory_is_causal`.
    pub fn memory_is_causal(mut self, causal: bool) -> Self {
        self.memory_is_causal = causal;
        self
    }
}

/// `nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward=2048,
/// dropout=0.1, activation=relu, layer_norm_eps=1e-05, batch_first=False,
/// norm_first=False, bias=True)`'s arguments.
///
/// ```
/// use nncore::nn::{TransformerDecoderLayerSpec, TransformerLayerArgs};
/// assert!(TransformerDecoderLayerSpec(TransformerLayerArgs::new(8, 2)).0.bias);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransformerDecoderLayerSpec(pub TransformerLayerArgs);

impl TransformerDecoderLayerSpec {
    /// PyTorch's forward: self-attention, cross-attention over `memory`,
    /// feed-forward, each with a residual and a layer norm.
    pub fn run<'a, E: Element>(
        &self,
        tgt: &DynTensor<E>,
        memory: &DynTensor<E>,
        f: &DecoderForward<'_, E>,
        get: Get<'_, 'a, E>,
        training: bool,
    ) -> Result<DynTensor<E>> {
        let a = &self.0;
        let attn = a.attention()?;
        let (sa_get, mha_get) = (
            scoped(get, "self_attn.".into()),
            scoped(get, "multihead_attn.".into()),
        );
        let sa = |x: &DynTensor<E>| -> Result<DynTensor<E>> {
            let mut m = MhaForward::new()
                .need_weights(false)
                .is_causal(f.tgt_is_causal.unwrap_or(false));
            m.attn_mask = f.tgt_mask;
            m.key_padding_mask = f.tgt_key_padding_mask;
            a.drop(attn.run(x, x, x, &sa_get, &m, training)?.0, training)
        };
        let mha = |x: &DynTensor<E>| -> Result<DynTensor<E>> {
            let mut m = MhaForward::new()
                .need_weights(false)
                .is_causal(f.memory_is_causal);
            m.attn_mask = f.memory_mask;
            m.key_padding_mask = f.memory_key_padding_mask;
            a.drop(
                attn.run(x, memory, memory, &mha_get, &m, training)?.0,
                training,
            )
        };
        if a.norm_first {
            let x = tgt.add(&sa(&a.norm(tgt, get, "norm1")?)?)?;
            let x = x.add(&mha(&a.norm(&x, get, "norm2")?)?)?;
            x.add(&a.feed_forward(&a.norm(&x, get, "norm3")?, get, training)?)
        } else {
            let x = a.norm(&tgt.add(&sa(tgt)?)?, get, "norm1")?;
            let x = a.norm(&x.add(&mha(&x)?)?, get, "norm2")?;
            a.norm(&x.add(&a.feed_forward(&x, get, training)?)?, get, "norm3")
        }
    }
}

impl LayerSpec for TransformerDecoderLayerSpec {
    const NAME: &'static str = "TransformerDecoderLayer";
    fn parse(a: &Args<'_>) -> Result<Self> {
        TransformerLayerArgs::parse(a).map(TransformerDecoderLayerSpec)
    }
    /// None: PyTorch prints the children only.
    fn extra_repr(&self) -> String {
        String::new()
    }
}

/// A transformer decoder layer with runtime sizes, like
/// `nn.TransformerDecoderLayer(d_model, nhead, ...)`: children
/// `self_attn`, `multihead_attn`, `linear1`, `dropout`, `linear2`,
/// `norm1`..`norm3`, `dropout1`..`dropout3`.
///
/// ```
/// use nncore::nn::{DecoderForward, TransformerDecoderLayer, TransformerLayerArgs};
/// use nncore::DynTensor;
/// let layer = TransformerDecoderLayer::new(TransformerLayerArgs { dim_feedforward: 16, ..TransformerLayerArgs::new(8, 2) })?;
/// let (tgt, memory) = (DynTensor::randn(&[4, 2, 8])?, DynTensor::randn(&[6, 2, 8])?);
/// assert_eq!(layer.forward(&tgt, &memory, DecoderForward::new())?.shape(), &[4, 2, 8]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct TransformerDecoderLayer {
    spec: TransformerDecoderLayerSpec,
    self_attn: MultiheadAttention,
    multihead_attn: MultiheadAttention,
    linear1: DynLayer,
    dropout: Dropout,
    linear2: DynLayer,
    norm1: LayerNorm,
    norm2: LayerNorm,
    norm3: LayerNorm,
    dropout1: Dropout,
    dropout2: Dropout,
    dropout3: Dropout,
    training: bool,
}

impl TransformerDecoderLayer {
    /// The layer of these arguments, initialised as PyTorch does.
    pub fn new(args: TransformerLayerArgs) -> Result<Self> {
        let attn = args.attention()?;
        let Blocks {
            linear1,
            linear2,
            norm: [norm1, norm2, norm3],
            dropout,
        } = args.blocks();
        let p = args.dropout.value();
        Ok(TransformerDecoderLayer {
            spec: TransformerDecoderLayerSpec(args),
            self_attn: MultiheadAttention::from_spec(attn),
            multihead_attn: MultiheadAttention::from_spec(attn),
            linear1,
            dropout,
            linear2,
            norm1,
            norm2,
            norm3,
            dropout1: Dropout::with_p(p),
            dropout2: Dropout::with_p(p),
            dropout3: Dropout::with_p(p),
            training: true,
        })
    }

    /// The arguments it was built with.
    pub fn args(&self) -> &TransformerLayerArgs {
        &self.spec.0
    }

    /// `forward(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask,
    /// memory_key_padding_mask, tgt_is_causal, memory_is_causal)`.
    pub fn forward(
        &self,
        tgt: &DynTensor,
        memory: &DynTensor,
        f: DecoderForward<'_>,
    ) -> Result<DynTensor> {
        let get = |name: &str| find_param(self, name).map(|p| &**p);
        self.spec.run(tgt, memory, &f, &get, self.training)
    }
}

impl Module for TransformerDecoderLayer {
    training_flag!();
    fn type_name(&self) -> &str {
        TransformerDecoderLayerSpec::NAME
    }
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        vec![
            ("self_attn".into(), &self.self_attn),
            ("multihead_attn".into(), &self.multihead_attn),
            ("linear1".into(), &self.linear1),
            ("dropout".into(), &self.dropout),
            ("linear2".into(), &self.linear2),
            ("norm1".into(), &self.norm1),
            ("norm2".into(), &self.norm2),
            ("norm3".into(), &self.norm3),
            ("dropout1".into(), &self.dropout1),
            ("dropout2".into(), &self.dropout2),
            ("dropout3".into(), &self.dropout3),
        ]
    }
    fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
        vec![
            ("self_attn".into(), &mut self.self_attn),
            ("multihead_attn".into(), &mut self.multihead_attn),
            ("linear1".into(), &mut self.linear1),
            ("dropout".into(), &mut self.dropout),
            ("linear2".into(), &mut self.linear2),
            ("norm1".into(), &mut self.norm1),
            ("norm2".into(), &mut self.norm2),
            ("norm3".into(), &mut self.norm3),
            ("dropout1".into(), &mut self.dropout1),
            ("dropout2".into(), &mut self.dropout2),
            ("dropout3".into(), &mut self.dropout3),
        ]
    }
}

/// A decoder needs `memory`: the one-input forward is an error.
fn needs_memory(layer: &'static str) -> Error {
    Error::option(
        layer,
        "memory",
        "a decoder's forward takes (tgt, memory): call forward(tgt, memory, ..)",
    )
}

impl DynForward for TransformerDecoderLayer {
    fn forward_dyn(&self, _: &DynTensor) -> Result<DynTensor> {
        Err(needs_memory("TransformerDecoderLayer"))
    }
}

impl fmt::Display for TransformerDecoderLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}

/// `nn.TransformerDecoder(decoder_layer, num_layers, norm=None)`.
#[derive(Clone, Debug, PartialEq)]
pub struct TransformerDecoderSpec {
    /// `decoder_layer`'s arguments.
    pub layer: TransformerLayerArgs,
    /// `num_layers`.
    pub num_layers: usize,
    /// `norm`: a final `LayerNorm`, or none.
    pub norm: Option<LayerNormSpec>,
}

impl TransformerDecoderSpec {
    /// PyTorch's forward: each layer in turn, then `norm`.
    pub fn run<'a, E: Element>(
        &self,
        tgt: &DynTensor<E>,
        memory: &DynTensor<E>,
        f: &DecoderForward<'_, E>,
        get: Get<'_, 'a, E>,
        training: bool,
    ) -> Result<DynTensor<E>> {
        let layer = TransformerDecoderLayerSpec(self.layer);
        let seq_pos = usize::from(self.layer.batch_first && tgt.rank() == 3);
        let len = tgt.shape().get(seq_pos).copied().unwrap_or(0);
        let f = DecoderForward {
            tgt_is_causal: Some(detect_is_causal(f.tgt_mask, f.tgt_is_causal, len)),
            ..*f
        };
        let mut x = tgt.clone();
        for i in 0..self.num_layers {
            x = layer.run(
                &x,
                memory,
                &f,
                &scoped(get, format!("layers.{i}.")),
                training,
            )?;
        }
        match &self.norm {
            Some(n) => final_norm(&x, n, get),
            None => Ok(x),
        }
    }
}

/// A stack of decoder layers and an optional final norm, like
/// `nn.TransformerDecoder(decoder_layer, num_layers, norm)`.
///
/// ```
/// use nncore::nn::{DecoderForward, TransformerDecoder, TransformerDecoderLayer, TransformerLayerArgs};
/// use nncore::DynTensor;
/// let layer = TransformerDecoderLayer::new(TransformerLayerArgs { dim_feedforward: 16, ..TransformerLayerArgs::new(8, 2) })?;
/// let dec = TransformerDecoder::new(&layer, 2, None)?;
/// assert!(dec.to_string().contains("(0-1): 2 x TransformerDecoderLayer("));
/// let (tgt, memory) = (DynTensor::randn(&[4, 2, 8])?, DynTensor::randn(&[6, 2, 8])?);
/// assert_eq!(dec.forward(&tgt, &memory, DecoderForward::new())?.shape(), &[4, 2, 8]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct TransformerDecoder {
    layers: ModuleList<TransformerDecoderLayer>,
    norm: Option<LayerNorm>,
    training: bool,
}

impl TransformerDecoder {
    /// `num_layers` copies of `layer` and the final `norm`.
    pub fn new(
        layer: &TransformerDecoderLayer,
        num_layers: usize,
        norm: Option<LayerNorm>,
    ) -> Result<Self> {
        let mut layers = ModuleList::new();
        for _ in 0..num_layers {
            let copy = TransformerDecoderLayer::new(*layer.args())?;
            copy_parameters(layer, &copy);
            layers.append(copy);
        }
        Ok(TransformerDecoder {
            layers,
            norm,
            training: true,
        })
    }

    /// `forward(tgt, memory, ...)`.
    pub fn forward(
        &self,
        tgt: &DynTensor,
        memory: &DynTensor,
        f: DecoderForward<'_>,
    ) -> Result<DynTensor> {
        let get = |name: &str| find_param(self, name).map(|p| &**p);
        let layer = self
            .layers
            .first()
            .map(|l| *l.args())
            .unwrap_or_else(|| TransformerLayerArgs::new(1, 1));
        let spec = TransformerDecoderSpec {
            layer,
            num_layers: self.layers.len(),
            norm: self.norm.as_ref().map(LayerNorm::spec),
        };
        spec.run(tgt, memory, &f, &get, self.training)
    }
}

impl Module for TransformerDecoder {
    training_flag!();
    fn type_name(&self) -> &str {
        "TransformerDecoder"
    }
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        let mut c: Vec<(String, &dyn Module)> = vec![("layers".into(), &self.layers)];
        c.extend(
            self.norm
                .iter()
                .map(|n| ("norm".to_string(), n as &dyn Module)),
        );
        c
    }
    fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
        let mut c: Vec<(String, &mut dyn Module)> = vec![("layers".into(), &mut self.layers)];
        c.extend(
            self.norm
                .iter_mut()
                .map(|n| ("norm".to_string(), n as &mut dyn Module)),
        );
        c
    }
}

impl DynForward for TransformerDecoder {
    fn forward_dyn(&self, _: &DynTensor) -> Result<DynTensor> {
        Err(needs_memory("TransformerDecoder"))
    }
}

impl fmt::Display for TransformerDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}
