//! Loss functions, like `torch.nn`'s losses: each is a function on tensors
//! (one file each, shapes in the doc) and a module type that holds its
//! options and wraps the function.

mod cross_entropy;
mod mse;
mod nll;
mod reduction;

pub use cross_entropy::{CrossEntropyLoss, CrossEntropyOptions, Target, cross_entropy};
pub use mse::{MSELoss, mse_loss};
pub use nll::{ClassTargetOptions, nll_loss};
pub use reduction::Reduction;
