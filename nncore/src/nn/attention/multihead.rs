//! `nn.MultiheadAttention`: its spec (PyTorch's constructor arguments,
//! checks and printout), the forward shared by the layer and the
//! conformance runner, and the runtime-sized layer.

use super::params::{Get, find_param, optional, required};
use crate::init::{xavier_normal_, xavier_uniform_};
use crate::nn::conv_common::conv_parameters;
use crate::nn::module::training_flag;
use crate::nn::spec::{Args, LayerSpec};
use crate::nn::{DynForward, LinearSpec, Module, Parameter, PyNumber, fmt_module};
use crate::ops::{AttnMask, MhaOptions, MhaWeights, multi_head_attention_forward, self_attention};
use crate::{DynTensor, Element, Error, Result};
use std::fmt;

/// `nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True,
/// add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None,
/// batch_first=False)`'s arguments, checked as PyTorch's constructor does.
///
/// ```
/// use nncore::nn::MultiheadAttentionSpec;
/// let spec = MultiheadAttentionSpec::new(8, 2)?;
/// assert_eq!((spec.kdim(), spec.head_dim()), (8, 4));
/// assert_eq!(MultiheadAttentionSpec::new(10, 3).unwrap_err().to_string(),
///     "MultiheadAttention: invalid num_heads: embed_dim must be divisible by num_heads (embed_dim=10, num_heads=3)");
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MultiheadAttentionSpec {
    /// `embed_dim`: the query's (and output's) feature size.
    pub embed_dim: usize,
    /// `num_heads`: `embed_dim` is split into this many heads.
    pub num_heads: usize,
    /// `dropout` on the attention weights in training.
    pub dropout: PyNumber,
    /// `bias`: in- and out-projection biases.
    pub bias: bool,
    /// `add_bias_kv`: learned `bias_k`, `bias_v` rows appended to the keys and values.
    pub add_bias_kv: bool,
    /// `add_zero_attn`: a zero row appended to the keys and values.
    pub add_zero_attn: bool,
    /// `kdim` (`None`: `embed_dim`).
    pub kdim: Option<usize>,
    /// `vdim` (`None`: `embed_dim`).
    pub vdim: Option<usize>,
    /// `batch_first`: inputs `(N, L, E)` instead of `(L, N, E)`.
    pub batch_first: bool,
}

impl MultiheadAttentionSpec {
    /// `MultiheadAttention(embed_dim, num_heads)` with PyTorch's defaults;
    /// errors as PyTorch's constructor does.
    pub fn new(embed_dim: usize, num_heads: usize) -> Result<Self> {
        MultiheadAttentionSpec {
            embed_dim,
            num_heads,
            dropout: PyNumber::Float(0.0),
            bias: true,
            add_bias_kv: false,
            add_zero_attn: false,
            kdim: None,
            vdim: None,
            batch_first: false,
        }
        .checked()
    }

    /// PyTorch's constructor checks, in its words.
    pub fn checked(self) -> Result<Self> {
        let (e, h) = (self.embed_dim, self.num_heads);
        if e == 0 || h == 0 {
            return Err(Error::option(
                Self::NAME,
                "embed_dim",
                format!(
                    "embed_dim and num_heads must be greater than 0, got embed_dim={e} and num_heads={h} instead"
                ),
            ));
        }
        if e % h != 0 {
            return Err(Error::option(
                Self::NAME,
                "num_heads",
                format!("embed_dim must be divisible by num_heads (embed_dim={e}, num_heads={h})"),
            ));
        }
        let p = self.dropout.value();
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::option(
                Self::NAME,
                "dropout",
                format!(
                    "dropout probability has to be between 0 and 1, but got {}",
                    self.dropout
                ),
            ));
        }
        Ok(self)
    }

    /// The key's feature size.
    pub fn kdim(&self) -> usize {
        self.kdim.unwrap_or(self.embed_dim)
    }

    /// The value's feature size.
    pub fn vdim(&self) -> usize {
        self.vdim.unwrap_or(self.embed_dim)
    }

    /// `embed_dim / num_heads`.
    pub fn head_dim(&self) -> usize {
        self.embed_dim / self.num_heads
    }

    /// PyTorch's `_qkv_same_embed_dim`: one packed `in_proj_weight`.
    pub fn packed(&self) -> bool {
        self.kdim() == self.embed_dim && self.vdim() == self.embed_dim
    }

    /// The parameters, read through `get` under PyTorch's names.
    pub fn weights<'a, E: Element>(&self, get: Get<'_, 'a, E>) -> Result<MhaWeights<'a, E>> {
        const N: &str = "MultiheadAttention";
        let packed = self.packed();
        let qkv = if packed {
            None
        } else {
            Some([
                required(N, get, "q_proj_weight")?,
                required(N, get, "k_proj_weight")?,
                required(N, get, "v_proj_weight")?,
            ])
        };
        let bias_kv = if self.add_bias_kv {
            Some([required(N, get, "bias_k")?, required(N, get, "bias_v")?])
        } else {
            None
        };
        Ok(MhaWeights {
            in_proj_weight: optional(N, get, "in_proj_weight", packed)?,
            qkv_proj_weight: qkv,
            in_proj_bias: optional(N, get, "in_proj_bias", self.bias)?,
            bias_kv,
            out_proj_weight: required(N, get, "out_proj.weight")?,
            out_proj_bias: optional(N, get, "out_proj.bias", self.bias)?,
        })
    }

    /// The forward on `query`, `key`, `value` with the parameters `get`
    /// finds: `(attn_output, attn_output_weights)`, transposing
    /// `batch_first` inputs as PyTorch does.
    pub fn run<'a, E: Element>(
        &self,
        query: &DynTensor<E>,
        key: &DynTensor<E>,
        value: &DynTensor<E>,
        get: Get<'_, 'a, E>,
        f: &MhaForward<'_, E>,
        training: bool,
    ) -> Result<(DynTensor<E>, Option<DynTensor<E>>)> {
        let w = self.weights(get)?;
        let o = MhaOptions {
            embed_dim: self.embed_dim,
            num_heads: self.num_heads,
            add_zero_attn: self.add_zero_attn,
            dropout_p: self.dropout.value(),
            training,
            key_padding_mask: f.key_padding_mask,
            need_weights: f.need_weights,
            attn_mask: f.attn_mask,
            average_attn_weights: f.average_attn_weights,
            is_causal: f.is_causal,
        };
        if let Some(y) = self_attention(query, key, value, &w, &o, self.batch_first) {
            return y.map(|y| (y, None));
        }
        if self.batch_first && query.rank() == 3 {
            let t = |x: &DynTensor<E>| x.transpose(0, 1);
            let (y, a) = multi_head_attention_forward(&t(query)?, &t(key)?, &t(value)?, &w, &o)?;
            Ok((t(&y)?, a))
        } else {
            multi_head_attention_forward(query, key, value, &w, &o)
        }
    }
}

impl LayerSpec for MultiheadAttentionSpec {
    const NAME: &'static str = "MultiheadAttention";
    fn parse(a: &Args<'_>) -> Result<Self> {
        let opt_size = |name| -> Result<Option<usize>> {
            a.opt_int(name)?
                .map(|v| {
                    usize::try_from(v).map_err(|_| a.error(name, format!("{v} is not a size")))
                })
                .transpose()
        };
        MultiheadAttentionSpec {
            embed_dim: a.size("embed_dim")?,
            num_heads: a.size("num_heads")?,
            dropout: a.number("dropout")?,
            bias: a.flag("bias")?,
            add_bias_kv: a.flag("add_bias_kv")?,
            add_zero_attn: a.flag("add_zero_attn")?,
            kdim: opt_size("kdim")?,
            vdim: opt_size("vdim")?,
            batch_first: a.flag("batch_first")?,
        }
        .checked()
    }
    /// PyTorch's `MultiheadAttention` has no `extra_repr`: it prints its
    /// `out_proj` only.
    fn extra_repr(&self) -> String {
        String::new()
    }
}

/// `MultiheadAttention.forward`'s keyword arguments after `query, key,
/// value`, with PyTorch's defaults (`need_weights=True`,
/// `average_attn_weights=True`). A `true` in a boolean mask is masked out.
///
/// ```
/// use nncore::nn::MhaForward;
/// use nncore::ops::BoolMask;
/// let pad = BoolMask::new(vec![false, false, true], &[1, 3])?;
/// let f = MhaForward::<f32>::new().key_padding_mask(&pad).need_weights(false);
/// assert!(!f.need_weights && f.average_attn_weights);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct MhaForward<'a, E: Element = f32> {
    /// `key_padding_mask` `(N, S)` (or `(S)` unbatched).
    pub key_padding_mask: Option<AttnMask<'a, E>>,
    /// `need_weights`.
    pub need_weights: bool,
    /// `attn_mask` `(L, S)` or `(N·num_heads, L, S)`.
    pub attn_mask: Option<AttnMask<'a, E>>,
    /// `average_attn_weights`.
    pub average_attn_weights: bool,
    /// `is_causal`: a hint that `attn_mask` is causal (PyTorch then may
    /// skip reading it).
    pub is_causal: bool,
}

impl<E: Element> Default for MhaForward<'_, E> {
    fn default() -> Self {
        MhaForward {
            key_padding_mask: None,
            need_weights: true,
            attn_mask: None,
            average_attn_weights: true,
            is_causal: false,
        }
    }
}

impl<'a, E: Element> MhaForward<'a, E> {
    /// PyTorch's defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `key_padding_mask`.
    pub fn key_padding_mask(mut self, m: impl Into<AttnMask<'a, E>>) -> Self {
        self.key_padding_mask = Some(m.into());
        self
    }
    /// Sets `attn_mask`.
    pub fn attn_mask(mut self, m: impl Into<AttnMask<'a, E>>) -> Self {
        self.attn_mask = Some(m.into());
        self
    }
    /// Sets `need_weights`.
    pub fn need_weights(mut self, need: bool) -> Self {
        self.need_weights = need;
        self
    }
    /// Sets `average_attn_weights`.
    pub fn average_attn_weights(mut self, average: bool) -> Self {
        self.average_attn_weights = average;
        self
    }
    /// Sets `is_causal`.
    pub fn is_causal(mut self, causal: bool) -> Self {
        self.is_causal = causal;
        self
    }
}

/// PyTorch's `out_proj` of a `MultiheadAttention`: a `Linear` that prints
/// as `NonDynamicallyQuantizableLinear` (PyTorch's subclass guarding
/// quantisation), parameters `weight` and `bias`.
pub struct NonDynamicallyQuantizableLinear {
    spec: LinearSpec,
    weight: Parameter,
    bias: Option<Parameter>,
    training: bool,
}

impl NonDynamicallyQuantizableLinear {
    /// A `(features, features)` projection, initialised as `nn.Linear`.
    fn new(features: usize, bias: bool) -> Self {
        let (weight, bias) = conv_parameters(&[features, features], features, bias);
        NonDynamicallyQuantizableLinear {
            spec: LinearSpec {
                in_features: features,
                out_features: features,
                bias: bias.is_some(),
            },
            weight,
            bias,
            training: true,
        }
    }
}

impl Module for NonDynamicallyQuantizableLinear {
    training_flag!();
    fn type_name(&self) -> &str {
        "NonDynamicallyQuantizableLinear"
    }
    fn extra_repr(&self) -> String {
        self.spec.extra_repr()
    }
    fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
        let mut p = vec![("weight", &self.weight)];
        p.extend(self.bias.iter().map(|b| ("bias", b)));
        p
    }
}

impl DynForward for NonDynamicallyQuantizableLinear {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        crate::ops::linear(x, &self.weight, self.bias.as_deref())
    }
}

/// Multi-head attention with runtime sizes, like
/// `nn.MultiheadAttention(embed_dim, num_heads, ...)`: PyTorch's
/// parameters (`in_proj_weight` or `q_proj_weight`/`k_proj_weight`/
/// `v_proj_weight`, `in_proj_bias`, `bias_k`, `bias_v`, `out_proj.weight`,
/// `out_proj.bias`), its initialisation (xavier_uniform in-projection, zero
/// biases, xavier_normal `bias_k`/`bias_v`), its printout, its forward and
/// errors. [`DynForward`] runs self-attention (`query = key = value`) and
/// returns `attn_output`; [`forward`](Self::forward) takes everything.
///
/// ```
/// use nncore::nn::{MhaForward, MultiheadAttention, ModuleExt};
/// use nncore::DynTensor;
/// let mha = MultiheadAttention::new(8, 2)?;
/// assert_eq!(mha.to_string(), "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n)");
/// let names: Vec<String> = mha.named_parameters().into_iter().map(|(n, _)| n).collect();
/// assert_eq!(names, ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]);
/// let x = DynTensor::randn(&[5, 3, 8])?; // (L, N, E)
/// let (y, w) = mha.forward(&x, &x, &x, MhaForward::new())?;
/// assert_eq!((y.shape(), w.unwrap().shape()), (&[5, 3, 8][..], &[3, 5, 5][..]));
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct MultiheadAttention {
    spec: MultiheadAttentionSpec,
    in_proj_weight: Option<Parameter>,
    qkv_proj_weight: Option<[Parameter; 3]>,
    in_proj_bias: Option<Parameter>,
    bias_kv: Option<[Parameter; 2]>,
    out_proj: NonDynamicallyQuantizableLinear,
    training: bool,
}

impl MultiheadAttention {
    /// `nn.MultiheadAttention(embed_dim, num_heads)`.
    pub fn new(embed_dim: usize, num_heads: usize) -> Result<Self> {
        Ok(Self::from_spec(MultiheadAttentionSpec::new(
            embed_dim, num_heads,
        )?))
    }

    /// The layer of a checked spec, initialised as PyTorch does.
    pub fn from_spec(spec: MultiheadAttentionSpec) -> Self {
        let e = spec.embed_dim;
        let xavier = |rows: usize, cols: usize| {
            let w = Parameter::new(vec![0.0; rows * cols], &[rows, cols]);
            xavier_uniform_(&w, 1.0).expect("a 2-D weight has fans");
            w
        };
        let (in_proj_weight, qkv_proj_weight) = if spec.packed() {
            (Some(xavier(3 * e, e)), None)
        } else {
            (
                None,
                Some([xavier(e, e), xavier(e, spec.kdim()), xavier(e, spec.vdim())]),
            )
        };
        let out_proj = NonDynamicallyQuantizableLinear::new(e, spec.bias);
        if let Some(b) = &out_proj.bias {
            crate::init::zeros_(b);
        }
        let bias_kv = spec.add_bias_kv.then(|| {
            [0, 1].map(|_| {
                let b = Parameter::new(vec![0.0; e], &[1, 1, e]);
                xavier_normal_(&b, 1.0).expect("a 3-D tensor has fans");
                b
            })
        });
        MultiheadAttention {
            spec,
            in_proj_weight,
            qkv_proj_weight,
            in_proj_bias: spec
                .bias
                .then(|| Parameter::new(vec![0.0; 3 * e], &[3 * e])),
            bias_kv,
            out_proj,
            training: true,
        }
    }

    /// The options it was built with.
    pub fn spec(&self) -> &MultiheadAttentionSpec {
        &self.spec
    }

    /// `forward(query, key, value, key_padding_mask, need_weights,
    /// attn_mask, average_attn_weights, is_causal)`:
    /// `(attn_output, attn_output_weights)`.
    pub fn forward(
        &self,
        query: &DynTensor,
        key: &DynTensor,
        value: &DynTensor,
        f: MhaForward<'_>,
    ) -> Result<(DynTensor, Option<DynTensor>)> {
        let get = |name: &str| find_param(self, name).map(|p| &**p);
        self.spec.run(query, key, value, &get, &f, self.training)
    }
}

impl Module for MultiheadAttention {
    training_flag!();
    fn type_name(&self) -> &str {
        MultiheadAttentionSpec::NAME
    }
    fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
        let mut p = Vec::new();
        p.extend(self.in_proj_weight.iter().map(|w| ("in_proj_weight", w)));
        if let Some([q, k, v]) = &self.qkv_proj_weight {
            p.extend([
                ("q_proj_weight", q),
                ("k_proj_weight", k),
                ("v_proj_weight", v),
            ]);
        }
        p.extend(self.in_proj_bias.iter().map(|b| ("in_proj_bias", b)));
        if let Some([k, v]) = &self.bias_kv {
            p.extend([("bias_k", k), ("bias_v", v)]);
        }
        p
    }
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        vec![("out_proj".into(), &self.out_proj)]
    }
    fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
        vec![("out_proj".into(), &mut self.out_proj)]
    }
}

impl DynForward for MultiheadAttention {
    /// Self-attention: `forward(x, x, x)`'s `attn_output`.
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        Ok(self
            .forward(x, x, x, MhaForward::new().need_weights(false))?
            .0)
    }
}

impl fmt::Display for MultiheadAttention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}
