//! Datasets, transforms and batching: PyTorch's `torch.utils.data`, and
//! torchvision's MNIST and `transforms`.
//!
//! - [`idx`]: the IDX file format MNIST ships in (raw or gzip).
//! - [`Dataset`]: the map-style dataset trait; [`TensorDataset`] over
//!   in-memory tensors; [`Mnist`].
//! - [`transforms`]: per-example transforms ([`Compose`](transforms::Compose),
//!   [`ToTensor`](transforms::ToTensor), [`Normalize`](transforms::Normalize),
//!   random crops, flips and rotations), seeded per example.
//! - [`DataLoader`]: typed batches (tensors of the examples' static shape
//!   with the batch as the runtime first dimension, via [`Collate`]),
//!   seeded per-epoch shuffling, `drop_last`, `set_epoch`, background
//!   loading threads.
//!
//! ```
//! use nncore::data::{DataLoader, Mnist, Split};
//! use nncore::{Tensor, shape::*};
//!
//! let test = Mnist::shipped_subset(Split::Test)?;
//! let loader = DataLoader::new(test, 64)?.shuffle(true).seed(42);
//! for (x, y) in loader.iter() {
//!     let x: Tensor<(Dyn, U1, U28, U28)> = x;
//!     let y: Tensor<(Dyn,), i64> = y;
//!     assert_eq!(x.dims().as_slice()[0], y.dims().as_slice()[0]);
//! }
//! # Ok::<(), nncore::Error>(())
//! ```

pub mod idx;
pub mod transforms;

mod collate;
mod dataset;
mod loader;
mod mnist;
mod rng;
mod tensor_dataset;
mod workers;

pub use collate::Collate;
pub use dataset::Dataset;
pub use idx::{
    IdxImages, IdxLabels, parse_idx_images, parse_idx_labels, read_idx_images, read_idx_labels,
};
pub use loader::{BatchOf, Batches, DataLoader, IndexBatches};
pub use mnist::{MNIST_MEAN, MNIST_STD, Mnist, MnistBatch, MnistTransform, Split};
pub use rng::SampleRng;
pub use tensor_dataset::{Rows, TensorDataset};
