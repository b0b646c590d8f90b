//! The arguments `nn.TransformerEncoderLayer` and
//! `nn.TransformerDecoderLayer` share, and the blocks both run: the
//! feed-forward block, the layer norms, dropout.

use super::multihead::MultiheadAttentionSpec;
use super::params::{Get, optional, required};
use crate::nn::dynamic::DynLayer;
use crate::nn::spec::Args;
use crate::nn::{Dropout, LayerNorm, LinearSpec, PyNumber};
use crate::ops::{GeluApproximate, dropout, layer_norm};
use crate::{DynTensor, Element, Result};

/// `activation`: `"relu"` or `"gelu"` (PyTorch also takes a callable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Activation {
    /// `F.relu`, the default.
    #[default]
    Relu,
    /// `F.gelu` (exact).
    Gelu,
}

impl Activation {
    /// PyTorch's `_get_activation_fn`.
    ///
    /// ```
    /// use nncore::nn::Activation;
    /// assert_eq!(Activation::parse("gelu").unwrap(), Activation::Gelu);
    /// assert_eq!(Activation::parse("tanh").unwrap_err(), "activation should be relu/gelu, not tanh");
    /// ```
    pub fn parse(name: &str) -> std::result::Result<Self, String> {
        match name {
            "relu" => Ok(Activation::Relu),
            "gelu" => Ok(Activation::Gelu),
            other => Err(format!("activation should be relu/gelu, not {other}")),
        }
    }

    /// The name PyTorch's `_get_activation_fn` takes.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::Gelu => "gelu",
        }
    }

    fn apply<E: Element>(self, x: &DynTensor<E>) -> DynTensor<E> {
        match self {
            Activation::Relu => x.relu(),
            Activation::Gelu => x.gelu(GeluApproximate::None),
        }
    }
}

/// `(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
/// layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True)`.
///
/// ```
/// use nncore::nn::TransformerLayerArgs;
/// let a = TransformerLayerArgs::new(64, 4);
/// assert_eq!((a.dim_feedforward, a.dropout.value()), (2048, 0.1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransformerLayerArgs {
    /// `d_model`: the feature size in and out.
    pub d_model: usize,
    /// `nhead`: the attention heads.
    pub nhead: usize,
    /// `dim_feedforward`: the hidden size of the feed-forward block.
    pub dim_feedforward: usize,
    /// `dropout`, everywhere in the layer.
    pub dropout: PyNumber,
    /// `activation` of the feed-forward block.
    pub activation: Activation,
    /// `layer_norm_eps`.
    pub layer_norm_eps: PyNumber,
    /// `batch_first`: `(N, L, E)` inputs.
    pub batch_first: bool,
    /// `norm_first`: pre-norm (`x + block(norm(x))`) instead of post-norm.
    pub norm_first: bool,
    /// `bias` of the linear layers, the attention and the layer norms.
    pub bias: bool,
}

impl TransformerLayerArgs {
    /// PyTorch's defaults for `d_model` and `nhead`.
    pub fn new(d_model: usize, nhead: usize) -> Self {
        TransformerLayerArgs {
            d_model,
            nhead,
            dim_feedforward: 2048,
            dropout: PyNumber::Float(0.1),
            activation: Activation::Relu,
            layer_norm_eps: PyNumber::Float(1e-5),
            batch_first: false,
            norm_first: false,
            bias: true,
        }
    }

    pub(crate) fn parse(a: &Args<'_>) -> Result<Self> {
        let activation =
            Activation::parse(&a.text("activation")?).map_err(|e| a.error("activation", e))?;
        let args = TransformerLayerArgs {
            d_model: a.size("d_model")?,
            nhead: a.size("nhead")?,
            dim_feedforward: a.size("dim_feedforward")?,
            dropout: a.number("dropout")?,
            activation,
            layer_norm_eps: a.number("layer_norm_eps")?,
            batch_first: a.flag("batch_first")?,
            norm_first: a.flag("norm_first")?,
            bias: a.flag("bias")?,
        };
        args.attention()?;
        Ok(args)
    }

    /// The spec of `self_attn` (and of the decoder's `multihead_attn`).
    pub fn attention(&self) -> Result<MultiheadAttentionSpec> {
        MultiheadAttentionSpec {
            dropout: self.dropout,
            bias: self.bias,
            batch_first: self.batch_first,
            ..MultiheadAttentionSpec::new(self.d_model, self.nhead)?
        }
        .checked()
    }

    /// `linear1`, `dropout`, `linear2` and the layer norms as layers,
    /// initialised as PyTorch does.
    pub(crate) fn blocks(&self) -> Blocks {
        let linear = |i, o| {
            DynLayer::from_spec(LinearSpec {
                in_features: i,
                out_features: o,
                bias: self.bias,
            })
        };
        let norm = || {
            LayerNorm::new(&[self.d_model])
                .eps(self.layer_norm_eps.value())
                .bias(self.bias)
        };
        Blocks {
            linear1: linear(self.d_model, self.dim_feedforward),
            linear2: linear(self.dim_feedforward, self.d_model),
            norm: [norm(), norm(), norm()],
            dropout: Dropout::with_p(self.dropout.value()),
        }
    }

    /// Dropout with the layer's `p` in training.
    pub(crate) fn drop<E: Element>(&self, x: DynTensor<E>, training: bool) -> Result<DynTensor<E>> {
        dropout(&x, self.dropout.value(), training)
    }

    /// `normN(x)` with the parameters `get` finds under `name`.
    pub(crate) fn norm<'a, E: Element>(
        &self,
        x: &DynTensor<E>,
        get: Get<'_, 'a, E>,
        name: &str,
    ) -> Result<DynTensor<E>> {
        const N: &str = "LayerNorm";
        let w = required(N, get, &format!("{name}.weight"))?;
        let b = optional(N, get, &format!("{name}.bias"), self.bias)?;
        layer_norm(x, &[self.d_model], Some(w), b, self.layer_norm_eps.value())
    }

    /// PyTorch's `_ff_block`: `dropoutN(linear2(dropout(activation(linear1(x)))))`.
    pub(crate) fn feed_forward<'a, E: Element>(
        &self,
        x: &DynTensor<E>,
        get: Get<'_, 'a, E>,
        training: bool,
    ) -> Result<DynTensor<E>> {
        const N: &str = "Linear";
        let linear = |x: &DynTensor<E>, name: &str| {
            let w = required(N, get, &format!("{name}.weight"))?;
            let b = optional(N, get, &format!("{name}.bias"), self.bias)?;
            crate::ops::linear(x, w, b)
        };
        let h = self.activation.apply(&linear(x, "linear1")?);
        let h = self.drop(h, training)?;
        self.drop(linear(&h, "linear2")?, training)
    }
}

/// The layers besides the attention that both transformer layers hold.
pub(crate) struct Blocks {
    pub(crate) linear1: DynLayer,
    pub(crate) linear2: DynLayer,
    pub(crate) norm: [LayerNorm; 3],
    pub(crate) dropout: Dropout,
}

/// PyTorch's `Transformer.generate_square_subsequent_mask(sz)`: a float
/// `(sz, sz)` mask, `-inf` above the diagonal and 0 elsewhere.
///
/// ```
/// use nncore::nn::generate_square_subsequent_mask;
/// let m = generate_square_subsequent_mask::<f32>(2);
/// assert_eq!(m.to_vec(), vec![0.0, f32::NEG_INFINITY, 0.0, 0.0]);
/// ```
pub fn generate_square_subsequent_mask<E: Element>(sz: usize) -> DynTensor<E> {
    let data = (0..sz * sz)
        .map(|k| {
            E::of(if k % sz > k / sz {
                f64::NEG_INFINITY
            } else {
                0.0
            })
        })
        .collect();
    DynTensor::from_vec(data, &[sz, sz]).expect("sz² values")
}
