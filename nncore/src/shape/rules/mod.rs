//! The shape rules, one per file: each a trait implemented on the input
//! shape type, with the output shape as an associated type behind a named
//! alias, and gates that print what does not fit.

pub mod adaptive_avg_pool2d;
pub mod attention_features;
pub mod avg_pool2d;
pub mod avg_pool2d_ceil;
pub mod batch_norm;
pub mod conv1d;
pub mod conv2d;
pub mod conv_groups;
pub mod conv_transpose2d;
pub mod cross_entropy;
pub mod declared;
pub mod flatten;
pub mod heads;
pub mod linear;
pub mod loss_target;
pub mod max_pool2d;
pub mod max_pool2d_ceil;
pub mod mse;
pub mod pool2d;
pub mod recurrent;
pub mod same_shape;
pub mod unflatten;

pub use adaptive_avg_pool2d::{
    AdaptiveAvgPool2dOut, AdaptiveAvgPool2dOutput, AdaptiveAvgPool2dRule,
};
pub use attention_features::{MemoryFeaturesRule, MhaKeyRule, MhaQueryRule, MhaValueRule};
pub use avg_pool2d::{AvgPool2dOut, AvgPool2dRule};
pub use avg_pool2d_ceil::{AvgPool2dCeilOut, AvgPool2dCeilRule};
pub use batch_norm::{BatchNorm1dRule, BatchNorm2dRule};
pub use conv_groups::ConvGroupsRule;
pub use conv_transpose2d::{ConvTranspose2dOut, ConvTranspose2dOutput, ConvTranspose2dRule};
pub use conv1d::{Conv1dOut, Conv1dOutput, Conv1dRule};
pub use conv2d::{Conv2dOut, Conv2dOutput, Conv2dRule};
pub use cross_entropy::CrossEntropyRule;
pub use declared::{DeclaredDims, DeclaredShape};
pub use flatten::{FlattenOut, FlattenOutput, FlattenRule};
pub use heads::HeadsRule;
pub use linear::{LinearOut, LinearOutput, LinearRule};
pub use loss_target::LossTargetRule;
pub use max_pool2d::{MaxPool2dOut, MaxPool2dRule};
pub use max_pool2d_ceil::{MaxPool2dCeilOut, MaxPool2dCeilRule};
pub use mse::MseRule;
pub use pool2d::{CeilMode, FloorMode, Pool2dOut, Pool2dOutput};
pub use recurrent::{RecurrentOut, RecurrentOutput, RecurrentRule};
pub use same_shape::{SameDims, SameShape};
pub use unflatten::{UnflattenOut, UnflattenOutput, UnflattenRule, UnflattenSizes};

// The typed functional API's rules (dimensions chosen at compile time).
pub mod axis;
pub mod cat;
pub mod flatten_from;
pub mod flatten_range;
pub mod matmul;
pub mod narrow;
pub mod permute;
pub mod reshape;
pub mod squeeze;

pub use axis::{
    At, AxisRule, InsertAt, InsertDim, InsertRule, KeepDim, RemoveDim, ReplaceDim, SizeAt,
};
pub use cat::{CatOut, CatOutput, CatRule, DimAdd, DimSum};
pub use flatten_from::{FlattenFromOut, FlattenFromOutput, FlattenFromRule};
pub use flatten_range::{DimsProduct, FlattenRangeOut, FlattenRangeOutput, FlattenRangeRule};
pub use matmul::{
    BmmOut, BmmOutput, BmmRanks, BmmRule, MatmulOut, MatmulOutput, MatmulRanks, MatmulRule,
};
pub use narrow::{NarrowOut, NarrowRule};
pub use permute::{
    Permute2Out, Permute3Out, Permute4Out, PermuteOutput2, PermuteOutput3, PermuteOutput4,
    PermuteRule2, PermuteRule3, PermuteRule4, TransposeOut, TransposeOutput, TransposeRule,
};
pub use reshape::{Infer, Numel, NumelOf, ReshapeOut, ReshapeOutput, ReshapeRule, ReshapeTarget};
pub use squeeze::SqueezeRule;
