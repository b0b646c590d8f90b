//! Layers and containers built at run time, from PyTorch's class names
//! and constructor options (a config file, the conformance runner's
//! module trees).
//!
//! Kiln's layers carry their sizes in their types, so a model written in
//! Rust is checked by the compiler. A model whose structure is only known
//! at run time is made of these instead: [`DynLayer`] (sizes as values,
//! PyTorch's parameters and printout, forward through
//! [`DynForward`](super::DynForward) with errors at the call),
//! [`DescribedLayer`] (a PyTorch layer Kiln can print but not run yet),
//! [`DynSequential`], and the mixed [`ModuleList`](super::ModuleList) /
//! [`ModuleDict`](super::ModuleDict) of `Box<dyn DynModule>`.
//!
//! ```
//! use nncore::nn::dynamic::{build_layer, LayerOptions};
//! use nncore::nn::ModuleList;
//! let mut blocks: ModuleList = ModuleList::new();
//! for _ in 0..3 {
//!     blocks.append(build_layer("Linear", &LayerOptions::new().with("in_features", 4).with("out_features", 4))?);
//! }
//! assert_eq!(blocks.to_string(), "ModuleList(\n  (0-2): 3 x Linear(in_features=4, out_features=4, bias=True)\n)");
//! # Ok::<(), nncore::Error>(())
//! ```

mod layer;
#[cfg(test)]
mod layer_tests;
mod sequential;
mod value;

pub use layer::{DescribedLayer, DynLayer, build_layer};
pub use sequential::DynSequential;
pub use value::{LayerOptions, OptValue};
