//! The MNIST handwritten digits, as torchvision's `datasets.MNIST`: by
//! default with `transforms.Compose([ToTensor(), Normalize((0.1307,),
//! (0.3081,))])`, or with any [`Transform`] from bytes to floats.
//!
//! The pixels stay as bytes in memory (47 MB for the full training set, four
//! times less than as `f32`, shared by clones) and are transformed per
//! example when a batch is loaded. The default transform is a 256-entry
//! table computed at compile time with the same float32 arithmetic as
//! torchvision, so values match PyTorch bit for bit.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::idx::{read_idx_images, read_idx_labels};
use super::transforms::{Image, ImageSize, Transform};
use super::{Dataset, SampleRng};
use crate::shape::{Dyn, U1, U28};
use crate::{Error, Result, Tensor};

/// Mean of MNIST training pixels after scaling to `[0, 1]` (torchvision's constant).
pub const MNIST_MEAN: f32 = 0.1307;
/// Standard deviation of MNIST training pixels after scaling to `[0, 1]`.
pub const MNIST_STD: f32 = 0.3081;

/// `NORMALIZED[p]` = `(p / 255 - MNIST_MEAN) / MNIST_STD`, in float32 as torchvision.
const NORMALIZED: [f32; 256] = {
    let mut table = [0.0f32; 256];
    let mut p = 0;
    while p < 256 {
        table[p] = (p as f32 / 255.0 - MNIST_MEAN) / MNIST_STD;
        p += 1;
    }
    table
};

/// Which half of MNIST to load.
///
/// ```
/// use nncore::data::Split;
/// assert_eq!(Split::Test.to_string(), "test");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Split {
    /// The 60,000 training examples (`train-*` files).
    Train,
    /// The 10,000 test examples (`t10k-*` files).
    Test,
}

impl Split {
    /// The prefix of the standard file names: `train` or `t10k`.
    fn file_prefix(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Test => "t10k",
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Split::Train => "train",
            Split::Test => "test",
        })
    }
}

/// The transform of a [`Mnist`] dataset: from the 1x28x28 bytes of a digit
/// to the 1x28x28 floats of its sample.
pub type MnistTransform = dyn Transform<Image<u8>, Output = Image<f32>>;

/// The MNIST dataset: 28x28 greyscale digits with labels 0 to 9.
///
/// An example is `(Tensor<(U1, U28, U28)>, i64)`: the image, transformed
/// as torchvision's usual MNIST transform unless [`Mnist::transform`] says
/// otherwise, and its class. The [`DataLoader`](super::DataLoader) stacks
/// them into [`MnistBatch`]es. Clones share the pixels.
///
/// ```
/// use nncore::data::{Dataset, Mnist, Split};
/// use nncore::{Tensor, shape::*};
///
/// let train = Mnist::shipped_subset(Split::Train)?; // 6,000 examples in the repo
/// assert_eq!(train.label(0), 5);
/// let (image, label): (Tensor<(U1, U28, U28)>, i64) = train.get(1);
/// assert_eq!((image.to_vec().len(), label), (784, 0));
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone)]
pub struct Mnist {
    split: Split,
    /// `len * 784` raw pixels.
    pixels: Arc<[u8]>,
    labels: Arc<[u8]>,
    /// `None`: torchvision's usual normalisation, by table.
    transform: Option<Arc<MnistTransform>>,
}

impl fmt::Debug for Mnist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mnist")
            .field("split", &self.split)
            .field("len", &self.len())
            .field(
                "transform",
                &if self.transform.is_some() {
                    "custom"
                } else {
                    "ToTensor, Normalize((0.1307,), (0.3081,))"
                },
            )
            .finish()
    }
}

impl Mnist {
    /// Image height.
    pub const ROWS: usize = 28;
    /// Image width.
    pub const COLS: usize = 28;
    /// Pixels per image: 784.
    pub const PIXELS: usize = Self::ROWS * Self::COLS;
    /// Number of classes (digits 0 to 9).
    pub const CLASSES: usize = 10;

    /// Loads a split from `dir`, which holds the standard MNIST files
    /// (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-...`),
    /// each either gzipped (`.gz`, tried first) or raw.
    ///
    /// Fails with [`Error::Io`] (kind `NotFound`) if a file is missing and
    /// [`Error::BadFile`] if a file is malformed, is not 28x28, holds a label
    /// above 9, or if the image and label counts differ (naming both files).
    ///
    /// ```no_run
    /// use nncore::data::{Mnist, Split};
    /// let train = Mnist::load("data/mnist", Split::Train)?;
    /// assert_eq!(train.len(), 60_000);
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn load(dir: impl AsRef<Path>, split: Split) -> Result<Self> {
        let dir = dir.as_ref();
        let prefix = split.file_prefix();
        let images_path = find_file(dir, &format!("{prefix}-images-idx3-ubyte"), split, "images")?;
        let labels_path = find_file(dir, &format!("{prefix}-labels-idx1-ubyte"), split, "labels")?;
        let images = read_idx_images(&images_path)?;
        let labels = read_idx_labels(&labels_path)?.labels;
        if (images.rows, images.cols) != (Self::ROWS, Self::COLS) {
            return Err(Error::bad_file(
                &images_path,
                format!(
                    "MNIST images are 28x28, this file holds {}x{} images",
                    images.rows, images.cols
                ),
            ));
        }
        if images.count != labels.len() {
            return Err(Error::bad_file(
                &images_path,
                format!(
                    "holds {} images, but the label file {} holds {} labels; they must match one to one",
                    images.count,
                    labels_path.display(),
                    labels.len()
                ),
            ));
        }
        if let Some((index, &label)) = labels
            .iter()
            .enumerate()
            .find(|&(_, &l)| usize::from(l) >= Self::CLASSES)
        {
            return Err(Error::bad_file(
                &labels_path,
                format!("label {label} at index {index} is not a digit 0 to 9"),
            ));
        }
        Ok(Mnist {
            split,
            pixels: images.pixels.into(),
            labels: labels.into(),
            transform: None,
        })
    }

    /// This dataset with `transform` applied to each image (torchvision's
    /// `MNIST(root, transform=...)`), in place of the default
    /// `Compose([ToTensor(), Normalize((0.1307,), (0.3081,))])`.
    /// Random transforms draw from the loader's `(seed, epoch, index)`
    /// stream, in its worker threads.
    ///
    /// Fails with [`Error::InvalidOption`] when the transform refuses a
    /// 1x28x28 image or does not give one back (the samples are
    /// `Tensor<(U1, U28, U28)>`).
    ///
    /// ```
    /// use nncore::data::transforms::{Compose, Normalize, RandomCrop, RandomRotation, ToTensor};
    /// use nncore::data::{Mnist, Split};
    ///
    /// let augment = Compose((
    ///     RandomRotation::new(10.0)?,
    ///     RandomCrop::new(28)?.padding(2),
    ///     ToTensor,
    ///     Normalize::new(&[0.1307], &[0.3081])?,
    /// ));
    /// let train = Mnist::shipped_subset(Split::Train)?.transform(augment)?;
    ///
    /// let err = Mnist::shipped_subset(Split::Test)?
    ///     .transform(Compose((RandomCrop::new(24)?, ToTensor)))
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "Mnist: invalid transform: it makes 1x24x24 images from MNIST's 1x28x28; the samples are Tensor<(U1, U28, U28)>"
    /// );
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn transform<T>(mut self, transform: T) -> Result<Self>
    where
        T: Transform<Image<u8>, Output = Image<f32>> + 'static,
    {
        let size = ImageSize::new(1, Self::ROWS, Self::COLS);
        let out = transform.output_size(size)?;
        if out != size {
            return Err(Error::option(
                "Mnist",
                "transform",
                format!(
                    "it makes {out} images from MNIST's {size}; the samples are Tensor<(U1, U28, U28)>"
                ),
            ));
        }
        self.transform = Some(Arc::new(transform));
        Ok(self)
    }

    /// Loads the subset shipped in the Kiln repository under
    /// `data/mnist-small/`: the first 6,000 training and first 1,000 test
    /// examples of MNIST. Meant for examples, tests and quick experiments
    /// that must run without a download.
    ///
    /// ```
    /// use nncore::data::{Mnist, Split};
    /// assert_eq!(Mnist::shipped_subset(Split::Test)?.len(), 1_000);
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn shipped_subset(split: Split) -> Result<Self> {
        Self::load(Self::shipped_subset_dir(), split)
    }

    /// The directory [`Mnist::shipped_subset`] reads from.
    ///
    /// It is resolved at compile time from nncore's source location, so it
    /// exists when nncore is built from the Kiln workspace.
    ///
    /// ```
    /// assert!(nncore::data::Mnist::shipped_subset_dir().ends_with("mnist-small"));
    /// ```
    pub fn shipped_subset_dir() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/mnist-small"))
    }

    /// The number of examples (also available as [`Dataset::len`]).
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The split this dataset was loaded from.
    pub fn split(&self) -> Split {
        self.split
    }

    /// The label (0 to 9) of example `index`.
    ///
    /// # Panics
    /// If `index >= self.len()`.
    pub fn label(&self, index: usize) -> u8 {
        self.labels[index]
    }

    /// All labels, in dataset order.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// The 784 raw pixels (0 to 255, row-major) of example `index`.
    ///
    /// # Panics
    /// If `index >= self.len()`.
    pub fn raw_image(&self, index: usize) -> &[u8] {
        assert!(
            index < self.len(),
            "MNIST index {index} out of range for {} examples",
            self.len()
        );
        &self.pixels[index * Self::PIXELS..(index + 1) * Self::PIXELS]
    }

    /// Writes the normalised image `index` into `out` (784 values, row-major):
    /// `(pixel / 255 - MNIST_MEAN) / MNIST_STD`, as torchvision, whatever
    /// [`transform`](Self::transform) the dataset has.
    ///
    /// ```
    /// use nncore::data::{Mnist, Split};
    /// let test = Mnist::shipped_subset(Split::Test)?;
    /// let mut batch = vec![0.0f32; 2 * Mnist::PIXELS];
    /// for (row, out) in batch.chunks_exact_mut(Mnist::PIXELS).enumerate() {
    ///     test.write_image(row, out);
    /// }
    /// assert_eq!(batch[0], (0.0 - 0.1307) / 0.3081); // a background pixel
    /// # Ok::<(), nncore::Error>(())
    /// ```
    ///
    /// # Panics
    /// If `index >= self.len()` or `out.len() != 784`.
    pub fn write_image(&self, index: usize, out: &mut [f32]) {
        assert_eq!(
            out.len(),
            Self::PIXELS,
            "Mnist::write_image: `out` must hold 784 values"
        );
        for (o, &p) in out.iter_mut().zip(self.raw_image(index)) {
            *o = NORMALIZED[usize::from(p)];
        }
    }
}

/// Finds `dir/stem.gz` or `dir/stem`, in that order.
fn find_file(dir: &Path, stem: &str, split: Split, what: &str) -> Result<PathBuf> {
    let gz = dir.join(format!("{stem}.gz"));
    let raw = dir.join(stem);
    for candidate in [&gz, &raw] {
        if candidate.is_file() {
            return Ok(candidate.clone());
        }
    }
    Err(Error::io(
        dir,
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no MNIST {split} {what} here: neither {stem}.gz nor {stem} exists"),
        ),
    ))
}

impl Dataset for Mnist {
    /// The transformed image and the class.
    type Item = (Tensor<(U1, U28, U28)>, i64);

    fn len(&self) -> usize {
        Mnist::len(self)
    }

    /// Example `index`, with a random transform drawing from the stream of
    /// `(seed 0, epoch 0, index)`.
    fn get(&self, index: usize) -> Self::Item {
        self.get_with(index, &mut SampleRng::for_sample(0, 0, index))
    }

    fn get_with(&self, index: usize, rng: &mut SampleRng) -> Self::Item {
        let pixels = match &self.transform {
            None => {
                let mut image = vec![0.0; Self::PIXELS];
                self.write_image(index, &mut image);
                image
            }
            Some(transform) => {
                let size = ImageSize::new(1, Self::ROWS, Self::COLS);
                let image = Image::new(1, Self::ROWS, Self::COLS, self.raw_image(index).to_vec())
                    .expect("an MNIST image holds 784 pixels");
                let out = transform.apply(image, rng);
                debug_assert_eq!(out.size(), size, "checked by Mnist::transform");
                out.data
            }
        };
        let image = Tensor::from_vec(pixels, (U1::default(), U28::default(), U28::default()))
            .expect("Mnist::transform checked that the transform keeps 1x28x28");
        (image, i64::from(self.label(index)))
    }
}

/// A batch of MNIST examples as the [`DataLoader`](super::DataLoader)
/// yields it: PyTorch's `[batch, 1, 28, 28]` float32 images and `[batch]`
/// int64 targets.
///
/// ```
/// use nncore::data::{DataLoader, Mnist, MnistBatch, Split};
/// let loader = DataLoader::new(Mnist::shipped_subset(Split::Test)?, 3)?;
/// let (images, labels): MnistBatch = loader.iter().next().unwrap();
/// assert_eq!(images.dims().as_slice(), &[3, 1, 28, 28]);
/// assert_eq!(labels.to_vec(), [7, 2, 1]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub type MnistBatch = (Tensor<(Dyn, U1, U28, U28)>, Tensor<(Dyn,), i64>);
