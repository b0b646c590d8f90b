//! Per-example transforms, like torchvision's `transforms`: [`Compose`],
//! [`ToTensor`], [`Normalize`], [`Pad`], [`RandomCrop`],
//! [`RandomHorizontalFlip`], [`RandomRotation`].
//!
//! An image is an [`Image<u8>`] (what a file holds, torchvision's PIL
//! image) or an [`Image<f32>`] (torchvision's tensor image), channels
//! first. The types say which transform takes which: [`ToTensor`] turns
//! bytes into floats, [`Normalize`] takes floats only, the geometric ones
//! take either; a `Compose` in the wrong order does not compile.
//!
//! Random transforms draw from the [`SampleRng`] the loader gives each
//! example, a pure function of `(seed, epoch, index)`: the same seed gives
//! the same augmentations whatever the number of loading threads. A
//! transform's sizes are checked once, when it is given to a dataset
//! ([`Transform::output_size`]), with an error in words, so applying it
//! cannot fail.
//!
//! ```
//! use nncore::data::transforms::{Compose, Normalize, RandomCrop, ToTensor};
//! use nncore::data::{DataLoader, MNIST_MEAN, MNIST_STD, Mnist, Split};
//!
//! let augment = Compose((
//!     RandomCrop::new(28)?.padding(2),
//!     ToTensor,
//!     Normalize::new(&[MNIST_MEAN], &[MNIST_STD])?,
//! ));
//! let train = Mnist::shipped_subset(Split::Train)?.transform(augment)?;
//! let loader = DataLoader::new(train, 64)?.shuffle(true).seed(1).num_workers(2);
//! let (x, _y) = loader.iter().next().unwrap();
//! assert_eq!(x.dims().as_slice(), &[64, 1, 28, 28]);
//! # Ok::<(), nncore::Error>(())
//! ```

mod compose;
mod geometry;
mod image;
mod rotation;
mod tensor;

pub use compose::Compose;
pub use geometry::{Pad, RandomCrop, RandomHorizontalFlip};
pub use image::{Image, ImageSize, Pixel};
pub use rotation::RandomRotation;
pub use tensor::{Normalize, ToTensor};

use super::SampleRng;
use crate::Result;

/// One step of a per-example pipeline from `In` to [`Output`](Self::Output),
/// like a torchvision transform.
///
/// ```
/// use nncore::data::SampleRng;
/// use nncore::data::transforms::{Image, ImageSize, Transform};
///
/// /// Inverts a byte image (a transform of one's own).
/// struct Invert;
/// impl Transform<Image<u8>> for Invert {
///     type Output = Image<u8>;
///     fn output_size(&self, input: ImageSize) -> nncore::Result<ImageSize> {
///         Ok(input)
///     }
///     fn apply(&self, mut image: Image<u8>, _rng: &mut SampleRng) -> Image<u8> {
///         image.data.iter_mut().for_each(|p| *p = 255 - *p);
///         image
///     }
/// }
///
/// let image = Image::new(1, 1, 2, vec![0u8, 200])?;
/// let out = Invert.apply(image, &mut SampleRng::for_sample(0, 0, 0));
/// assert_eq!(out.data, [255, 55]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub trait Transform<In>: Send + Sync {
    /// What the transform makes.
    type Output;

    /// The size of the output for an input of size `input`, or an error in
    /// words when the transform cannot take it (a crop larger than the
    /// image, a mean per channel for another number of channels).
    fn output_size(&self, input: ImageSize) -> Result<ImageSize>;

    /// Transforms `input`, drawing any randomness from `rng`.
    ///
    /// # Panics
    /// May panic if `input`'s size is one [`output_size`](Self::output_size)
    /// refuses: datasets check it once, when they are given the transform.
    fn apply(&self, input: In, rng: &mut SampleRng) -> Self::Output;
}
