//! The loader's background threads (`num_workers > 0`).
//!
//! Worker `w` of `n` builds batches `w`, `w + n`, `w + 2n`, ... in order and
//! hands each over through its own bounded channel (`prefetch_factor`
//! slots); the iterator takes batch `b` from worker `b % n`. So the batches
//! come in the epoch's order whatever the threads' timing, and since each
//! batch is a pure function of its indices, seed and epoch, they are the
//! batches `num_workers = 0` gives.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread::JoinHandle;

use super::loader::Plan;

/// The running workers of one epoch.
pub(super) struct Workers<B> {
    receivers: Vec<Receiver<B>>,
    handles: Vec<Option<JoinHandle<()>>>,
    next: usize,
    total: usize,
}

impl<B: Send + 'static> Workers<B> {
    /// Starts up to `num_workers` threads (no more than there are batches)
    /// over `plan`, each building batches with `load`. Fails if the
    /// operating system refuses a thread (those started stop again).
    pub(super) fn start<D, F>(
        dataset: Arc<D>,
        plan: Arc<Plan>,
        num_workers: usize,
        prefetch_factor: usize,
        load: F,
    ) -> std::io::Result<Self>
    where
        D: Send + Sync + 'static + ?Sized,
        F: Fn(&D, &[usize]) -> B + Send + Clone + 'static,
    {
        let total = plan.len();
        let n = num_workers.min(total).max(1);
        let mut workers = Workers {
            receivers: Vec::with_capacity(n),
            handles: Vec::with_capacity(n),
            next: 0,
            total,
        };
        for w in 0..n {
            let (tx, rx) = sync_channel(prefetch_factor);
            let (dataset, plan, load) = (Arc::clone(&dataset), Arc::clone(&plan), load.clone());
            let handle = std::thread::Builder::new()
                .name(format!("kiln-loader-{w}"))
                .spawn(move || {
                    for b in (w..plan.len()).step_by(n) {
                        // An error means the iterator was dropped: stop.
                        if tx.send(load(&dataset, plan.batch(b))).is_err() {
                            return;
                        }
                    }
                })?;
            workers.receivers.push(rx);
            workers.handles.push(Some(handle));
        }
        Ok(workers)
    }
}

impl<B> Workers<B> {
    /// The next batch of the epoch, or `None` after the last.
    ///
    /// # Panics
    /// With the worker's panic if the worker building this batch panicked
    /// (a dataset's `get` out of range), as loading in this thread would.
    pub(super) fn next(&mut self) -> Option<B> {
        if self.next >= self.total {
            return None;
        }
        let w = self.next % self.receivers.len();
        self.next += 1;
        match self.receivers[w].recv() {
            Ok(batch) => Some(batch),
            Err(_) => {
                // The sender is gone before its last batch: the thread panicked.
                let handle = self.handles[w].take().expect("a worker is joined once");
                match handle.join() {
                    Err(payload) => std::panic::resume_unwind(payload),
                    Ok(()) => unreachable!("a worker sends every batch it owns unless it panics"),
                }
            }
        }
    }
}

impl<B> Drop for Workers<B> {
    /// Closes the channels, so a worker blocked on a full one stops, and
    /// waits for the threads (a worker panic was already reported by
    /// `next`, or the batch was never asked for).
    fn drop(&mut self) {
        self.receivers.clear();
        for handle in self.handles.drain(..).flatten() {
            let _ = handle.join();
        }
    }
}
