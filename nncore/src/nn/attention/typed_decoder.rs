//! The transformer decoder layers with their sizes in the type, like the
//! typed encoder layers (`typed.rs`): `d_model`, `nhead`,
//! `dim_feedforward` are typenum parameters, so a head count that does not
//! divide `d_model` ([`HeadsRule`]) and a memory without `d_model` features
//! ([`MemoryFeaturesRule`]) are compile errors that name both numbers.
//! Target and memory lengths and the batch stay runtime dimensions.

use super::decoder::{DecoderForward, TransformerDecoder, TransformerDecoderLayer};
use super::layer_args::{Activation, TransformerLayerArgs};
use super::typed::{final_norm, layer_builders, wraps};
use crate::nn::{DynForward, Module, Parameter, PyNumber, fmt_module};
use crate::shape::{Dim, HeadsRule, MemoryFeaturesRule, StaticDim, U2048};
use crate::{DynTensor, Result, Tensor};
use std::fmt;
use std::marker::PhantomData;

/// `d_model`, `nhead`, `dim_feedforward` in the layer's type.
type LayerSizes<D, H, F> = fn() -> (D, H, F);

/// `nn.TransformerDecoderLayer(D, H, dim_feedforward=F)` with the sizes in
/// the type (`H` divides `D`, checked by the compiler): the target is
/// `(T, N, D)` and the memory `(S, N, D)`, or `(N, T, D)` and `(N, S, D)`
/// with `batch_first`.
///
/// ```
/// use nncore::nn::TypedTransformerDecoderLayer;
/// use nncore::shape::{Dyn, U4, U16, U64};
/// use nncore::Tensor;
/// let layer = TypedTransformerDecoderLayer::<U16, U4, U64>::new().batch_first(true);
/// let tgt = Tensor::<(Dyn, Dyn, U16)>::randn((Dyn(2), Dyn(5), U16::default()))?;
/// let memory = Tensor::<(Dyn, Dyn, U16)>::randn((Dyn(2), Dyn(9), U16::default()))?;
/// let y: Tensor<(Dyn, Dyn, U16)> = layer.forward(tgt, &memory);
/// assert_eq!(y.dims().as_slice(), &[2, 5, 16]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct TypedTransformerDecoderLayer<D, H, F = U2048> {
    inner: TransformerDecoderLayer,
    sizes: PhantomData<LayerSizes<D, H, F>>,
}

layer_builders!(TypedTransformerDecoderLayer, TransformerDecoderLayer);

/// `forward_with` (with masks) and `forward` (without) of a typed decoder
/// (layer or stack): the target with `D` features, the memory with `D`
/// features too ([`MemoryFeaturesRule`]).
macro_rules! decoder_forwards {
    ($ty:ident) => {
        impl<D: StaticDim, H: StaticDim, F: StaticDim> $ty<D, H, F> {
            /// `forward(tgt, memory, tgt_mask, memory_mask,
            /// tgt_key_padding_mask, memory_key_padding_mask, tgt_is_causal,
            /// memory_is_causal)`.
            pub fn forward_with<A: Dim, B: Dim, C: Dim, G: Dim, M>(
                &self,
                tgt: &Tensor<(A, B, D)>,
                memory: &Tensor<(C, G, M)>,
                f: DecoderForward<'_>,
            ) -> Result<Tensor<(A, B, D)>>
            where
                M: Dim + MemoryFeaturesRule<D>,
            {
                Tensor::from_dyn(self.inner.forward(tgt.as_dyn(), memory.as_dyn(), f)?)
            }

            /// `forward(tgt, memory)` without masks.
            ///
            /// # Panics
            /// On a runtime error (a `Dyn` size that does not fit); the
            /// feature sizes are checked by the compiler.
            pub fn forward<A: Dim, B: Dim, C: Dim, G: Dim, M>(
                &self,
                tgt: Tensor<(A, B, D)>,
                memory: &Tensor<(C, G, M)>,
            ) -> Tensor<(A, B, D)>
            where
                M: Dim + MemoryFeaturesRule<D>,
            {
                self.forward_with(&tgt, memory, DecoderForward::new())
                    .unwrap_or_else(|e| panic!("{e}"))
            }
        }
    };
}

decoder_forwards!(TypedTransformerDecoderLayer);

impl<D: StaticDim, H: StaticDim, F: StaticDim> DynForward
    for TypedTransformerDecoderLayer<D, H, F>
{
    /// The target attends over itself (`memory = tgt`), as the runtime layer does.
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        self.inner.forward_dyn(x)
    }
}

/// `nn.TransformerDecoder(TransformerDecoderLayer(D, H, F), num_layers,
/// norm)` with the layer's sizes in the type.
///
/// ```
/// use nncore::nn::{TypedTransformerDecoder, TypedTransformerDecoderLayer};
/// use nncore::shape::{Dyn, U4, U64, U128};
/// use nncore::Tensor;
/// let layer = TypedTransformerDecoderLayer::<U64, U4, U128>::new().batch_first(true);
/// let decoder = TypedTransformerDecoder::new(&layer, 2, true);
/// let tgt = Tensor::<(Dyn, Dyn, U64)>::randn((Dyn(2), Dyn(7), U64::default()))?;
/// let memory = Tensor::<(Dyn, Dyn, U64)>::randn((Dyn(2), Dyn(16), U64::default()))?;
/// assert_eq!(decoder.forward(tgt, &memory).dims().as_slice(), &[2, 7, 64]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct TypedTransformerDecoder<D, H, F = U2048> {
    inner: TransformerDecoder,
    sizes: PhantomData<LayerSizes<D, H, F>>,
}

impl<D: StaticDim, H: StaticDim, F: StaticDim> TypedTransformerDecoder<D, H, F> {
    /// `num_layers` copies of `layer`, with a final `LayerNorm(D)` when `norm`.
    pub fn new(
        layer: &TypedTransformerDecoderLayer<D, H, F>,
        num_layers: usize,
        norm: bool,
    ) -> Self {
        let norm = final_norm(layer.inner.args(), norm);
        TypedTransformerDecoder {
            inner: TransformerDecoder::new(&layer.inner, num_layers, norm)
                .expect("the layer's arguments were checked"),
            sizes: PhantomData,
        }
    }

    /// The runtime decoder inside.
    pub fn as_dyn(&self) -> &TransformerDecoder {
        &self.inner
    }
}

decoder_forwards!(TypedTransformerDecoder);

wraps!(TypedTransformerDecoder<D, H, F>);

impl<D: StaticDim, H: StaticDim, F: StaticDim> DynForward for TypedTransformerDecoder<D, H, F> {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        self.inner.forward_dyn(x)
    }
}
