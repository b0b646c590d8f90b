//! # kiln-distributed: data-parallel training over MPI
//!
//! PyTorch's `torch.distributed` + `DistributedDataParallel` +
//! `DistributedSampler` workflow for Kiln models. Every process (rank)
//! holds a full copy of the model, trains on its own shard of each epoch,
//! and averages gradients with the others after each backward pass, so
//! all copies take the same optimizer step.
//!
//! The sampler ([`DistributedSampler`], and [`randperm`] / [`Mt19937`],
//! PyTorch's exact shuffle) needs nothing but Rust. The process group and
//! [`DistributedDataParallel`] need the crate's `mpi` feature (the facade's
//! `mpi` feature turns it on): rsmpi over the system's MPI (Open MPI from
//! Debian's `libopenmpi-dev openmpi-bin`, plus `libclang-dev` to build the
//! bindings). See docs/distributed.md for launching and scaling.
#![warn(missing_docs)]

mod randperm;
mod sampler;

pub use randperm::{Mt19937, RANDPERM_LIMIT, randperm};
pub use sampler::DistributedSampler;
mod bucket;
#[cfg(feature = "mpi")]
mod ddp;
#[cfg(feature = "mpi")]
mod group;

pub use bucket::bucket_plan;
#[cfg(feature = "mpi")]
pub use ddp::{DdpOptions, DistributedDataParallel};
#[cfg(feature = "mpi")]
pub use group::{ProcessGroup, ReduceOp};
