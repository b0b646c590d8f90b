//! `nn.TransformerEncoderLayer` and `nn.TransformerEncoder`: specs (the
//! forward shared with the conformance runner) and the runtime-sized layers.

use super::layer_args::{Blocks, TransformerLayerArgs};
use super::multihead::{MhaForward, MultiheadAttention};
use super::params::{Get, find_param, scoped};
use crate::nn::dynamic::DynLayer;
use crate::nn::module::training_flag;
use crate::nn::spec::{Args, LayerSpec};
use crate::nn::{
    Dropout, DynForward, LayerNorm, LayerNormSpec, Module, ModuleExt, ModuleList, Parameter,
    fmt_module,
};
use crate::ops::{AttnMask, layer_norm};
use crate::{DynTensor, Element, Result};
use std::fmt;

/// The forward's masks of an encoder (layer): `src_mask` `(L, L)` or
/// `(N·nhead, L, L)`, `src_key_padding_mask` `(N, L)` (a `true` is masked
/// out), `is_causal` (a hint that `src_mask` is causal; the encoder finds
/// out itself when `None`).
///
/// ```
/// use nncore::nn::EncoderForward;
/// use nncore::nn::generate_square_subsequent_mask;
/// let causal = generate_square_subsequent_mask::<f32>(4);
/// let f = EncoderForward::new().src_mask(&causal).is_causal(true);
/// assert_eq!(f.is_causal, Some(true));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct EncoderForward<'a, E: Element = f32> {
    /// `src_mask` (`mask` of `TransformerEncoder.forward`).
    pub src_mask: Option<AttnMask<'a, E>>,
    /// `src_key_padding_mask`.
    pub src_key_padding_mask: Option<AttnMask<'a, E>>,
    /// `is_causal` (`None`: PyTorch's default, detect it from the mask in the encoder; false in a layer).
    pub is_causal: Option<bool>,
}

impl<E: Element> Default for EncoderForward<'_, E> {
    fn default() -> Self {
        EncoderForward {
            src_mask: None,
            src_key_padding_mask: None,
            is_causal: None,
        }
    }
}

impl<'a, E: Element> EncoderForward<'a, E> {
    /// No masks.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `src_mask`.
    pub fn src_mask(mut self, m: impl Into<AttnMask<'a, E>>) -> Self {
        self.src_mask = Some(m.into());
        self
    }
    /// Sets `src_key_padding_mask`.
    pub fn src_key_padding_mask(mut self, m: impl Into<AttnMask<'a, E>>) -> Self {
        self.src_key_padding_mask = Some(m.into());
        self
    }
    /// Sets `is_causal`.
    pub fn is_causal(mut self, causal: bool) -> Self {
        self.is_causal = Some(causal);
        self
    }
}

/// `nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048,
/// dropout=0.1, activation=relu, layer_norm_eps=1e-05, batch_first=False,
/// norm_first=False, bias=True)`'s arguments.
///
/// ```
/// use nncore::nn::{TransformerEncoderLayerSpec, TransformerLayerArgs};
/// let spec = TransformerEncoderLayerSpec(TransformerLayerArgs::new(8, 2));
/// assert_eq!(spec.0.dim_feedforward, 2048);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransformerEncoderLayerSpec(pub TransformerLayerArgs);

impl TransformerEncoderLayerSpec {
    /// PyTorch's forward: self-attention block then feed-forward block,
    /// each with a residual and a layer norm (after, or before with
    /// `norm_first`), parameters read through `get`.
    pub fn run<'a, E: Element>(
        &self,
        src: &DynTensor<E>,
        f: &EncoderForward<'_, E>,
        get: Get<'_, 'a, E>,
        training: bool,
    ) -> Result<DynTensor<E>> {
        let a = &self.0;
        let attn = a.attention()?;
        let attn_get = scoped(get, "self_attn.".into());
        let sa = |x: &DynTensor<E>| -> Result<DynTensor<E>> {
            let mut m = MhaForward::new()
                .need_weights(false)
                .is_causal(f.is_causal.unwrap_or(false));
            m.attn_mask = f.src_mask;
            m.key_padding_mask = f.src_key_padding_mask;
            let y = attn.run(x, x, x, &attn_get, &m, training)?.0;
            a.drop(y, training)
        };
        if a.norm_first {
            let x = src.add(&sa(&a.norm(src, get, "norm1")?)?)?;
            x.add(&a.feed_forward(&a.norm(&x, get, "norm2")?, get, training)?)
        } else {
            let x = a.norm(&src.add(&sa(src)?)?, get, "norm1")?;
            a.norm(&x.add(&a.feed_forward(&x, get, training)?)?, get, "norm2")
        }
    }
}

impl LayerSpec for TransformerEncoderLayerSpec {
    const NAME: &'static str = "TransformerEncoderLayer";
    fn parse(a: &Args<'_>) -> Result<Self> {
        TransformerLayerArgs::parse(a).map(TransformerEncoderLayerSpec)
    }
    /// None: PyTorch prints the children only.
    fn extra_repr(&self) -> String {
        String::new()
    }
}

/// A transformer encoder layer with runtime sizes, like
/// `nn.TransformerEncoderLayer(d_model, nhead, ...)`: children `self_attn`,
/// `linear1`, `dropout`, `linear2`, `norm1`, `norm2`, `dropout1`,
/// `dropout2` with PyTorch's parameters, initialisation and printout.
///
/// ```
/// use nncore::nn::{DynForward, TransformerEncoderLayer, TransformerLayerArgs};
/// use nncore::DynTensor;
/// let layer = TransformerEncoderLayer::new(TransformerLayerArgs { dim_feedforward: 16, batch_first: true, ..TransformerLayerArgs::new(8, 2) })?;
/// let y = layer.forward_dyn(&DynTensor::randn(&[3, 5, 8])?)?;
/// assert_eq!(y.shape(), &[3, 5, 8]);
/// assert!(layer.to_string().starts_with("TransformerEncoderLayer(\n  (self_attn): MultiheadAttention("));
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct TransformerEncoderLayer {
    spec: TransformerEncoderLayerSpec,
    self_attn: MultiheadAttention,
    linear1: DynLayer,
    dropout: Dropout,
    linear2: DynLayer,
    norm1: LayerNorm,
    norm2: LayerNorm,
    dropout1: Dropout,
    dropout2: Dropout,
    training: bool,
}

impl TransformerEncoderLayer {
    /// The layer of these arguments, initialised as PyTorch does; errors
    /// as PyTorch's constructor does.
    pub fn new(args: TransformerLayerArgs) -> Result<Self> {
        let self_attn = MultiheadAttention::from_spec(args.attention()?);
        let Blocks {
            linear1,
            linear2,
            norm: [norm1, norm2, _],
            dropout,
        } = args.blocks();
        let p = args.dropout.value();
        Ok(TransformerEncoderLayer {
            spec: TransformerEncoderLayerSpec(args),
            self_attn,
            linear1,
            dropout,
            linear2,
            norm1,
            norm2,
            dropout1: Dropout::with_p(p),
            dropout2: Dropout::with_p(p),
            training: true,
        })
    }

    /// The arguments it was built with.
    pub fn args(&self) -> &TransformerLayerArgs {
        &self.spec.0
    }

    /// `forward(src, src_mask, src_key_padding_mask, is_causal)`.
    pub fn forward(&self, src: &DynTensor, f: EncoderForward<'_>) -> Result<DynTensor> {
        let get = |name: &str| find_param(self, name).map(|p| &**p);
        self.spec.run(src, &f, &get, self.training)
    }
}

impl Module for TransformerEncoderLayer {
    training_flag!();
    fn type_name(&self) -> &str {
        TransformerEncoderLayerSpec::NAME
    }
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        vec![
            ("self_attn".into(), &self.self_attn),
            ("linear1".into(), &self.linear1),
            ("dropout".into(), &self.dropout),
            ("linear2".into(), &self.linear2),
            ("norm1".into(), &self.norm1),
            ("norm2".into(), &self.norm2),
            ("dropout1".into(), &self.dropout1),
            ("dropout2".into(), &self.dropout2),
        ]
    }
    fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
        vec![
            ("self_attn".into(), &mut self.self_attn),
            ("linear1".into(), &mut self.linear1),
            ("dropout".into(), &mut self.dropout),
            ("linear2".into(), &mut self.linear2),
            ("norm1".into(), &mut self.norm1),
            ("norm2".into(), &mut self.norm2),
            ("dropout1".into(), &mut self.dropout1),
            ("dropout2".into(), &mut self.dropout2),
        ]
    }
}

impl DynForward for TransformerEncoderLayer {
    fn forward_dyn(&self, src: &DynTensor) -> Result<DynTensor> {
        self.forward(src, EncoderForward::new())
    }
}

impl fmt::Display for TransformerEncoderLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}

/// Copies every parameter of `from` into the same-named one of `to`:
/// PyTorch's `_get_clones` deep-copies one layer, so all start equal.
pub(crate) fn copy_parameters(from: &dyn Module, to: &dyn Module) {
    for (name, p) in from.named_parameters() {
        if let Some(q) = find_param(to, &name) {
            q.data_mut().copy_from_slice(&p.data());
        }
    }
}

/// PyTorch's `_detect_is_causal_mask`: `is_causal` as given, else whether
/// `mask` is exactly the `(len, len)` causal mask.
pub(crate) fn detect_is_causal<E: Element>(
    mask: Option<AttnMask<'_, E>>,
    is_causal: Option<bool>,
    len: usize,
) -> bool {
    match (is_causal, mask) {
        (Some(c), _) => c,
        (None, Some(m)) if m.shape() == [len, len] => match m {
            AttnMask::Bool(b) => b
                .values()
                .iter()
                .enumerate()
                .all(|(k, &v)| v == (k % len > k / len)),
            AttnMask::Float(t) => t.data().iter().enumerate().all(|(k, &v)| {
                let causal = if k % len > k / len {
                    f64::NEG_INFINITY
                } else {
                    0.0
                };
                v.as_f64() == causal
            }),
        },
        _ => false,
    }
}

/// `nn.TransformerEncoder(encoder_layer, num_layers, norm=None,
/// enable_nested_tensor=True, mask_check=True)`: the layer's arguments,
/// the count and the final norm (a `LayerNorm` or none).
///
/// ```
/// use nncore::nn::{TransformerEncoderSpec, TransformerLayerArgs};
/// let spec = TransformerEncoderSpec { layer: TransformerLayerArgs::new(8, 2), num_layers: 2, norm: None };
/// assert_eq!(spec.num_layers, 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TransformerEncoderSpec {
    /// `encoder_layer`'s arguments.
    pub layer: TransformerLayerArgs,
    /// `num_layers`.
    pub num_layers: usize,
    /// `norm`: a final `LayerNorm`, or none.
    pub norm: Option<LayerNormSpec>,
}

impl TransformerEncoderSpec {
    /// PyTorch's forward: each layer in turn (`layers.0.*`, ...), then `norm`.
    pub fn run<'a, E: Element>(
        &self,
        src: &DynTensor<E>,
        f: &EncoderForward<'_, E>,
        get: Get<'_, 'a, E>,
        training: bool,
    ) -> Result<DynTensor<E>> {
        let layer = TransformerEncoderLayerSpec(self.layer);
        let seq_pos = usize::from(self.layer.batch_first && src.rank() == 3);
        let len = src.shape().get(seq_pos).copied().unwrap_or(0);
        let f = EncoderForward {
            is_causal: Some(detect_is_causal(f.src_mask, f.is_causal, len)),
            ..*f
        };
        let mut x = src.clone();
        for i in 0..self.num_layers {
            x = layer.run(&x, &f, &scoped(get, format!("layers.{i}.")), training)?;
        }
        match &self.norm {
            Some(n) => final_norm(&x, n, get),
            None => Ok(x),
        }
    }
}

/// The encoder's (decoder's) final `norm`.
pub(crate) fn final_norm<'a, E: Element>(
    x: &DynTensor<E>,
    n: &LayerNormSpec,
    get: Get<'_, 'a, E>,
) -> Result<DynTensor<E>> {
    let w = n.elementwise_affine.then(|| get("norm.weight")).flatten();
    let b = (n.elementwise_affine && n.bias)
        .then(|| get("norm.bias"))
        .flatten();
    layer_norm(x, &n.normalized_shape, w, b, n.eps.value())
}

/// A stack of `num_layers` copies of an encoder layer and an optional
/// final norm, like `nn.TransformerEncoder(encoder_layer, num_layers,
/// norm)`. Children `layers` (a `ModuleList`, printed folded as PyTorch
/// does: `(0-1): 2 x TransformerEncoderLayer(`) and `norm`.
///
/// ```
/// use nncore::nn::{DynForward, LayerNorm, TransformerEncoder, TransformerEncoderLayer, TransformerLayerArgs};
/// use nncore::DynTensor;
/// let layer = TransformerEncoderLayer::new(TransformerLayerArgs { dim_feedforward: 16, ..TransformerLayerArgs::new(8, 2) })?;
/// let enc = TransformerEncoder::new(&layer, 2, Some(LayerNorm::new(&[8])))?;
/// assert!(enc.to_string().contains("(0-1): 2 x TransformerEncoderLayer("));
/// assert_eq!(enc.forward_dyn(&DynTensor::randn(&[5, 3, 8])?)?.shape(), &[5, 3, 8]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct TransformerEncoder {
    layers: ModuleList<TransformerEncoderLayer>,
    norm: Option<LayerNorm>,
    training: bool,
}

impl TransformerEncoder {
    /// `num_layers` copies of `layer` (same initial parameters, as
    /// PyTorch's deep copies) and the final `norm`.
    pub fn new(
        layer: &TransformerEncoderLayer,
        num_layers: usize,
        norm: Option<LayerNorm>,
    ) -> Result<Self> {
        let mut layers = ModuleList::new();
        for _ in 0..num_layers {
            let copy = TransformerEncoderLayer::new(*layer.args())?;
            copy_parameters(layer, &copy);
            layers.append(copy);
        }
        Ok(TransformerEncoder {
            layers,
            norm,
            training: true,
        })
    }

    /// The layers.
    pub fn layers(&self) -> &ModuleList<TransformerEncoderLayer> {
        &self.layers
    }

    /// `forward(src, mask, src_key_padding_mask, is_causal)`.
    pub fn forward(&self, src: &DynTensor, f: EncoderForward<'_>) -> Result<DynTensor> {
        let get = |name: &str| find_param(self, name).map(|p| &**p);
        self.spec().run(src, &f, &get, self.training)
    }

    fn spec(&self) -> TransformerEncoderSpec {
        let layer = self
            .layers
            .first()
            .map(|l| *l.args())
            .unwrap_or_else(|| TransformerLayerArgs::new(1, 1));
        TransformerEncoderSpec {
            layer,
            num_layers: self.layers.len(),
            norm: self.norm.as_ref().map(LayerNorm::spec),
        }
    }
}

impl Module for TransformerEncoder {
    training_flag!();
    fn type_name(&self) -> &str {
        "TransformerEncoder"
    }
    fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
        Vec::new()
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

impl DynForward for TransformerEncoder {
    fn forward_dyn(&self, src: &DynTensor) -> Result<DynTensor> {
        self.forward(src, EncoderForward::new())
    }
}

impl fmt::Display for TransformerEncoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}
