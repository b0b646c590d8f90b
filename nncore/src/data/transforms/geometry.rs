//! Padding, cropping and flipping, torchvision's `Pad`, `RandomCrop` and
//! `RandomHorizontalFlip`, on byte or float images alike.

use super::{Image, ImageSize, Pixel, SampleRng, Transform};
use crate::{Error, Result};

/// `padding` zeros on every side, torchvision's `Pad(padding)` (constant
/// fill 0).
///
/// ```
/// use nncore::data::SampleRng;
/// use nncore::data::transforms::{Image, Pad, Transform};
/// let out = Pad::new(1).apply(Image::new(1, 1, 1, vec![9u8])?, &mut SampleRng::for_sample(0, 0, 0));
/// assert_eq!(out.data, [0, 0, 0, 0, 9, 0, 0, 0, 0]);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pad {
    padding: usize,
}

impl Pad {
    /// `padding` pixels of zeros on each of the four sides.
    pub fn new(padding: usize) -> Self {
        Pad { padding }
    }

    fn padded(&self, size: ImageSize) -> ImageSize {
        let p = 2 * self.padding;
        ImageSize::new(size.channels, size.height + p, size.width + p)
    }
}

impl<P: Pixel> Transform<Image<P>> for Pad {
    type Output = Image<P>;

    fn output_size(&self, input: ImageSize) -> Result<ImageSize> {
        Ok(self.padded(input))
    }

    fn apply(&self, input: Image<P>, _rng: &mut SampleRng) -> Image<P> {
        if self.padding == 0 {
            return input;
        }
        let p = self.padding;
        let (h, w) = (input.height, input.width);
        Image::from_fn(self.padded(input.size()), |c, y, x| {
            if (p..p + h).contains(&y) && (p..p + w).contains(&x) {
                input.at(c, y - p, x - p)
            } else {
                P::default()
            }
        })
    }
}

/// A `size x size` window at a random place, after padding by `padding`
/// zeros on every side: torchvision's `RandomCrop(size, padding)`, the
/// usual MNIST and CIFAR augmentation. Every position (top row `0..=H-size`,
/// left column `0..=W-size` of the padded image) is equally likely.
///
/// ```
/// use nncore::data::SampleRng;
/// use nncore::data::transforms::{Image, ImageSize, RandomCrop, Transform};
/// let crop = RandomCrop::new(2)?.padding(1);
/// assert_eq!(crop.output_size(ImageSize::new(1, 3, 3))?, ImageSize::new(1, 2, 2));
/// let image = Image::new(1, 3, 3, (1..=9).collect::<Vec<u8>>())?;
/// let out = crop.apply(image, &mut SampleRng::for_sample(0, 0, 0));
/// assert_eq!(out.size(), ImageSize::new(1, 2, 2));
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomCrop {
    size: usize,
    pad: Pad,
}

impl RandomCrop {
    /// Crops of `size x size`, without padding (see
    /// [`padding`](Self::padding)).
    ///
    /// Fails with [`Error::InvalidOption`] for size 0.
    ///
    /// ```
    /// use nncore::data::transforms::RandomCrop;
    /// let err = RandomCrop::new(0).unwrap_err();
    /// assert_eq!(err.to_string(), "RandomCrop: invalid size: must be at least 1, got 0");
    /// ```
    pub fn new(size: usize) -> Result<Self> {
        if size == 0 {
            return Err(Error::option(
                "RandomCrop",
                "size",
                "must be at least 1, got 0",
            ));
        }
        Ok(RandomCrop {
            size,
            pad: Pad::new(0),
        })
    }

    /// Pads the image with `padding` zeros on every side before cropping.
    pub fn padding(mut self, padding: usize) -> Self {
        self.pad = Pad::new(padding);
        self
    }

    /// The size of the crops of an `input`-sized image, or an error when the
    /// crop does not fit in the padded image (as torchvision's "Required
    /// crop size is larger than input image size").
    ///
    /// ```
    /// use nncore::data::transforms::{ImageSize, RandomCrop};
    /// let crop = RandomCrop::new(32)?.padding(1);
    /// let err = crop.output_size(ImageSize::new(1, 28, 28)).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "RandomCrop: invalid size: the crop is 32x32, larger than the padded image (28x28 plus 1 on each side: 30x30)"
    /// );
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn output_size(&self, input: ImageSize) -> Result<ImageSize> {
        let padded = self.pad.padded(input);
        if self.size > padded.height || self.size > padded.width {
            return Err(Error::option(
                "RandomCrop",
                "size",
                format!(
                    "the crop is {s}x{s}, larger than the padded image ({}x{} plus {} on each side: {}x{})",
                    input.height,
                    input.width,
                    self.pad.padding,
                    padded.height,
                    padded.width,
                    s = self.size
                ),
            ));
        }
        Ok(ImageSize::new(input.channels, self.size, self.size))
    }
}

impl<P: Pixel> Transform<Image<P>> for RandomCrop {
    type Output = Image<P>;

    fn output_size(&self, input: ImageSize) -> Result<ImageSize> {
        RandomCrop::output_size(self, input)
    }

    fn apply(&self, input: Image<P>, rng: &mut SampleRng) -> Image<P> {
        let padded = self.pad.apply(input, rng);
        let top = rng.below(padded.height - self.size + 1);
        let left = rng.below(padded.width - self.size + 1);
        let size = ImageSize::new(padded.channels, self.size, self.size);
        Image::from_fn(size, |c, y, x| padded.at(c, top + y, left + x))
    }
}

/// A mirror image (left to right) with probability `p`, torchvision's
/// `RandomHorizontalFlip(p)` (default 0.5).
///
/// ```
/// use nncore::data::SampleRng;
/// use nncore::data::transforms::{Image, RandomHorizontalFlip, Transform};
/// let always = RandomHorizontalFlip::new(1.0)?;
/// let out = always.apply(Image::new(1, 1, 3, vec![1u8, 2, 3])?, &mut SampleRng::for_sample(0, 0, 0));
/// assert_eq!(out.data, [3, 2, 1]);
/// let err = RandomHorizontalFlip::new(1.5).unwrap_err();
/// assert_eq!(err.to_string(), "RandomHorizontalFlip: invalid p: must be a probability in [0, 1], got 1.5");
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RandomHorizontalFlip {
    p: f64,
}

impl RandomHorizontalFlip {
    /// Flips with probability `p`; fails with [`Error::InvalidOption`]
    /// outside `[0, 1]`.
    pub fn new(p: f64) -> Result<Self> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::option(
                "RandomHorizontalFlip",
                "p",
                format!("must be a probability in [0, 1], got {p}"),
            ));
        }
        Ok(RandomHorizontalFlip { p })
    }
}

impl Default for RandomHorizontalFlip {
    /// torchvision's default, `p = 0.5`.
    fn default() -> Self {
        RandomHorizontalFlip { p: 0.5 }
    }
}

impl<P: Pixel> Transform<Image<P>> for RandomHorizontalFlip {
    type Output = Image<P>;

    fn output_size(&self, input: ImageSize) -> Result<ImageSize> {
        Ok(input)
    }

    fn apply(&self, mut input: Image<P>, rng: &mut SampleRng) -> Image<P> {
        // torchvision flips when `torch.rand(1) < p`.
        if rng.unit() < self.p && input.width > 0 {
            for row in input.data.chunks_exact_mut(input.width) {
                row.reverse();
            }
        }
        input
    }
}
