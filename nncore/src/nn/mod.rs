//! Layers and containers, like `torch.nn`.
//!
//! A layer is one file: its doc with an example, its options, the struct,
//! PyTorch's initialisation, `Module` (name, parameters, printout),
//! `DynForward` (runtime shapes) and `Forward` (static shapes, whose bounds
//! are the shape rules), and its tests.

mod activation;
mod assert_module;
mod clip_grad;
mod conv2d;
mod flatten;
mod forward;
mod linear;
mod max_pool2d;
mod module;
mod parameter;
mod repr;
mod sequential;
mod state_dict;

pub use activation::ReLU;
#[doc(hidden)]
pub use assert_module::{AssertLayer, AssertModule, Same, layer};
pub use clip_grad::{clip_grad_norm_, clip_grad_value_};
pub use conv2d::Conv2d;
pub use flatten::Flatten;
pub use forward::{DynForward, Forward};
pub use linear::Linear;
pub use max_pool2d::MaxPool2d;
pub use module::{Module, ModuleExt};
pub use parameter::{Buffer, Parameter};
pub use repr::{fmt_module, module_repr};
pub use sequential::{Chain, ChainForward, Sequential};
pub use state_dict::{LoadReport, StateDict, load_safetensors_bytes_into};
