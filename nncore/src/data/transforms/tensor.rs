//! From bytes to normalised floats: torchvision's `ToTensor` and
//! `Normalize`, in float32 with the same operations, so the values match
//! PyTorch's bit for bit.

use super::{Image, ImageSize, SampleRng, Transform};
use crate::{Error, Result};

/// Bytes to floats in `[0, 1]` (`pixel / 255` in float32), torchvision's
/// `ToTensor()`.
///
/// ```
/// use nncore::data::SampleRng;
/// use nncore::data::transforms::{Image, ToTensor, Transform};
/// let image = Image::new(1, 1, 3, vec![0u8, 51, 255])?;
/// let out = ToTensor.apply(image, &mut SampleRng::for_sample(0, 0, 0));
/// assert_eq!(out.data, [0.0, 0.2, 1.0]);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct ToTensor;

impl Transform<Image<u8>> for ToTensor {
    type Output = Image<f32>;

    fn output_size(&self, input: ImageSize) -> Result<ImageSize> {
        Ok(input)
    }

    fn apply(&self, input: Image<u8>, _rng: &mut SampleRng) -> Image<f32> {
        let data = input.data.iter().map(|&p| f32::from(p) / 255.0).collect();
        Image::of_size(input.size(), data)
    }
}

/// `(x - mean[c]) / std[c]` per channel `c`, torchvision's
/// `Normalize(mean, std)`: one value for every channel, or one per channel.
///
/// ```
/// use nncore::data::SampleRng;
/// use nncore::data::transforms::{Image, Normalize, Transform};
/// let norm = Normalize::new(&[0.5, 0.0], &[0.5, 2.0])?;
/// let image = Image::new(2, 1, 1, vec![1.0f32, 1.0])?;
/// assert_eq!(norm.apply(image, &mut SampleRng::for_sample(0, 0, 0)).data, [1.0, 0.5]);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Normalize {
    mean: Vec<f32>,
    std: Vec<f32>,
}

impl Normalize {
    /// The transform with these means and standard deviations, each of
    /// one value (for every channel) or one per channel.
    ///
    /// Fails with [`Error::InvalidOption`] when a list is empty, the two
    /// differ in length, or a standard deviation is 0 (torchvision: "std
    /// evaluated to zero ..., leading to division by zero") or not finite.
    ///
    /// ```
    /// use nncore::data::transforms::Normalize;
    /// let err = Normalize::new(&[0.5], &[0.0]).unwrap_err();
    /// assert_eq!(err.to_string(), "Normalize: invalid std: std[0] is 0, which would divide by zero");
    /// let err = Normalize::new(&[0.5, 0.5, 0.5], &[0.2]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "Normalize: invalid std: 1 value for 3 means; give one std per mean"
    /// );
    /// let err = Normalize::new(&[], &[]).unwrap_err();
    /// assert_eq!(err.to_string(), "Normalize: invalid mean: no values; give one, or one per channel");
    /// ```
    pub fn new(mean: &[f32], std: &[f32]) -> Result<Self> {
        if mean.is_empty() {
            return Err(Error::option(
                "Normalize",
                "mean",
                "no values; give one, or one per channel",
            ));
        }
        if mean.len() != std.len() {
            return Err(Error::option(
                "Normalize",
                "std",
                format!(
                    "{} {} for {} means; give one std per mean",
                    std.len(),
                    if std.len() == 1 { "value" } else { "values" },
                    mean.len()
                ),
            ));
        }
        if let Some((i, s)) = std.iter().enumerate().find(|(_, s)| **s == 0.0) {
            return Err(Error::option(
                "Normalize",
                "std",
                format!("std[{i}] is {s}, which would divide by zero"),
            ));
        }
        if let Some((i, v)) = mean
            .iter()
            .chain(std)
            .enumerate()
            .find(|(_, v)| !v.is_finite())
        {
            let (name, i) = if i < mean.len() {
                ("mean", i)
            } else {
                ("std", i - mean.len())
            };
            return Err(Error::option(
                "Normalize",
                name,
                format!("{name}[{i}] is {v}; it must be a finite number"),
            ));
        }
        Ok(Normalize {
            mean: mean.to_vec(),
            std: std.to_vec(),
        })
    }

    /// The value for channel `c` of a list of one or of one per channel.
    fn of(list: &[f32], c: usize) -> f32 {
        list[if list.len() == 1 { 0 } else { c }]
    }
}

impl Transform<Image<f32>> for Normalize {
    type Output = Image<f32>;

    /// ```
    /// use nncore::data::transforms::{ImageSize, Normalize, Transform};
    /// let norm = Normalize::new(&[0.485, 0.456, 0.406], &[0.229, 0.224, 0.225])?;
    /// let err = norm.output_size(ImageSize::new(1, 28, 28)).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "Normalize: invalid mean: 3 values (one per channel) for an image of 1 channel"
    /// );
    /// # Ok::<(), nncore::Error>(())
    /// ```
    fn output_size(&self, input: ImageSize) -> Result<ImageSize> {
        if self.mean.len() != 1 && self.mean.len() != input.channels {
            return Err(Error::option(
                "Normalize",
                "mean",
                format!(
                    "{} values (one per channel) for an image of {} channel{}",
                    self.mean.len(),
                    input.channels,
                    if input.channels == 1 { "" } else { "s" }
                ),
            ));
        }
        Ok(input)
    }

    fn apply(&self, mut input: Image<f32>, _rng: &mut SampleRng) -> Image<f32> {
        let plane = input.height * input.width;
        if plane > 0 {
            for (c, values) in input.data.chunks_exact_mut(plane).enumerate() {
                let (mean, std) = (Self::of(&self.mean, c), Self::of(&self.std, c));
                for v in values {
                    *v = (*v - mean) / std;
                }
            }
        }
        input
    }
}
