//! Layers and containers, like `torch.nn`.
//!
//! A layer is one file: its doc with an example, its options, the struct,
//! PyTorch's initialisation, `Module` (name, parameters, printout),
//! `DynForward` (runtime shapes) and `Forward` (static shapes, whose bounds
//! are the shape rules), its spec (PyTorch's arguments, defaults, checks and
//! printout, read by every consumer: see [`spec`]), and its tests.

mod activation;
mod activation_layers;
mod adaptive_avg_pool2d;
mod assert_module;
mod attention;
mod avg_pool2d;
mod avg_pool2d_ceil;
mod batch_norm;
mod clip_grad;
mod conv1d;
mod conv2d;
pub(crate) mod conv_common;
mod conv_transpose2d;
mod default_init;
mod dropout;
mod dyn_module;
pub mod dynamic;
mod embedding;
mod flatten;
mod forward;
mod layer_norm;
mod linear;
mod max_pool2d;
mod max_pool2d_ceil;
mod module;
mod module_dict;
mod module_list;
mod py_number;
mod recurrent;
mod relu6;
mod repr;
mod sequential;
pub mod spec;
mod state_dict;
mod summary;
mod unflatten;

pub use crate::param::{Buffer, Parameter};
pub use activation::{ReLU, ReLUSpec};
pub use activation_layers::{
    ELU, ELUSpec, GELU, GELUSpec, Hardtanh, HardtanhSpec, Identity, IdentitySpec, LeakyReLU,
    LeakyReLUSpec, LogSoftmax, LogSoftmaxSpec, SiLU, SiLUSpec, Sigmoid, SigmoidSpec, Softmax,
    SoftmaxSpec, Softplus, SoftplusSpec, Tanh, TanhSpec,
};
pub use adaptive_avg_pool2d::{AdaptiveAvgPool2d, AdaptiveAvgPool2dSpec, AdaptiveSize};
#[doc(hidden)]
pub use assert_module::{AssertLayer, AssertModule, Same, layer};
pub use attention::{
    Activation, DecoderForward, EncoderForward, Get, MhaForward, MultiheadAttention,
    MultiheadAttentionSpec, Transformer, TransformerDecoder, TransformerDecoderLayer,
    TransformerDecoderLayerSpec, TransformerDecoderSpec, TransformerEncoder,
    TransformerEncoderLayer, TransformerEncoderLayerSpec, TransformerEncoderSpec,
    TransformerForward, TransformerLayerArgs, TransformerSpec, TypedMultiheadAttention,
    TypedTransformerDecoder, TypedTransformerDecoderLayer, TypedTransformerEncoder,
    TypedTransformerEncoderLayer, generate_square_subsequent_mask,
};
pub use avg_pool2d::{AvgPool2d, AvgPool2dSpec};
pub use avg_pool2d_ceil::AvgPool2dCeil;
pub use batch_norm::{BatchNorm1d, BatchNorm1dSpec, BatchNorm2d, BatchNorm2dSpec, BatchNormArgs};
pub use clip_grad::{clip_grad_norm_, clip_grad_value_};
pub use conv_common::{Conv1dSpec, Conv2dSpec, ConvPaddingArg, ConvSpec, ConvTranspose2dSpec};
pub use conv_transpose2d::ConvTranspose2d;
pub use conv1d::Conv1d;
pub use conv2d::Conv2d;
pub use default_init::default_init;
pub use dropout::{Dropout, Dropout2d, Dropout2dSpec, DropoutSpec};
pub use dyn_module::DynModule;
pub use embedding::{Embedding, EmbeddingIndices, EmbeddingSpec};
pub use flatten::{Flatten, FlattenSpec};
pub use forward::{DynForward, Forward};
pub use layer_norm::{LayerNorm, LayerNormSpec};
pub use linear::{Linear, LinearSpec};
pub use max_pool2d::{MaxPool2d, MaxPool2dSpec};
pub use max_pool2d_ceil::MaxPool2dCeil;
pub use module::{Module, ModuleExt};
pub use module_dict::ModuleDict;
pub use module_list::ModuleList;
pub use py_number::PyNumber;
pub use recurrent::{
    Bi, CellSpec, Direction, GRU, GRUCell, GRUCellSpec, GRUSpec, Hidden, LSTM, LSTMCell,
    LSTMCellSpec, LSTMSpec, Mode, OutFeatures, OutputOnly, PackedSequence, ProjSize, RNN, RNNCell,
    RNNCellSpec, RNNSpec, RecurrentSpec, TypedGRU, TypedLSTM, TypedRNN, Uni, cell_forward,
    pack_padded_sequence, pack_sequence, pad_packed_sequence, recurrent_forward,
    recurrent_forward_packed,
};
pub use relu6::{ReLU6, ReLU6Spec};
pub use repr::{fmt_module, module_repr};
pub use sequential::{Chain, ChainForward, NoInput, Sequential};
pub use state_dict::{LoadReport, StateDict, load_safetensors_bytes_into};
pub use summary::{ChainSummary, InputDeclared, OutputShape, Summary, SummaryRow};
pub use unflatten::{DynUnflatten, Unflatten, UnflattenSpec};
