//! `torch.utils.data.DistributedSampler`: each rank's share of an epoch.

use crate::randperm::{RANDPERM_LIMIT, randperm};
use nncore::{Error, Result};

/// The indices of a dataset that one rank visits in an epoch, the same
/// sequence PyTorch's `DistributedSampler` yields for the same length,
/// rank, world size, seed and epoch.
///
/// The epoch's order is `torch.randperm(len)` from a generator seeded
/// `seed + epoch` (or `0..len` without shuffling). Unless `drop_last`, it
/// is padded by repeating its head until every rank gets
/// `ceil(len / world)` indices; with `drop_last` the tail is cut so every
/// rank gets `floor(len / world)`. Rank `r` takes every `world`-th index
/// from position `r`. Call [`set_epoch`](Self::set_epoch) before each epoch,
/// as in PyTorch, or every epoch repeats the first one's order.
///
/// ```
/// use kiln_distributed::DistributedSampler;
/// // Rank 1 of 3 over 10 samples: PyTorch pads 10 to 12 and strides by 3.
/// let mut sampler = DistributedSampler::new(10, 3, 1)?.shuffle(false);
/// assert_eq!(sampler.indices(), [1, 4, 7, 0]);
/// sampler.set_epoch(1);
/// assert_eq!(sampler.len(), 4);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistributedSampler {
    dataset_len: usize,
    num_replicas: usize,
    rank: usize,
    shuffle: bool,
    seed: u64,
    drop_last: bool,
    epoch: u64,
}

impl DistributedSampler {
    /// The sampler of rank `rank` of `num_replicas` over a dataset of
    /// `dataset_len` samples, with PyTorch's defaults: shuffled, seed 0,
    /// padded (`drop_last = false`), epoch 0.
    ///
    /// Fails when `num_replicas` is 0, `rank` is not below it, or the
    /// dataset has [`RANDPERM_LIMIT`] samples or more (where PyTorch's
    /// `randperm` changes algorithm).
    ///
    /// ```
    /// use kiln_distributed::DistributedSampler;
    /// let err = DistributedSampler::new(10, 2, 2).unwrap_err();
    /// assert_eq!(err.to_string(), "DistributedSampler: invalid rank: Invalid rank 2, rank should be in the interval [0, 1]");
    /// ```
    pub fn new(dataset_len: usize, num_replicas: usize, rank: usize) -> Result<Self> {
        if num_replicas == 0 {
            return Err(Error::option(
                "DistributedSampler",
                "num_replicas",
                "must be at least 1, got 0",
            ));
        }
        if rank >= num_replicas {
            return Err(Error::option(
                "DistributedSampler",
                "rank",
                format!(
                    "Invalid rank {rank}, rank should be in the interval [0, {}]",
                    num_replicas - 1
                ),
            ));
        }
        if dataset_len >= RANDPERM_LIMIT {
            return Err(Error::option(
                "DistributedSampler",
                "dataset",
                format!(
                    "{dataset_len} samples: PyTorch's shuffle is reproduced for fewer than {RANDPERM_LIMIT} only"
                ),
            ));
        }
        Ok(DistributedSampler {
            dataset_len,
            num_replicas,
            rank,
            shuffle: true,
            seed: 0,
            drop_last: false,
            epoch: 0,
        })
    }

    /// Whether to shuffle each epoch (default `true`).
    pub fn shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }

    /// The seed, identical on every rank (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Whether to drop the tail instead of padding (default `false`).
    pub fn drop_last(mut self, drop_last: bool) -> Self {
        self.drop_last = drop_last;
        self
    }

    /// Sets the epoch whose order [`indices`](Self::indices) gives, like
    /// PyTorch's `set_epoch`.
    pub fn set_epoch(&mut self, epoch: u64) {
        self.epoch = epoch;
    }

    /// The current epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The number of indices this rank gets per epoch (`len(sampler)`).
    pub fn len(&self) -> usize {
        if self.drop_last {
            self.dataset_len / self.num_replicas
        } else {
            self.dataset_len.div_ceil(self.num_replicas)
        }
    }

    /// Whether this rank gets no index at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The indices of all ranks together per epoch (`total_size`).
    pub fn total_size(&self) -> usize {
        self.len() * self.num_replicas
    }

    /// This rank's indices for the current epoch, in PyTorch's order.
    pub fn indices(&self) -> Vec<usize> {
        let mut order = if self.shuffle {
            randperm(self.dataset_len, self.seed.wrapping_add(self.epoch))
                .expect("new() refused datasets randperm cannot shuffle")
        } else {
            (0..self.dataset_len).collect()
        };
        let total = self.total_size();
        if order.len() < total {
            // Pad by repeating the order from its start (whole copies
            // first when the padding is longer than the order itself).
            let head = order.clone();
            order.extend(head.iter().cycle().take(total - head.len()));
        }
        order.truncate(total);
        order
            .into_iter()
            .skip(self.rank)
            .step_by(self.num_replicas)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_replicas_is_an_error() {
        let err = DistributedSampler::new(10, 0, 0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "DistributedSampler: invalid num_replicas: must be at least 1, got 0"
        );
    }

    #[test]
    fn too_large_a_dataset_is_an_error() {
        let err = DistributedSampler::new(RANDPERM_LIMIT, 2, 0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "DistributedSampler: invalid dataset: 214748364 samples: PyTorch's shuffle is reproduced for fewer than 214748364 only"
        );
        assert!(DistributedSampler::new(RANDPERM_LIMIT - 1, 2, 0).is_ok());
    }

    #[test]
    fn shards_cover_the_dataset_once_when_it_divides() {
        let mut all: Vec<usize> = (0..4)
            .flat_map(|r| DistributedSampler::new(20, 4, r).unwrap().indices())
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn empty_dataset_gives_empty_shards() {
        let s = DistributedSampler::new(0, 3, 2).unwrap();
        assert!(s.is_empty());
        assert_eq!(s.indices(), Vec::<usize>::new());
    }

    #[test]
    fn drop_last_with_fewer_samples_than_ranks_gives_nothing() {
        let s = DistributedSampler::new(2, 3, 0).unwrap().drop_last(true);
        assert_eq!(s.indices(), Vec::<usize>::new());
    }
}
