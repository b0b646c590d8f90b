//! # Kiln
//!
//! PyTorch's `torch.nn` training workflow in Rust, where a model's tensor
//! shapes are part of its type.
pub use nncore::*;
