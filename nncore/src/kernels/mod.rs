//! Kernels: plain functions on slices with runtime `usize` sizes.
//!
//! This is the bottom layer of nncore. Nothing here knows about tensors,
//! shapes-as-types or autograd; the layers above check shapes and call these
//! functions with slices that are already the right length. A length or size
//! mismatch here is therefore an internal contract violation and panics (each
//! function documents its panics), never a user-facing error.
//!
//! Every kernel is generic over [`Element`](crate::Element) only (so it is
//! compiled at most twice, for `f32` and `f64`) and has a naive reference twin
//! (`*_naive`, plain loops) that the tests compare it against on random sizes.
//!
//! Conventions shared by every kernel:
//! - images are NCHW, row-major, contiguous;
//! - each function's doc says which outputs it **overwrites** and which it
//!   **accumulates** into (gradients of weights and biases accumulate, so a
//!   batch split into parts can be summed; everything else overwrites);
//! - rayon is used across the batch, planes or rows only above a size where
//!   it pays, so small calls stay single-threaded and cheap.
//!
//! | file | concern |
//! |---|---|
//! | [`gemm`] | the one call site of gemm's f32/f64 kernels, behind [`MatRef`]/[`MatMut`] |
//! | [`gemv`] | `x · Wᵀ` for 2 to 4 rows of `x`, where gemm packs the whole weight |
//! | [`im2col`] | image ↔ column-matrix unfolding for convolution |
//! | [`conv`] | 2-D convolution forward and backward (NCHW, groups) |
//! | `conv_direct` | direct stride-1 convolution for few input channels, summed in registers |
//! | `conv_shifted` | stride-1 convolution as shifted products over a zero-gapped grid (no column matrix) |
//! | [`pool`] | max pooling 2-D |
//! | [`avg_pool`] | average and adaptive average pooling 2-D |
//! | [`recurrent`] | the elementwise part of an LSTM, GRU or RNN time step, forward and backward |
//! | [`softmax`] | softmax / log-softmax over one strided dimension |
//! | [`elementwise`] | [`activation`](elementwise::activation)s through [`UnaryKernel`], and [`blas1`](elementwise::blas1) (`sum`, `axpy`, `scale`) |
//! | [`scratch`] | per-thread reusable scratch buffers (convolution column matrices; lives in the `memory` module below the kernels, with the buffer [`pool`](crate::pool)) |
//! | [`simd`] | run-time choice of AVX-512 / AVX2 / baseline code for plain-Rust loops |
//! | [`erf`] | a full-precision error function for GELU |
//! | [`naive`] | reference twins of the convolution and pooling kernels |

pub mod avg_pool;
pub mod conv;
mod conv_direct;
mod conv_geometry;
mod conv_shifted;
pub mod elementwise;
pub mod erf;
pub mod gemm;
pub mod gemv;
pub mod im2col;
pub mod naive;
pub mod pool;
pub mod recurrent;
pub use crate::memory::scratch;
pub mod simd;
pub mod softmax;

pub use avg_pool::{
    AdaptivePool2dGeometry, adaptive_avg_pool2d_backward, adaptive_avg_pool2d_forward,
    avg_pool2d_backward, avg_pool2d_forward,
};
pub use conv::{
    Conv2dGeometry, conv2d_backward_bias, conv2d_backward_input, conv2d_backward_weight,
    conv2d_forward,
};
pub use elementwise::{
    Elu, Gelu, GeluTanh, Hardtanh, LeakyRelu, Relu, Sigmoid, Silu, Softplus, Tanh, UnaryKernel,
    add_assign, axpy, mul_assign, scale, sum, unary_backward, unary_forward,
};
pub use gemm::{MatMut, MatRef, matmul, matmul_naive, matmul_serial};
pub use pool::{Pool2dGeometry, max_pool2d_backward, max_pool2d_forward};
pub use softmax::{log_softmax_backward, log_softmax_forward, softmax_backward, softmax_forward};

#[cfg(test)]
mod conv_tests;
#[cfg(test)]
mod elementwise_tests;
#[cfg(test)]
mod gemm_tests;
#[cfg(test)]
mod gemv_tests;
#[cfg(test)]
mod pool_tests;
#[cfg(test)]
pub(crate) mod testutil;
