//! Elementwise kernels, in two files: [`activation`] (unary activations
//! through one small trait, [`UnaryKernel`], with their derivatives) and
//! [`blas1`] (`sum` and the `axpy`-style helpers on slices). Both run over
//! slices in chunks of [`CHUNK`] elements, plain zipped loops the compiler
//! vectorises for the CPU's widest vectors through
//! [`simd::dispatch`](super::simd::dispatch), and across rayon threads
//! above [`PARALLEL_THRESHOLD`] elements; this file holds that shared
//! chunking.

pub mod activation;
pub mod blas1;

pub use activation::*;
#[cfg(test)]
pub(in crate::kernels) use activation::{backward_chunk, forward_chunk};
pub use blas1::*;
#[cfg(test)]
pub(in crate::kernels) use blas1::{binary_chunk, scale_chunk, sum_blocks};

/// Elements per work unit: small enough to stay in L1/L2, large enough that
/// per-chunk overhead is negligible.
pub const CHUNK: usize = 1 << 12;

/// Elements above which the elementwise kernels use rayon.
pub const PARALLEL_THRESHOLD: usize = 1 << 15;

/// Whether `len` elements are worth splitting across rayon's threads.
pub(super) fn parallel(len: usize) -> bool {
    len >= PARALLEL_THRESHOLD && crate::threads::get_num_threads() > 1
}

#[track_caller]
pub(super) fn check_lens(lens: &[usize]) {
    assert!(
        lens.windows(2).all(|w| w[0] == w[1]),
        "elementwise: slice lengths differ: {lens:?}"
    );
}
