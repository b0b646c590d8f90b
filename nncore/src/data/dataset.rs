//! The map-style dataset abstraction (PyTorch's `torch.utils.data.Dataset`).
//!
//! A dataset is anything indexable with a known length. It returns items by
//! value so a dataset can build them on the fly (decode, normalise, augment);
//! datasets that can write straight into a batch buffer do so through
//! [`Collate`](super::Collate) instead, avoiding one allocation per item.

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

    /// Whether the dataset has no examples.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<D: Dataset + ?Sized> Dataset for &D {
    type Item = D::Item;
    fn len(&self) -> usize {
        (**self).len()
    }
    fn get(&self, index: usize) -> D::Item {
        (**self).get(index)
    }
}
