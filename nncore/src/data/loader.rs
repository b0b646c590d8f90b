//! Batching and shuffling (PyTorch's `torch.utils.data.DataLoader`).
//!
//! The generic part only deals in indices: [`DataLoader::batches`] yields the
//! index batches of an epoch, and any dataset that implements [`Collate`]
//! turns them into a batch value via [`DataLoader::iter`].
//!
//! Shuffling is seeded and a pure function of `(seed, epoch)`, so a run can be
//! reproduced or resumed at any epoch without replaying the earlier ones. The
//! generator is a SplitMix64 written here rather than `rand`'s `StdRng`,
//! whose stream `rand` does not promise to keep across versions: a Kiln seed
//! gives the same order forever.

use std::ops::Range;

use super::Dataset;
use crate::{Error, Result};

/// Turns a batch of indices into one batch value (PyTorch's `collate_fn`).
///
/// For a custom collation, skip this trait and map over
/// [`DataLoader::batches`] instead.
///
/// ```
/// use nncore::data::{Collate, DataLoader, Dataset};
///
/// struct Numbers(Vec<f32>);
/// impl Dataset for Numbers {
///     type Item = f32;
///     fn len(&self) -> usize { self.0.len() }
///     fn get(&self, i: usize) -> f32 { self.0[i] }
/// }
/// impl Collate for Numbers {
///     type Batch = Vec<f32>;
///     fn collate(&self, indices: &[usize]) -> Vec<f32> {
///         indices.iter().map(|&i| self.0[i]).collect()
///     }
/// }
///
/// let loader = DataLoader::new(Numbers(vec![1.0, 2.0, 3.0]), 2)?;
/// let batches: Vec<Vec<f32>> = loader.iter(0).collect();
/// assert_eq!(batches, [vec![1.0, 2.0], vec![3.0]]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub trait Collate: Dataset {
    /// The batch type, e.g. [`MnistBatch`](super::MnistBatch).
    type Batch;

    /// Builds the batch of the examples at `indices`, in that order.
    fn collate(&self, indices: &[usize]) -> Self::Batch;

    /// Refills an existing batch; implementations override it to reuse the
    /// batch's buffers, so a training loop allocates nothing per step.
    fn collate_into(&self, indices: &[usize], batch: &mut Self::Batch) {
        *batch = self.collate(indices);
    }
}

impl<D: Collate + ?Sized> Collate for &D {
    type Batch = D::Batch;
    fn collate(&self, indices: &[usize]) -> D::Batch {
        (**self).collate(indices)
    }
    fn collate_into(&self, indices: &[usize], batch: &mut D::Batch) {
        (**self).collate_into(indices, batch)
    }
}

/// Splits a dataset into batches, optionally shuffled anew each epoch.
///
/// Defaults as PyTorch: no shuffling, last partial batch kept. The seed
/// defaults to 0 (PyTorch draws one at random; Kiln prefers reproducible).
///
/// ```
/// use nncore::data::{DataLoader, Mnist, Split};
///
/// let train = Mnist::shipped_subset(Split::Train)?;
/// let loader = DataLoader::new(&train, 64)?.shuffle(true).seed(42);
/// assert_eq!(loader.len(), 94); // 6000 / 64, rounded up
/// for epoch in 0..2 {
///     for batch in loader.iter(epoch) {
///         // batch.images: [batch.len * 784] f32, batch.labels: [batch.len] i64
///         assert!(batch.len <= 64);
///     }
/// }
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct DataLoader<D> {
    dataset: D,
    batch_size: usize,
    shuffle: bool,
    seed: u64,
    drop_last: bool,
}

impl<D: Dataset> DataLoader<D> {
    /// A loader over `dataset` with `batch_size` examples per batch.
    ///
    /// Fails with [`Error::InvalidOption`] if `batch_size` is 0 or the
    /// dataset is empty: an epoch without batches would train on nothing
    /// and report a score of nothing (PyTorch's shuffling loader refuses an
    /// empty dataset too).
    ///
    /// ```
    /// use nncore::data::{DataLoader, Mnist, Split};
    /// let test = Mnist::shipped_subset(Split::Test)?;
    /// let err = DataLoader::new(&test, 0).unwrap_err();
    /// assert_eq!(err.to_string(), "DataLoader: invalid batch_size: must be at least 1, got 0");
    ///
    /// #[derive(Debug)]
    /// struct Nothing;
    /// impl nncore::data::Dataset for Nothing {
    ///     type Item = ();
    ///     fn len(&self) -> usize { 0 }
    ///     fn get(&self, _: usize) {}
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
            dataset,
            batch_size,
            shuffle: false,
            seed: 0,
            drop_last: false,
        })
    }

    /// Whether to visit the examples in a new random order each epoch.
    pub fn shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }

    /// The seed of the shuffling; epoch `e`'s order depends only on `(seed, e)`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Whether to drop the last batch when it is smaller than `batch_size`.
    pub fn drop_last(mut self, drop_last: bool) -> Self {
        self.drop_last = drop_last;
        self
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

    /// Whether an epoch has no batches.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The order in which epoch `epoch` visits the examples: `0..len` without
    /// shuffling, a permutation of it determined by `(seed, epoch)` with.
    ///
    /// ```
    /// use nncore::data::{DataLoader, Mnist, Split};
    /// let test = Mnist::shipped_subset(Split::Test)?;
    /// let loader = DataLoader::new(&test, 10)?.shuffle(true).seed(7);
    /// assert_eq!(loader.order(3), loader.order(3));
    /// assert_ne!(loader.order(3), loader.order(4));
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn order(&self, epoch: u64) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.dataset.len()).collect();
        if self.shuffle {
            shuffle(&mut order, &mut SplitMix64::for_epoch(self.seed, epoch));
        }
        order
    }

    /// The index batches of epoch `epoch`.
    ///
    /// ```
    /// use nncore::data::{DataLoader, Mnist, Split};
    /// let test = Mnist::shipped_subset(Split::Test)?;
    /// let loader = DataLoader::new(&test, 400)?;
    /// let sizes: Vec<usize> = loader.batches(0).map(|b| b.len()).collect();
    /// assert_eq!(sizes, [400, 400, 200]);
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn batches(&self, epoch: u64) -> IndexBatches {
        let order = self.order(epoch);
        let end = if self.drop_last {
            order.len() - order.len() % self.batch_size
        } else {
            order.len()
        };
        IndexBatches {
            order,
            batch_size: self.batch_size,
            next: 0,
            end,
        }
    }

    /// The collated batches of epoch `epoch`.
    ///
    /// Each batch is freshly allocated; to reuse one buffer across steps,
    /// loop over [`DataLoader::batches`] and call [`Collate::collate_into`].
    pub fn iter(&self, epoch: u64) -> Batches<'_, D>
    where
        D: Collate,
    {
        Batches {
            dataset: &self.dataset,
            indices: self.batches(epoch),
        }
    }
}

/// The index batches of one epoch; see [`DataLoader::batches`].
#[derive(Debug, Clone)]
pub struct IndexBatches {
    order: Vec<usize>,
    batch_size: usize,
    next: usize,
    end: usize,
}

impl IndexBatches {
    fn next_range(&mut self) -> Option<Range<usize>> {
        if self.next >= self.end {
            return None;
        }
        let range = self.next..(self.next + self.batch_size).min(self.end);
        self.next = range.end;
        Some(range)
    }
}

impl Iterator for IndexBatches {
    type Item = Vec<usize>;

    fn next(&mut self) -> Option<Vec<usize>> {
        let range = self.next_range()?;
        Some(self.order[range].to_vec())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.end - self.next).div_ceil(self.batch_size);
        (n, Some(n))
    }
}

impl ExactSizeIterator for IndexBatches {}

/// The collated batches of one epoch; see [`DataLoader::iter`].
pub struct Batches<'a, D> {
    dataset: &'a D,
    indices: IndexBatches,
}

impl<D: Collate> Iterator for Batches<'_, D> {
    type Item = D::Batch;

    fn next(&mut self) -> Option<D::Batch> {
        let range = self.indices.next_range()?;
        Some(self.dataset.collate(&self.indices.order[range]))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.indices.size_hint()
    }
}

impl<D: Collate> ExactSizeIterator for Batches<'_, D> {}

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and good enough to
/// shuffle training data. Its stream is fixed by this code, not by a crate.
struct SplitMix64(u64);

impl SplitMix64 {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    /// A generator for one epoch. The epoch is mixed through the output
    /// function rather than added, so epochs `e` and `e + 1` do not get the
    /// same stream shifted by one step.
    fn for_epoch(seed: u64, epoch: u64) -> Self {
        SplitMix64(seed ^ Self::mix(epoch.wrapping_add(Self::GAMMA)))
    }

    fn mix(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(Self::GAMMA);
        Self::mix(self.0)
    }

    /// Uniform in `0..bound` by multiply-shift; the bias is below
    /// `bound / 2^64`, invisible for any dataset that fits in memory.
    fn below(&mut self, bound: usize) -> usize {
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }
}

/// Fisher-Yates shuffle.
fn shuffle(items: &mut [usize], rng: &mut SplitMix64) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins the stream: changing it silently changes every seeded run.
    #[test]
    fn shuffle_is_pinned() {
        let mut order: Vec<usize> = (0..10).collect();
        shuffle(&mut order, &mut SplitMix64::for_epoch(42, 0));
        assert_eq!(order, PINNED_SEED42_EPOCH0);
    }

    const PINNED_SEED42_EPOCH0: [usize; 10] = [0, 6, 9, 1, 5, 7, 8, 2, 4, 3];
}
