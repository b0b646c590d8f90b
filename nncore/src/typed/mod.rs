//! The statically shaped tensor `Tensor<S, E>`: a runtime tensor plus its
//! shape type. Its ops are thin wrappers over the functional API whose
//! trait bounds are the shape rules, so a static dimension is never
//! checked again at run time.

mod dtype;
mod targets;
mod tensor;
mod tensor_ops;

pub use dtype::{DType, IntLabel, IntStorage};
pub use targets::{ClassTarget, CrossEntropyTarget, ElementTarget, MseTarget, TypedTensor};
pub use tensor::Tensor;

// The typed functional API (dimensions chosen at compile time).
mod fn_nn;
mod fn_reduce;
mod fn_shape;

pub use fn_nn::ConvArgs;
#[cfg(test)]
mod fn_tests;
