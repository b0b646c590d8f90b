//! # nncore: Kiln's engine
//!
//! Layered bottom to top; a layer only uses the layers below it:
//!
//! 0. `memory`: the per-thread buffer [`pool`] and the kernels' scratch space.
//! 1. `kernels`: plain functions on slices with runtime sizes.
//! 2. [`DynTensor`] + [`autograd`]: runtime-shaped tensors and reverse-mode
//!    differentiation; the functional API is in [`ops`].
//! 3. `shape`: dimensions as types, and the statically shaped `Tensor<S>`.
//! 4. `param`: [`nn::Parameter`], [`nn::Buffer`] and [`optim::SparseGrad`],
//!    below both `nn` and `optim`.
//! 5. [`nn`], `loss`, `optim`, `init`, `data`, `io`.
//!
//! Users normally depend on the facade crate `kiln`, which re-exports this
//! crate and the macros.
#![warn(missing_docs)]

extern crate self as nncore;

pub mod autograd;
pub mod checkpoint;
pub mod data;
mod element;
mod error;
pub mod init;
pub mod io;
pub mod kernels;
pub mod loss;
mod memory;
pub mod nn;
pub mod ops;
pub mod optim;
mod param;
mod python;
mod rng;
pub mod shape;
mod tensor;
#[cfg(test)]
mod test_util;
pub mod threads;
mod typed;

pub use element::Element;
pub use error::{EXCERPT_BYTES, Error, Result, excerpt};
pub use memory::pool;
pub use python::py_float;
pub use rng::fork_rng;
pub use rng::{DEFAULT_SEED, GlobalRng, RngState, manual_seed, rng_state, set_rng_state, with_rng};
pub use tensor::{DynTensor, LongTensor};
pub use threads::{get_num_threads, set_num_threads};
pub use typed::{ClassTarget, CrossEntropyTarget, ElementTarget, MseTarget, TypedTensor};
pub use typed::{ConvArgs, DType, IntLabel, IntStorage, Tensor};
pub use typenum;
