//! Heap accounting for the benchmark: the global allocator is the system
//! allocator wrapped by `stats_alloc`, which counts every allocation,
//! deallocation and byte (from every thread, rayon's workers included)
//! without any `unsafe` code of ours.

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// A reading of the counters, to subtract from a later one.
#[derive(Clone, Copy, Debug)]
pub struct Snapshot {
    allocations: usize,
    reallocations: usize,
    bytes_allocated: usize,
    bytes_deallocated: usize,
    bytes_reallocated: isize,
}

/// The counters now.
pub fn snapshot() -> Snapshot {
    let s = GLOBAL.stats();
    Snapshot {
        allocations: s.allocations,
        reallocations: s.reallocations,
        bytes_allocated: s.bytes_allocated,
        bytes_deallocated: s.bytes_deallocated,
        bytes_reallocated: s.bytes_reallocated,
    }
}

impl Snapshot {
    /// Allocations and reallocations since `earlier` (a `realloc` that
    /// grows a `Vec` is a heap allocation too).
    pub fn allocs_since(&self, earlier: &Snapshot) -> usize {
        (self.allocations - earlier.allocations) + (self.reallocations - earlier.reallocations)
    }

    /// Bytes live on the heap at this snapshot (allocated and not freed).
    pub fn live_bytes(&self) -> isize {
        self.bytes_allocated as isize - self.bytes_deallocated as isize + self.bytes_reallocated
    }
}
