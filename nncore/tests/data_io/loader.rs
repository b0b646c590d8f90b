//! DataLoader: batch counts, shuffling, determinism, options.

use nncore::data::{Collate, DataLoader, Dataset};

/// `0..n` as a dataset; batches are the indices themselves.
#[derive(Debug)]
struct Range(usize);

impl Dataset for Range {
    type Item = usize;
    fn len(&self) -> usize {
        self.0
    }
    fn get(&self, index: usize) -> usize {
        assert!(index < self.0);
        index
    }
}

impl Collate for Range {
    type Batch = Vec<usize>;
    fn collate(&self, indices: &[usize]) -> Vec<usize> {
        indices.iter().map(|&i| self.get(i)).collect()
    }
}

fn sizes(loader: &DataLoader<Range>) -> Vec<usize> {
    loader.batches(0).map(|b| b.len()).collect()
}

#[test]
fn batch_counts_and_partial_batch() {
    let loader = DataLoader::new(Range(10), 4).unwrap();
    assert_eq!((loader.len(), sizes(&loader)), (3, vec![4, 4, 2]));
    let loader = loader.drop_last(true);
    assert_eq!((loader.len(), sizes(&loader)), (2, vec![4, 4]));
    let exact = DataLoader::new(Range(8), 4).unwrap().drop_last(true);
    assert_eq!((exact.len(), sizes(&exact)), (2, vec![4, 4]));
    let big = DataLoader::new(Range(3), 64).unwrap();
    assert_eq!((big.len(), sizes(&big)), (1, vec![3]));
    assert!(big.drop_last(true).is_empty());
    let err = DataLoader::new(Range(0), 4).unwrap_err();
    assert_eq!(
        err.to_string(),
        "DataLoader: invalid dataset: it holds no examples"
    );
}

#[test]
fn no_shuffle_is_in_order() {
    let loader = DataLoader::new(Range(5), 2).unwrap();
    let batches: Vec<Vec<usize>> = loader.iter(7).collect();
    assert_eq!(batches, [vec![0, 1], vec![2, 3], vec![4]]);
    assert_eq!(loader.iter(0).len(), 3);
}

#[test]
fn shuffle_is_a_deterministic_permutation_per_epoch() {
    let loader = DataLoader::new(Range(1000), 64)
        .unwrap()
        .shuffle(true)
        .seed(42);
    let epoch0: Vec<usize> = loader.batches(0).flatten().collect();
    let mut sorted = epoch0.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
    assert_ne!(epoch0, sorted);
    // Same (seed, epoch): same order, also from a fresh loader.
    let again = DataLoader::new(Range(1000), 64)
        .unwrap()
        .shuffle(true)
        .seed(42);
    assert_eq!(again.order(0), epoch0);
    // Another epoch or seed: another order.
    assert_ne!(loader.order(1), epoch0);
    assert_ne!(again.seed(43).order(0), epoch0);
    // Collated batches follow the same order.
    let collated: Vec<usize> = loader.iter(0).flatten().collect();
    assert_eq!(collated, epoch0);
}

#[test]
fn zero_batch_size_is_rejected() {
    let err = DataLoader::new(Range(3), 0).unwrap_err();
    assert!(matches!(
        err,
        nncore::Error::InvalidOption {
            option: "batch_size",
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "DataLoader: invalid batch_size: must be at least 1, got 0"
    );
}
