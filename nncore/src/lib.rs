//! # nncore: Kiln's engine
//!
//! Layered bottom to top; a layer only uses the layers below it:
//!
//! 1. [`kernels`]: plain functions on slices with runtime sizes.
//! 2. `tensor` + `autograd`: runtime-shaped tensors and reverse-mode
//!    differentiation; the functional API lives in `ops`.
//! 3. `shape`: dimensions as types, and the statically shaped `Tensor<S>`.
//! 4. `nn`, `loss`, `optim`, `init`, `data`, `io`.
//!
//! Users normally depend on the facade crate `kiln`, which re-exports this
//! crate and the macros.
#![warn(missing_docs)]

extern crate self as nncore;

mod element;
mod error;

pub use element::Element;
pub use error::{Error, Result};
