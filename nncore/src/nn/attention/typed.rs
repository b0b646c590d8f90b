//! The attention layers with their sizes in the type: `embed_dim`,
//! `num_heads`, `kdim`, `vdim` (`d_model`, `nhead`, `dim_feedforward`) are
//! typenum parameters, so a head count that does not divide the embedding
//! is a compile error naming both numbers ([`HeadsRule`]) and a query,
//! key or value with the wrong feature size does not type-check. Sequence
//! lengths and the batch stay runtime dimensions. Each wraps the runtime
//! layer (same parameters, printout and forward).

use super::encoder::{EncoderForward, TransformerEncoder, TransformerEncoderLayer};
use super::layer_args::{Activation, TransformerLayerArgs};
use super::multihead::{MhaForward, MultiheadAttention, MultiheadAttentionSpec};
use crate::nn::{DynForward, Forward, LayerNorm, Module, Parameter, PyNumber, fmt_module};
use crate::shape::{Dim, HeadsRule, MhaKeyRule, MhaQueryRule, MhaValueRule, StaticDim, U2048};
use crate::{DynTensor, Result, Tensor};
use std::fmt;
use std::marker::PhantomData;

/// The sizes a typed attention carries only in its type (`fn() -> T` keeps
/// the layer `Send + Sync`).
type MhaSizes<E, H, K, V> = fn() -> (E, H, K, V);

/// `d_model`, `nhead`, `dim_feedforward` in a typed transformer layer's type.
type LayerSizes<D, H, F> = fn() -> (D, H, F);

/// `attn_output` (typed) and the attention weights (runtime-shaped).
pub type Attended<S> = (Tensor<S>, Option<DynTensor>);

/// Forwards [`Module`] to the runtime layer inside.
macro_rules! wraps {
    ($ty:ident < $($p:ident),* >) => {
        impl<$($p: StaticDim),*> Module for $ty<$($p),*> {
            fn type_name(&self) -> &str {
                self.inner.type_name()
            }
            fn named_children(&self) -> Vec<(String, &dyn Module)> {
                self.inner.named_children()
            }
            fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
                self.inner.named_children_mut()
            }
            fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
                self.inner.own_parameters()
            }
            fn is_training(&self) -> bool {
                self.inner.is_training()
            }
            fn set_own_training(&mut self, training: bool) {
                self.inner.set_own_training(training)
            }
        }

        impl<$($p: StaticDim),*> fmt::Display for $ty<$($p),*> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt_module(self, f)
            }
        }
    };
}

pub(super) use wraps;

/// `nn.MultiheadAttention(E, H, kdim=K, vdim=V)` with the sizes in the
/// type: `H` must divide `E` (checked by the compiler, with both numbers in
/// the message), and [`forward`](Self::forward) takes a query with `E`
/// features, a key with `K` and a value with `V`.
///
/// ```
/// use nncore::nn::{MhaForward, TypedMultiheadAttention};
/// use nncore::shape::{Dyn, U2, U6, U8};
/// use nncore::Tensor;
/// let mha = TypedMultiheadAttention::<U8, U2, U6>::new().batch_first(true);
/// let q = Tensor::<(Dyn, Dyn, U8)>::randn((Dyn(3), Dyn(5), U8::default()))?;
/// let k = Tensor::<(Dyn, Dyn, U6)>::randn((Dyn(3), Dyn(7), U6::default()))?;
/// let v = Tensor::<(Dyn, Dyn, U8)>::randn((Dyn(3), Dyn(7), U8::default()))?;
/// let (y, w) = mha.forward(&q, &k, &v, MhaForward::new())?;
/// assert_eq!(y.dims().as_slice(), &[3, 5, 8]);
/// assert_eq!(w.unwrap().shape(), &[3, 5, 7]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct TypedMultiheadAttention<E, H, K = E, V = E> {
    inner: MultiheadAttention,
    sizes: PhantomData<MhaSizes<E, H, K, V>>,
}

impl<E: StaticDim, H: StaticDim, K: StaticDim, V: StaticDim> TypedMultiheadAttention<E, H, K, V> {
    /// PyTorch's defaults for these sizes.
    pub fn new() -> Self
    where
        H: HeadsRule<E>,
    {
        let spec = MultiheadAttentionSpec {
            kdim: Some(K::USIZE),
            vdim: Some(V::USIZE),
            ..MultiheadAttentionSpec::new(E::USIZE, H::USIZE).expect("HeadsRule: H divides E")
        };
        Self::from_spec(spec)
    }

    fn from_spec(spec: MultiheadAttentionSpec) -> Self {
        TypedMultiheadAttention {
            inner: MultiheadAttention::from_spec(spec),
            sizes: PhantomData,
        }
    }

    fn rebuilt(self, f: impl FnOnce(&mut MultiheadAttentionSpec)) -> Self {
        let mut spec = *self.inner.spec();
        f(&mut spec);
        Self::from_spec(spec)
    }

    /// `batch_first=True`: inputs `(N, L, E)`.
    pub fn batch_first(self, batch_first: bool) -> Self {
        self.rebuilt(|s| s.batch_first = batch_first)
    }

    /// `bias=False` drops the projection biases (parameters re-initialised).
    pub fn bias(self, bias: bool) -> Self {
        self.rebuilt(|s| s.bias = bias)
    }

    /// `add_bias_kv`, `add_zero_attn` (parameters re-initialised).
    pub fn kv_options(self, add_bias_kv: bool, add_zero_attn: bool) -> Self {
        self.rebuilt(|s| {
            s.add_bias_kv = add_bias_kv;
            s.add_zero_attn = add_zero_attn;
        })
    }

    /// `dropout` on the attention weights in training; errors outside [0, 1].
    pub fn dropout(self, p: f64) -> Result<Self> {
        let mut spec = *self.inner.spec();
        spec.dropout = PyNumber::Float(p);
        Ok(Self::from_spec(spec.checked()?))
    }

    /// The runtime layer inside.
    pub fn as_dyn(&self) -> &MultiheadAttention {
        &self.inner
    }

    /// `forward(query, key, value, ...)`: `attn_output` with the query's
    /// shape, and the attention weights (runtime-shaped) when
    /// `need_weights`. The feature sizes are the layer's rules: a query
    /// with `E` features ([`MhaQueryRule`]), a key with `K`
    /// ([`MhaKeyRule`]), a value with `V` ([`MhaValueRule`]), else a compile
    /// error naming the input and both sizes; lengths, batch and masks are
    /// checked at run time.
    pub fn forward<A: Dim, B: Dim, C: Dim, D: Dim, Q, KF, VF>(
        &self,
        query: &Tensor<(A, B, Q)>,
        key: &Tensor<(C, D, KF)>,
        value: &Tensor<(C, D, VF)>,
        f: MhaForward<'_>,
    ) -> Result<Attended<(A, B, E)>>
    where
        Q: Dim + MhaQueryRule<E>,
        KF: Dim + MhaKeyRule<K>,
        VF: Dim + MhaValueRule<V>,
    {
        let (y, w) = self
            .inner
            .forward(query.as_dyn(), key.as_dyn(), value.as_dyn(), f)?;
        Ok((Tensor::from_dyn(y)?, w))
    }
}

impl<E: StaticDim, H: StaticDim + HeadsRule<E>, K: StaticDim, V: StaticDim> Default
    for TypedMultiheadAttention<E, H, K, V>
{
    fn default() -> Self {
        Self::new()
    }
}

wraps!(TypedMultiheadAttention<E, H, K, V>);

impl<E: StaticDim, H: StaticDim, K: StaticDim, V: StaticDim> DynForward
    for TypedMultiheadAttention<E, H, K, V>
{
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        self.inner.forward_dyn(x)
    }
}

/// `nn.TransformerEncoderLayer(D, H, dim_feedforward=F)` with the sizes in
/// the type (`H` divides `D`, checked by the compiler); the input is
/// `(L, N, D)` or `(N, L, D)` with `batch_first`.
///
/// ```
/// use nncore::nn::{Forward, TypedTransformerEncoderLayer};
/// use nncore::shape::{Dyn, U4, U16, U64};
/// use nncore::Tensor;
/// let layer = TypedTransformerEncoderLayer::<U16, U4, U64>::new().batch_first(true);
/// let x = Tensor::<(Dyn, Dyn, U16)>::randn((Dyn(2), Dyn(9), U16::default()))?;
/// let y: Tensor<(Dyn, Dyn, U16)> = layer.forward(x);
/// assert_eq!(y.dims().as_slice(), &[2, 9, 16]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct TypedTransformerEncoderLayer<D, H, F = U2048> {
    inner: TransformerEncoderLayer,
    sizes: PhantomData<LayerSizes<D, H, F>>,
}

/// The constructor and the builder methods of a typed transformer layer
/// (`$ty<D, H, F>` wrapping the runtime `$inner`): PyTorch's defaults for
/// the sizes in the type, then one method per keyword argument.
macro_rules! layer_builders {
    ($ty:ident, $inner:ident) => {
        impl<D: StaticDim, H: StaticDim, F: StaticDim> $ty<D, H, F> {
            /// PyTorch's defaults for these sizes (dropout 0.1, relu, post-norm).
            pub fn new() -> Self
            where
                H: HeadsRule<D>,
            {
                let args = TransformerLayerArgs {
                    dim_feedforward: F::USIZE,
                    ..TransformerLayerArgs::new(D::USIZE, H::USIZE)
                };
                Self::from_args(args).expect("HeadsRule: H divides D")
            }

            fn from_args(args: TransformerLayerArgs) -> Result<Self> {
                Ok($ty {
                    inner: $inner::new(args)?,
                    sizes: PhantomData,
                })
            }

            fn rebuilt(self, f: impl FnOnce(&mut TransformerLayerArgs)) -> Self {
                let mut args = *self.inner.args();
                f(&mut args);
                Self::from_args(args).expect("the sizes are unchanged")
            }

            /// `batch_first=True`.
            pub fn batch_first(self, batch_first: bool) -> Self {
                self.rebuilt(|a| a.batch_first = batch_first)
            }

            /// `norm_first=True` (pre-norm).
            pub fn norm_first(self, norm_first: bool) -> Self {
                self.rebuilt(|a| a.norm_first = norm_first)
            }

            /// `activation` relu or gelu.
            pub fn activation(self, activation: Activation) -> Self {
                self.rebuilt(|a| a.activation = activation)
            }

            /// `bias=False` (parameters re-initialised).
            pub fn bias(self, bias: bool) -> Self {
                self.rebuilt(|a| a.bias = bias)
            }

            /// `layer_norm_eps`.
            pub fn layer_norm_eps(self, eps: f64) -> Self {
                self.rebuilt(|a| a.layer_norm_eps = PyNumber::Float(eps))
            }

            /// `dropout`; errors outside [0, 1].
            pub fn dropout(self, p: f64) -> Result<Self> {
                let mut args = *self.inner.args();
                args.dropout = PyNumber::Float(p);
                Self::from_args(args)
            }

            /// The runtime layer inside.
            pub fn as_dyn(&self) -> &$inner {
                &self.inner
            }
        }

        impl<D: StaticDim, H: StaticDim + HeadsRule<D>, F: StaticDim> Default for $ty<D, H, F> {
            fn default() -> Self {
                Self::new()
            }
        }

        wraps!($ty<D, H, F>);
    };
}

pub(super) use layer_builders;

/// A stack's final `LayerNorm(d_model)` with the layer's `layer_norm_eps`
/// and `bias`, when `norm` (PyTorch's stacks take it as an argument).
pub(super) fn final_norm(args: &TransformerLayerArgs, norm: bool) -> Option<LayerNorm> {
    norm.then(|| {
        LayerNorm::new(&[args.d_model])
            .eps(args.layer_norm_eps.value())
            .bias(args.bias)
    })
}

layer_builders!(TypedTransformerEncoderLayer, TransformerEncoderLayer);

impl<D: StaticDim, H: StaticDim, F: StaticDim> TypedTransformerEncoderLayer<D, H, F> {
    /// `forward(src, src_mask, src_key_padding_mask, is_causal)`.
    pub fn forward_with<A: Dim, B: Dim>(
        &self,
        src: &Tensor<(A, B, D)>,
        f: EncoderForward<'_>,
    ) -> Result<Tensor<(A, B, D)>> {
        Tensor::from_dyn(self.inner.forward(src.as_dyn(), f)?)
    }
}

impl<D: StaticDim, H: StaticDim, F: StaticDim> DynForward
    for TypedTransformerEncoderLayer<D, H, F>
{
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        self.inner.forward_dyn(x)
    }
}

impl<A: Dim, B: Dim, D: StaticDim, H: StaticDim, F: StaticDim> Forward<Tensor<(A, B, D)>>
    for TypedTransformerEncoderLayer<D, H, F>
{
    type Output = Tensor<(A, B, D)>;

    /// # Panics
    /// On a runtime error (a `Dyn` size that is not `D`); the feature size
    /// is checked by the compiler.
    fn forward(&self, x: Tensor<(A, B, D)>) -> Self::Output {
        self.forward_with(&x, EncoderForward::new())
            .unwrap_or_else(|e| panic!("{e}"))
    }
}

/// `nn.TransformerEncoder(TransformerEncoderLayer(D, H, F), num_layers,
/// norm)` with the layer's sizes in the type.
///
/// ```
/// use nncore::nn::{Forward, TypedTransformerEncoder, TypedTransformerEncoderLayer};
/// use nncore::shape::{Dyn, U4, U64, U128};
/// use nncore::Tensor;
/// let layer = TypedTransformerEncoderLayer::<U64, U4, U128>::new().batch_first(true);
/// let encoder = TypedTransformerEncoder::new(&layer, 2, true);
/// let x = Tensor::<(Dyn, Dyn, U64)>::randn((Dyn(2), Dyn(16), U64::default()))?;
/// assert_eq!(encoder.forward(x).dims().as_slice(), &[2, 16, 64]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct TypedTransformerEncoder<D, H, F = U2048> {
    inner: TransformerEncoder,
    sizes: PhantomData<LayerSizes<D, H, F>>,
}

impl<D: StaticDim, H: StaticDim, F: StaticDim> TypedTransformerEncoder<D, H, F> {
    /// `num_layers` copies of `layer`, with a final `LayerNorm(D)` when `norm`.
    pub fn new(
        layer: &TypedTransformerEncoderLayer<D, H, F>,
        num_layers: usize,
        norm: bool,
    ) -> Self {
        let norm = final_norm(layer.inner.args(), norm);
        TypedTransformerEncoder {
            inner: TransformerEncoder::new(&layer.inner, num_layers, norm)
                .expect("the layer's arguments were checked"),
            sizes: PhantomData,
        }
    }

    /// The runtime encoder inside.
    pub fn as_dyn(&self) -> &TransformerEncoder {
        &self.inner
    }

    /// `forward(src, mask, src_key_padding_mask, is_causal)`.
    pub fn forward_with<A: Dim, B: Dim>(
        &self,
        src: &Tensor<(A, B, D)>,
        f: EncoderForward<'_>,
    ) -> Result<Tensor<(A, B, D)>> {
        Tensor::from_dyn(self.inner.forward(src.as_dyn(), f)?)
    }
}

wraps!(TypedTransformerEncoder<D, H, F>);

impl<D: StaticDim, H: StaticDim, F: StaticDim> DynForward for TypedTransformerEncoder<D, H, F> {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        self.inner.forward_dyn(x)
    }
}

impl<A: Dim, B: Dim, D: StaticDim, H: StaticDim, F: StaticDim> Forward<Tensor<(A, B, D)>>
    for TypedTransformerEncoder<D, H, F>
{
    type Output = Tensor<(A, B, D)>;

    /// # Panics
    /// On a runtime error (a `Dyn` size that is not `D`).
    fn forward(&self, x: Tensor<(A, B, D)>) -> Self::Output {
        self.forward_with(&x, EncoderForward::new())
            .unwrap_or_else(|e| panic!("{e}"))
    }
}
