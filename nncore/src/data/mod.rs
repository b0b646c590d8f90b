//! Datasets and batching: PyTorch's `torch.utils.data` and torchvision's MNIST.
//!
//! - [`idx`]: the IDX file format MNIST ships in (raw or gzip).
//! - [`Dataset`]: the map-style dataset trait.
//! - [`Mnist`]: the MNIST digits, normalised as torchvision does.
//! - [`DataLoader`]: batching with seeded, per-epoch shuffling, and
//!   [`Collate`] to turn a batch of indices into one batch value.
//!
//! ```
//! use nncore::data::{DataLoader, Mnist, Split};
//!
//! let test = Mnist::shipped_subset(Split::Test)?;
//! let loader = DataLoader::new(&test, 64)?.shuffle(true).seed(42);
//! for batch in loader.iter(0) {
//!     assert_eq!(batch.images.len(), batch.len * 784);
//! }
//! # Ok::<(), nncore::Error>(())
//! ```

pub mod idx;

mod dataset;
mod loader;
mod mnist;

pub use dataset::Dataset;
pub use idx::{
    IdxImages, IdxLabels, parse_idx_images, parse_idx_labels, read_idx_images, read_idx_labels,
};
pub use loader::{Batches, Collate, DataLoader, IndexBatches};
pub use mnist::{MNIST_MEAN, MNIST_STD, Mnist, MnistBatch, Split};
