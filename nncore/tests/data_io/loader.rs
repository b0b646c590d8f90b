//! DataLoader: batch counts, shuffling, epochs, workers, determinism, options.

use nncore::data::transforms::{Compose, Normalize, RandomCrop, RandomRotation, ToTensor};
use nncore::data::{DataLoader, Dataset, MNIST_MEAN, MNIST_STD, Mnist, Split, TensorDataset};
use nncore::shape::{Dyn, U1};
use nncore::{Tensor, data::MnistBatch};

/// `0..n` as a dataset of class indices.
#[derive(Debug)]
struct Range(usize);

impl Dataset for Range {
    type Item = i64;
    fn len(&self) -> usize {
        self.0
    }
    fn get(&self, index: usize) -> i64 {
        assert!(index < self.0, "index {index} out of range");
        index as i64
    }
}

fn sizes(loader: &DataLoader<Range>) -> Vec<usize> {
    loader.batches(0).map(|b| b.len()).collect()
}

fn epoch(loader: &DataLoader<Range>) -> Vec<Vec<i64>> {
    loader.iter().map(|y| y.to_vec()).collect()
}

#[test]
fn batch_counts_and_partial_batch() {
    let loader = DataLoader::new(Range(10), 4).unwrap();
    assert_eq!((loader.len(), sizes(&loader)), (3, vec![4, 4, 2]));
    let loader = loader.drop_last(true);
    assert_eq!((loader.len(), sizes(&loader)), (2, vec![4, 4]));
    assert_eq!(epoch(&loader), [vec![0, 1, 2, 3], vec![4, 5, 6, 7]]);
    let exact = DataLoader::new(Range(8), 4).unwrap().drop_last(true);
    assert_eq!((exact.len(), sizes(&exact)), (2, vec![4, 4]));
    let big = DataLoader::new(Range(3), 64).unwrap();
    assert_eq!((big.len(), sizes(&big)), (1, vec![3]));
    let empty = big.drop_last(true);
    assert!(empty.is_empty());
    assert_eq!(empty.iter().count(), 0);
    let err = DataLoader::new(Range(0), 4).unwrap_err();
    assert_eq!(
        err.to_string(),
        "DataLoader: invalid dataset: it holds no examples"
    );
}

#[test]
fn no_shuffle_is_in_order() {
    let loader = DataLoader::new(Range(5), 2).unwrap();
    loader.set_epoch(7);
    assert_eq!(epoch(&loader), [vec![0, 1], vec![2, 3], vec![4]]);
    assert_eq!(loader.iter().len(), 3);
    assert_eq!(loader.epoch(), 9);
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
    // The typed batches follow the same order, a new one per iter, and
    // set_epoch replays an epoch.
    let first: Vec<i64> = epoch(&loader).concat();
    assert_eq!(first, epoch0.iter().map(|&i| i as i64).collect::<Vec<_>>());
    let second: Vec<i64> = epoch(&loader).concat();
    assert_eq!(
        second,
        loader
            .order(1)
            .iter()
            .map(|&i| i as i64)
            .collect::<Vec<_>>()
    );
    loader.set_epoch(0);
    assert_eq!(epoch(&loader).concat(), first);
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
    let err = DataLoader::new(Range(3), 1)
        .unwrap()
        .prefetch_factor(0)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "DataLoader: invalid prefetch_factor: must be at least 1, got 0"
    );
}

/// Augmented MNIST batches of two epochs, with `workers` loading threads.
fn augmented_epochs(workers: usize) -> Vec<MnistBatch> {
    let augment = Compose((
        RandomRotation::new(15.0).unwrap(),
        RandomCrop::new(28).unwrap().padding(2),
        ToTensor,
        Normalize::new(&[MNIST_MEAN], &[MNIST_STD]).unwrap(),
    ));
    let train = Mnist::shipped_subset(Split::Test)
        .unwrap()
        .transform(augment)
        .unwrap();
    let loader = DataLoader::new(train, 96)
        .unwrap()
        .shuffle(true)
        .seed(5)
        .num_workers(workers)
        .prefetch_factor(1)
        .unwrap();
    loader.iter().chain(loader.iter()).collect()
}

/// The rule: with workers, the same batches in the same order as
/// without, for the same seed, random transforms included.
#[test]
fn workers_give_the_batches_of_no_workers() {
    let inline = augmented_epochs(0);
    assert_eq!(inline.len(), 2 * 11);
    for workers in [1, 3, 16] {
        let threaded = augmented_epochs(workers);
        assert_eq!(threaded.len(), inline.len());
        for ((x, y), (tx, ty)) in inline.iter().zip(&threaded) {
            assert_eq!(x.to_vec(), tx.to_vec(), "{workers} workers");
            assert_eq!(y.to_vec(), ty.to_vec(), "{workers} workers");
        }
    }
    // The augmentation is random: the same examples in the same order as
    // without it, but other pixels.
    let plain = DataLoader::new(Mnist::shipped_subset(Split::Test).unwrap(), 96)
        .unwrap()
        .shuffle(true)
        .seed(5);
    let (px, py) = plain.iter().next().unwrap();
    assert_eq!(py.to_vec(), inline[0].1.to_vec());
    assert_ne!(px.to_vec(), inline[0].0.to_vec());
}

/// Dropping the iterator in the middle of an epoch stops the workers
/// (the test would hang otherwise), and the next epoch runs normally.
#[test]
fn dropping_the_iterator_stops_the_workers() {
    let loader = DataLoader::new(Range(10_000), 10).unwrap().num_workers(4);
    let first: Vec<Vec<i64>> = loader.iter().take(2).map(|y| y.to_vec()).collect();
    assert_eq!(first[1], (10..20).collect::<Vec<_>>());
    assert_eq!(loader.iter().count(), 1000);
}

/// A panic in a worker (here an out-of-range index in a dataset's `get`)
/// reaches the training loop, as it would without workers.
#[test]
fn a_worker_panic_reaches_the_caller() {
    #[derive(Debug)]
    struct Broken;
    impl Dataset for Broken {
        type Item = i64;
        fn len(&self) -> usize {
            4
        }
        fn get(&self, index: usize) -> i64 {
            assert!(index < 2, "Broken: example {index} is missing");
            0
        }
    }
    let loader = DataLoader::new(Broken, 2).unwrap().num_workers(2);
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| loader.iter().count()));
    let message = caught.unwrap_err();
    let text = message
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert_eq!(text, "Broken: example 2 is missing");
}

#[test]
fn tensor_dataset_batches() {
    let x = Tensor::<(Dyn, U1)>::from_vec((0..7).map(|i| i as f32).collect(), (Dyn(7), U1::new()))
        .unwrap();
    let y = Tensor::<(Dyn,), i64>::from_vec((0..7).map(|i| 10 * i).collect(), (Dyn(7),)).unwrap();
    let data = TensorDataset::new(x, y).unwrap();
    assert_eq!(data.len(), 7);
    let loader = DataLoader::new(data, 3)
        .unwrap()
        .shuffle(true)
        .seed(9)
        .num_workers(2);
    let order = loader.order(0);
    let mut seen = Vec::new();
    for (x, y) in &loader {
        let x: Tensor<(Dyn, U1)> = x;
        for (xi, yi) in x.to_vec().iter().zip(y.to_vec()) {
            assert_eq!(*xi as i64 * 10, yi);
            seen.push(*xi as usize);
        }
    }
    assert_eq!(seen, order);
}
