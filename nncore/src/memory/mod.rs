//! Memory the kernels and tensors reuse, the bottom layer of nncore (below
//! the kernels): the per-thread pool of element buffers that tensors,
//! gradients and kernels take from and give back ([`pool`], reached as
//! `nncore::pool`), and the per-thread scratch space of the convolution
//! kernels ([`scratch`], reached as `kernels::scratch`). Both keep a
//! warmed-up training step free of allocations.

pub mod pool;
pub mod scratch;
