//! The map-style dataset abstraction (PyTorch's `torch.utils.data.Dataset`).
//!
//! A dataset is anything indexable with a known length. It returns items by
//! value so a dataset can build them on the fly (decode, normalise,
//! augment); the [`DataLoader`](super::DataLoader) stacks them into batches
//! through their [`Collate`](super::Collate) impl.

use std::sync::Arc;

use super::SampleRng;

/// A finite, indexable collection of examples.
///
/// ```
/// use nncore::data::Dataset;
///
/// /// The squares 0, 1, 4, 9, ... as a dataset.
/// struct Squares(usize);
///
/// impl Dataset for Squares {
///     type Item = u64;
///     fn len(&self) -> usize { self.0 }
///     fn get(&self, index: usize) -> u64 {
///         assert!(index < self.0, "index {index} out of range");
///         (index as u64).pow(2)
///     }
/// }
///
/// let squares = Squares(4);
/// assert_eq!(squares.get(3), 9);
/// assert!(!squares.is_empty());
/// ```
pub trait Dataset {
    /// One example, e.g. `(image, label)`.
    type Item;

    /// The number of examples.
    fn len(&self) -> usize;

    /// Example `index`.
    ///
    /// # Panics
    /// Implementations panic if `index >= self.len()`, as slice indexing does:
    /// an out-of-range index is a bug in the caller, not a data problem.
    fn get(&self, index: usize) -> Self::Item;

    /// Example `index`, drawing any randomness (random transforms) from
    /// `rng`. The [`DataLoader`](super::DataLoader) calls this with a
    /// generator given by `(seed, epoch, index)`, so an augmentation does
    /// not depend on which thread loads the example. Defaults to
    /// [`get`](Self::get): override it when items are random.
    ///
    /// # Panics
    /// As [`get`](Self::get).
    fn get_with(&self, index: usize, rng: &mut SampleRng) -> Self::Item {
        let _ = rng;
        self.get(index)
    }

    /// Whether the dataset has no examples.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Forwards every method (so a wrapper keeps the wrapped `get_with`).
macro_rules! forward_dataset {
    ($($wrapper:ty),*) => {$(
        impl<D: Dataset + ?Sized> Dataset for $wrapper {
            type Item = D::Item;
            fn len(&self) -> usize {
                (**self).len()
            }
            fn get(&self, index: usize) -> D::Item {
                (**self).get(index)
            }
            fn get_with(&self, index: usize, rng: &mut SampleRng) -> D::Item {
                (**self).get_with(index, rng)
            }
        }
    )*};
}

forward_dataset!(&D, Arc<D>);
