//! Batching, shuffling and background loading (PyTorch's
//! `torch.utils.data.DataLoader`).
//!
//! A [`DataLoader`] yields typed batches: for a dataset of `(Tensor<S>, i64)`
//! examples, `(Tensor<(Dyn, S...)>, Tensor<(Dyn,), i64>)` (see
//! [`Collate`]). Shuffling is seeded and a pure function of `(seed, epoch)`,
//! and random transforms draw from a stream given by `(seed, epoch, index)`,
//! so a run can be reproduced or resumed at any epoch, and the number of
//! loading threads ([`DataLoader::num_workers`]) changes nothing but speed.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::rng::{SampleRng, shuffle};
use super::workers::Workers;
use super::{Collate, Dataset};
use crate::{Error, Result};

/// The batch type a loader over `D` yields.
pub type BatchOf<D> = <<D as Dataset>::Item as Collate>::Batch;

/// Splits a dataset into batches of tensors, optionally shuffled anew each
/// epoch and loaded by background threads.
///
/// Defaults as PyTorch: no shuffling, last partial batch kept, loading in
/// the calling thread (`num_workers = 0`), two batches prefetched per
/// worker. The seed defaults to 0 (PyTorch draws one at random; Kiln
/// prefers reproducible).
///
/// Each [`iter`](Self::iter) is one epoch and advances the epoch counter,
/// so a shuffling loader visits the examples in a new order each time, as
/// PyTorch's `RandomSampler` does; [`set_epoch`](Self::set_epoch) sets the
/// epoch the next `iter` runs, as `DistributedSampler.set_epoch` does (to
/// resume a run, or to replay an epoch).
///
/// ```
/// use nncore::data::{DataLoader, Mnist, Split};
/// use nncore::{Tensor, shape::*};
///
/// let train = Mnist::shipped_subset(Split::Train)?;
/// let loader = DataLoader::new(train, 64)?.shuffle(true).seed(42).num_workers(2);
/// assert_eq!(loader.len(), 94); // 6000 / 64, rounded up
/// for (x, y) in loader.iter() {
///     let x: Tensor<(Dyn, U1, U28, U28)> = x;
///     let y: Tensor<(Dyn,), i64> = y;
///     assert!(x.dims().as_slice()[0] <= 64);
///     assert_eq!(x.dims().as_slice()[0], y.dims().as_slice()[0]);
/// }
/// assert_eq!(loader.epoch(), 1);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Debug)]
pub struct DataLoader<D> {
    dataset: Arc<D>,
    batch_size: usize,
    shuffle: bool,
    seed: u64,
    drop_last: bool,
    num_workers: usize,
    prefetch_factor: usize,
    /// The epoch the next `iter` runs.
    epoch: AtomicU64,
}

impl<D> Clone for DataLoader<D> {
    fn clone(&self) -> Self {
        DataLoader {
            dataset: Arc::clone(&self.dataset),
            epoch: AtomicU64::new(self.epoch.load(Ordering::Relaxed)),
            ..*self
        }
    }
}

impl<D: Dataset> DataLoader<D> {
    /// A loader over `dataset` with `batch_size` examples per batch.
    ///
    /// The loader owns the dataset (shared with its worker threads); pass
    /// an `Arc<D>` or a clone to keep using it elsewhere, or reach it
    /// through [`dataset`](Self::dataset).
    ///
    /// Fails with [`Error::InvalidOption`] if `batch_size` is 0 or the
    /// dataset is empty: an epoch without batches would train on nothing
    /// and report a score of nothing (PyTorch's shuffling loader refuses an
    /// empty dataset too).
    ///
    /// ```
    /// use nncore::data::{DataLoader, Mnist, Split};
    /// let test = Mnist::shipped_subset(Split::Test)?;
    /// let err = DataLoader::new(test, 0).unwrap_err();
    /// assert_eq!(err.to_string(), "DataLoader: invalid batch_size: must be at least 1, got 0");
    ///
    /// #[derive(Debug)]
    /// struct Nothing;
    /// impl nncore::data::Dataset for Nothing {
    ///     type Item = i64;
    ///     fn len(&self) -> usize { 0 }
    ///     fn get(&self, _: usize) -> i64 { 0 }
    /// }
    /// let err = DataLoader::new(Nothing, 8).unwrap_err();
    /// assert_eq!(err.to_string(), "DataLoader: invalid dataset: it holds no examples");
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn new(dataset: D, batch_size: usize) -> Result<Self> {
        if batch_size == 0 {
            return Err(Error::option(
                "DataLoader",
                "batch_size",
                "must be at least 1, got 0",
            ));
        }
        if dataset.is_empty() {
            return Err(Error::option(
                "DataLoader",
                "dataset",
                "it holds no examples",
            ));
        }
        Ok(DataLoader {
            dataset: Arc::new(dataset),
            batch_size,
            shuffle: false,
            seed: 0,
            drop_last: false,
            num_workers: 0,
            prefetch_factor: 2,
            epoch: AtomicU64::new(0),
        })
    }

    /// Whether to visit the examples in a new random order each epoch.
    ///
    /// ```
    /// use nncore::data::{DataLoader, TensorDataset};
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U1)>::from_vec((0..6).map(|i| i as f32).collect(), (Dyn(6), U1::new()))?;
    /// let loader = DataLoader::new(TensorDataset::new(x.clone(), x)?, 6)?.shuffle(true);
    /// let first: Vec<f32> = loader.iter().next().unwrap().0.to_vec();
    /// let second: Vec<f32> = loader.iter().next().unwrap().0.to_vec();
    /// assert_ne!(first, second, "a new order each epoch");
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }

    /// The seed of the shuffling and of the random transforms; epoch `e`'s
    /// order depends only on `(seed, e)`.
    ///
    /// ```
    /// use nncore::data::{DataLoader, Mnist, Split};
    /// let test = Mnist::shipped_subset(Split::Test)?;
    /// let a = DataLoader::new(test.clone(), 10)?.shuffle(true).seed(1);
    /// let b = DataLoader::new(test, 10)?.shuffle(true).seed(2);
    /// assert_ne!(a.order(0), b.order(0));
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Whether to drop the last batch when it is smaller than `batch_size`.
    ///
    /// ```
    /// use nncore::data::{DataLoader, Mnist, Split};
    /// let test = Mnist::shipped_subset(Split::Test)?; // 1000 examples
    /// assert_eq!(DataLoader::new(test.clone(), 400)?.len(), 3);
    /// assert_eq!(DataLoader::new(test, 400)?.drop_last(true).len(), 2);
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn drop_last(mut self, drop_last: bool) -> Self {
        self.drop_last = drop_last;
        self
    }

    /// The number of background threads that load batches, like PyTorch's
    /// `num_workers`: 0 (the default) loads each batch in the calling
    /// thread when it is asked for; `n > 0` starts `n` threads per epoch,
    /// each building every `n`-th batch ahead of the training loop. The
    /// batches are the same, in the same order, for any `n`.
    ///
    /// ```
    /// use nncore::data::{DataLoader, Mnist, Split};
    /// let test = Mnist::shipped_subset(Split::Test)?;
    /// let inline = DataLoader::new(test.clone(), 100)?;
    /// let threaded = DataLoader::new(test, 100)?.num_workers(3);
    /// let a: Vec<Vec<i64>> = inline.iter().map(|(_, y)| y.to_vec()).collect();
    /// let b: Vec<Vec<i64>> = threaded.iter().map(|(_, y)| y.to_vec()).collect();
    /// assert_eq!(a, b);
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn num_workers(mut self, num_workers: usize) -> Self {
        self.num_workers = num_workers;
        self
    }

    /// Batches each worker loads ahead, like PyTorch's `prefetch_factor`
    /// (default 2; used only with [`num_workers`](Self::num_workers) > 0).
    ///
    /// Fails with [`Error::InvalidOption`] for 0: a worker that may not load
    /// ahead would not be a background worker.
    ///
    /// ```
    /// use nncore::data::{DataLoader, Mnist, Split};
    /// let test = Mnist::shipped_subset(Split::Test)?;
    /// let loader = DataLoader::new(test, 100)?.num_workers(2).prefetch_factor(4)?;
    /// let err = loader.prefetch_factor(0).unwrap_err();
    /// assert_eq!(err.to_string(), "DataLoader: invalid prefetch_factor: must be at least 1, got 0");
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn prefetch_factor(mut self, prefetch_factor: usize) -> Result<Self> {
        if prefetch_factor == 0 {
            return Err(Error::option(
                "DataLoader",
                "prefetch_factor",
                "must be at least 1, got 0",
            ));
        }
        self.prefetch_factor = prefetch_factor;
        Ok(self)
    }

    /// Sets the epoch the next [`iter`](Self::iter) runs (its order and its
    /// random transforms), like `DistributedSampler.set_epoch`: to resume a
    /// run at epoch `e`, call `set_epoch(e)` before its first `iter`.
    ///
    /// ```
    /// use nncore::data::{DataLoader, Mnist, Split};
    /// let test = Mnist::shipped_subset(Split::Test)?;
    /// let loader = DataLoader::new(test, 500)?.shuffle(true);
    /// loader.set_epoch(3);
    /// let labels: Vec<i64> = loader.iter().next().unwrap().1.to_vec();
    /// assert_eq!(loader.epoch(), 4);
    /// loader.set_epoch(3);
    /// assert_eq!(loader.iter().next().unwrap().1.to_vec(), labels);
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn set_epoch(&self, epoch: u64) {
        self.epoch.store(epoch, Ordering::Relaxed);
    }

    /// The epoch the next [`iter`](Self::iter) runs: the number of `iter`
    /// calls so far, unless [`set_epoch`](Self::set_epoch) said otherwise.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Relaxed)
    }

    /// The dataset.
    pub fn dataset(&self) -> &D {
        &self.dataset
    }

    /// The number of examples per (full) batch.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// The number of batches per epoch, as PyTorch's `len(loader)`.
    pub fn len(&self) -> usize {
        let n = self.dataset.len();
        if self.drop_last {
            n / self.batch_size
        } else {
            n.div_ceil(self.batch_size)
        }
    }

    /// Whether an epoch has no batches (with `drop_last` and fewer
    /// examples than `batch_size`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The order in which epoch `epoch` visits the examples: `0..len` without
    /// shuffling, a permutation of it determined by `(seed, epoch)` with.
    ///
    /// ```
    /// use nncore::data::{DataLoader, Mnist, Split};
    /// let test = Mnist::shipped_subset(Split::Test)?;
    /// let loader = DataLoader::new(test, 10)?.shuffle(true).seed(7);
    /// assert_eq!(loader.order(3), loader.order(3));
    /// assert_ne!(loader.order(3), loader.order(4));
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn order(&self, epoch: u64) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.dataset.len()).collect();
        if self.shuffle {
            shuffle(&mut order, &mut SampleRng::for_epoch(self.seed, epoch));
        }
        order
    }

    /// The index batches of epoch `epoch`, for a custom collation.
    ///
    /// ```
    /// use nncore::data::{DataLoader, Mnist, Split};
    /// let test = Mnist::shipped_subset(Split::Test)?;
    /// let loader = DataLoader::new(test, 400)?;
    /// let sizes: Vec<usize> = loader.batches(0).map(|b| b.len()).collect();
    /// assert_eq!(sizes, [400, 400, 200]);
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn batches(&self, epoch: u64) -> IndexBatches {
        IndexBatches {
            plan: Plan::new(self.order(epoch), self.batch_size, self.drop_last),
            next: 0,
        }
    }

    /// The batch of the examples at `indices` (in that order), transformed
    /// as in epoch [`epoch`](Self::epoch): for a sampler of one's own, such
    /// as `DistributedSampler`.
    ///
    /// ```
    /// use nncore::data::{DataLoader, Mnist, Split};
    /// let test = Mnist::shipped_subset(Split::Test)?;
    /// let loader = DataLoader::new(test, 64)?;
    /// let (x, y) = loader.fetch(&[0, 1, 2]);
    /// assert_eq!(x.dims().as_slice(), &[3, 1, 28, 28]);
    /// assert_eq!(y.to_vec(), [7, 2, 1]);
    /// # Ok::<(), nncore::Error>(())
    /// ```
    ///
    /// # Panics
    /// If `indices` is empty or an index is out of range.
    pub fn fetch(&self, indices: &[usize]) -> BatchOf<D>
    where
        D::Item: Collate,
    {
        load(&*self.dataset, indices, self.seed, self.epoch())
    }

    /// The batches of the next epoch (see [`set_epoch`](Self::set_epoch)),
    /// loaded in the background by [`num_workers`](Self::num_workers)
    /// threads, or here when there are none. Advances the epoch.
    ///
    /// Dropping the iterator early stops the workers.
    pub fn iter(&self) -> Batches<D>
    where
        D: Send + Sync + 'static,
        D::Item: Collate,
        BatchOf<D>: Send + 'static,
    {
        let epoch = self.epoch.fetch_add(1, Ordering::Relaxed);
        let plan = Plan::new(self.order(epoch), self.batch_size, self.drop_last);
        let remaining = plan.len();
        let seed = self.seed;
        let workers = match self.num_workers {
            0 => None,
            n => Workers::start(
                Arc::clone(&self.dataset),
                Arc::new(plan.clone()),
                n,
                self.prefetch_factor,
                move |dataset: &D, indices: &[usize]| load(dataset, indices, seed, epoch),
            )
            // Without threads (the OS refused one), load here: the same batches.
            .ok(),
        };
        let source = match workers {
            Some(workers) => Source::Workers(workers),
            None => Source::Inline {
                dataset: Arc::clone(&self.dataset),
                plan,
                next: 0,
            },
        };
        Batches {
            source,
            seed: self.seed,
            epoch,
            remaining,
        }
    }
}

impl<D> IntoIterator for &DataLoader<D>
where
    D: Dataset + Send + Sync + 'static,
    D::Item: Collate,
    BatchOf<D>: Send + 'static,
{
    type Item = BatchOf<D>;
    type IntoIter = Batches<D>;

    /// `for (x, y) in &loader`, the same as `loader.iter()`.
    fn into_iter(self) -> Batches<D> {
        self.iter()
    }
}

/// Loads and collates the examples at `indices`, each transformed with its
/// own `(seed, epoch, index)` stream.
fn load<D: Dataset + ?Sized>(dataset: &D, indices: &[usize], seed: u64, epoch: u64) -> BatchOf<D>
where
    D::Item: Collate,
{
    let samples = indices
        .iter()
        .map(|&i| dataset.get_with(i, &mut SampleRng::for_sample(seed, epoch, i)))
        .collect();
    Collate::collate(samples)
}

/// One epoch's order cut into batches.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    order: Vec<usize>,
    batch_size: usize,
    /// The examples used: all, or whole batches only with `drop_last`.
    end: usize,
}

impl Plan {
    fn new(order: Vec<usize>, batch_size: usize, drop_last: bool) -> Self {
        let end = if drop_last {
            order.len() - order.len() % batch_size
        } else {
            order.len()
        };
        Plan {
            order,
            batch_size,
            end,
        }
    }

    /// The number of batches.
    pub(super) fn len(&self) -> usize {
        self.end.div_ceil(self.batch_size)
    }

    /// The indices of batch `b` (below [`len`](Self::len)).
    pub(super) fn batch(&self, b: usize) -> &[usize] {
        let start = b * self.batch_size;
        &self.order[start..(start + self.batch_size).min(self.end)]
    }
}

/// The index batches of one epoch; see [`DataLoader::batches`].
#[derive(Debug, Clone)]
pub struct IndexBatches {
    plan: Plan,
    next: usize,
}

impl Iterator for IndexBatches {
    type Item = Vec<usize>;

    fn next(&mut self) -> Option<Vec<usize>> {
        if self.next >= self.plan.len() {
            return None;
        }
        self.next += 1;
        Some(self.plan.batch(self.next - 1).to_vec())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.plan.len() - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for IndexBatches {}

enum Source<D: Dataset>
where
    D::Item: Collate,
{
    /// `num_workers == 0`: each batch is loaded when asked for.
    Inline {
        dataset: Arc<D>,
        plan: Plan,
        next: usize,
    },
    Workers(Workers<BatchOf<D>>),
}

/// The batches of one epoch; see [`DataLoader::iter`].
pub struct Batches<D: Dataset>
where
    D::Item: Collate,
{
    source: Source<D>,
    seed: u64,
    epoch: u64,
    remaining: usize,
}

impl<D: Dataset> Batches<D>
where
    D::Item: Collate,
{
    /// The epoch these batches belong to.
    ///
    /// ```
    /// use nncore::data::{DataLoader, Mnist, Split};
    /// let loader = DataLoader::new(Mnist::shipped_subset(Split::Test)?, 100)?;
    /// assert_eq!((loader.iter().epoch(), loader.iter().epoch()), (0, 1));
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn epoch(&self) -> u64 {
        self.epoch
    }
}

impl<D: Dataset> Iterator for Batches<D>
where
    D::Item: Collate,
{
    type Item = BatchOf<D>;

    fn next(&mut self) -> Option<BatchOf<D>> {
        let batch = match &mut self.source {
            Source::Inline {
                dataset,
                plan,
                next,
            } => {
                if *next >= plan.len() {
                    return None;
                }
                *next += 1;
                load(&**dataset, plan.batch(*next - 1), self.seed, self.epoch)
            }
            Source::Workers(workers) => workers.next()?,
        };
        self.remaining -= 1;
        Some(batch)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<D: Dataset> ExactSizeIterator for Batches<D> where D::Item: Collate {}
