//! The image a transform works on: channels first, as a tensor image.

use std::fmt;

use crate::{Error, Result};

/// What an [`Image`] holds: bytes (`u8`, a decoded file) or floats (`f32`,
/// after [`ToTensor`](super::ToTensor)). Zero (`Default`) is the fill of
/// padding and of areas a rotation uncovers, as in torchvision.
pub trait Pixel: Copy + Default + Send + Sync + 'static {}

impl Pixel for u8 {}
impl Pixel for f32 {}

/// The size of an image: channels, height, width.
///
/// ```
/// use nncore::data::transforms::ImageSize;
/// assert_eq!(ImageSize::new(1, 28, 28).to_string(), "1x28x28");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageSize {
    /// Channels (1 for greyscale, 3 for RGB).
    pub channels: usize,
    /// Rows.
    pub height: usize,
    /// Columns.
    pub width: usize,
}

impl ImageSize {
    /// The size `channels x height x width`.
    pub fn new(channels: usize, height: usize, width: usize) -> Self {
        ImageSize {
            channels,
            height,
            width,
        }
    }

    /// The number of values (`channels * height * width`).
    pub fn numel(&self) -> usize {
        self.channels * self.height * self.width
    }
}

impl fmt::Display for ImageSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}x{}", self.channels, self.height, self.width)
    }
}

/// An image as `channels x height x width` values, channel after channel,
/// each row-major (a tensor image's layout).
///
/// ```
/// use nncore::data::transforms::Image;
/// let image = Image::new(1, 2, 3, vec![0u8; 6])?;
/// assert_eq!(image.size().to_string(), "1x2x3");
/// let err = Image::new(1, 2, 3, vec![0u8; 5]).unwrap_err();
/// assert_eq!(err.to_string(), "Image: invalid data: a 1x2x3 image holds 6 values, got 5");
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Image<P> {
    /// Channels.
    pub channels: usize,
    /// Rows.
    pub height: usize,
    /// Columns.
    pub width: usize,
    /// `channels * height * width` values.
    pub data: Vec<P>,
}

impl<P: Pixel> Image<P> {
    /// The image of `data`, which must hold `channels * height * width` values.
    pub fn new(channels: usize, height: usize, width: usize, data: Vec<P>) -> Result<Self> {
        let size = ImageSize::new(channels, height, width);
        if data.len() != size.numel() {
            return Err(Error::option(
                "Image",
                "data",
                format!(
                    "a {size} image holds {} values, got {}",
                    size.numel(),
                    data.len()
                ),
            ));
        }
        Ok(Self::of_size(size, data))
    }

    /// The image of `data`, whose length the caller checked.
    pub(crate) fn of_size(size: ImageSize, data: Vec<P>) -> Self {
        debug_assert_eq!(data.len(), size.numel());
        Image {
            channels: size.channels,
            height: size.height,
            width: size.width,
            data,
        }
    }

    /// Its size.
    pub fn size(&self) -> ImageSize {
        ImageSize::new(self.channels, self.height, self.width)
    }

    /// The value at channel `c`, row `y`, column `x`.
    pub(super) fn at(&self, c: usize, y: usize, x: usize) -> P {
        self.data[(c * self.height + y) * self.width + x]
    }

    /// The `size` image whose value at `(c, y, x)` is `f(c, y, x)`.
    pub(super) fn from_fn(size: ImageSize, mut f: impl FnMut(usize, usize, usize) -> P) -> Self {
        let mut data = Vec::with_capacity(size.numel());
        for c in 0..size.channels {
            for y in 0..size.height {
                for x in 0..size.width {
                    data.push(f(c, y, x));
                }
            }
        }
        Self::of_size(size, data)
    }
}
