//! The functional API (think `torch.nn.functional`): every op on
//! runtime-shaped tensors, with its backward rule beside it. Each op checks
//! its sizes at run time and returns [`Result`](crate::Result) on a mismatch.
//!
//! One concern per file; to add an op, add a file with the forward (a method
//! on `DynTensor` or a function), its `Backward` struct, and a gradcheck test.

mod binary;
pub(crate) mod broadcast;
mod reduce;
mod reshape;
mod scalar;

pub(crate) use reduce::split_at_dim;
