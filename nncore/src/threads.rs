//! How many threads the kernels use, like `torch.set_num_threads` /
//! `torch.get_num_threads`.
//!
//! Until [`set_num_threads`] is called, the kernels run on rayon's global
//! pool, sized as rayon sizes it (`RAYON_NUM_THREADS`, else one thread per
//! logical core). [`set_num_threads`] builds a Kiln-owned rayon pool of the
//! requested size and every later parallel kernel runs inside it (through
//! [`install`]); it can be called again at any time, as in PyTorch: an op
//! already running finishes on the pool it started on, the next one uses
//! the new pool, and the old pool's threads exit once nothing runs on them.
//! Results do not depend on the count beyond float summation order in the
//! few kernels that split a reduction across threads.

use std::sync::{Arc, PoisonError, RwLock};

use rayon::ThreadPool;

use crate::{Error, Result};

/// The pool [`set_num_threads`] built, if it was called.
static POOL: RwLock<Option<Arc<ThreadPool>>> = RwLock::new(None);

fn current_pool() -> Option<Arc<ThreadPool>> {
    POOL.read().unwrap_or_else(PoisonError::into_inner).clone()
}

/// Sets the number of threads the kernels use, like
/// `torch.set_num_threads(n)`.
///
/// Takes effect for the next parallel kernel, whenever it is called (before
/// or after the first op). Fails with [`Error::InvalidOption`] for 0 (as
/// PyTorch refuses a non-positive count) or when the operating system
/// cannot start the threads.
///
/// ```
/// nncore::set_num_threads(2)?;
/// assert_eq!(nncore::get_num_threads(), 2);
/// let err = nncore::set_num_threads(0).unwrap_err();
/// assert_eq!(err.to_string(), "set_num_threads: invalid num_threads: must be at least 1, got 0");
/// # Ok::<(), nncore::Error>(())
/// ```
pub fn set_num_threads(num_threads: usize) -> Result<()> {
    if num_threads == 0 {
        return Err(Error::option(
            "set_num_threads",
            "num_threads",
            "must be at least 1, got 0",
        ));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(num_threads)
        .thread_name(|i| format!("kiln-{i}"))
        .build()
        .map_err(|e| {
            Error::option(
                "set_num_threads",
                "num_threads",
                format!("could not start {num_threads} threads: {e}"),
            )
        })?;
    *POOL.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(pool));
    Ok(())
}

/// The number of threads the kernels use, like `torch.get_num_threads()`:
/// the count given to [`set_num_threads`], else the size of rayon's global
/// pool.
///
/// ```
/// assert!(nncore::get_num_threads() >= 1);
/// ```
pub fn get_num_threads() -> usize {
    match current_pool() {
        Some(pool) => pool.current_num_threads(),
        None => rayon::current_num_threads(),
    }
}

/// Runs `op` where its rayon calls (`par_iter`, `join`, gemm's rayon
/// parallelism) use [`get_num_threads`] threads: inside the pool
/// [`set_num_threads`] built, or directly (on rayon's global pool) if it
/// was never called. Every parallel kernel goes through here.
///
/// ```
/// nncore::set_num_threads(3)?;
/// assert_eq!(nncore::threads::install(rayon::current_num_threads), 3);
/// # Ok::<(), nncore::Error>(())
/// ```
pub fn install<R: Send>(op: impl FnOnce() -> R + Send) -> R {
    match current_pool() {
        Some(pool) => pool.install(op),
        None => op(),
    }
}
