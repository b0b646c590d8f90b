//! Layers and containers, like `torch.nn`.

mod forward;
mod module;
mod parameter;
mod repr;
mod sequential;

pub use forward::Forward;
pub use module::{Module, ModuleExt};
pub use parameter::{Buffer, Parameter};
pub use repr::{fmt_module, module_repr};
pub use sequential::{Chain, ChainForward, Sequential};
