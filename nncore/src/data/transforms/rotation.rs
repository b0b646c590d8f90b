//! Rotation by a random angle, torchvision's `RandomRotation`.

use super::{Image, ImageSize, Pixel, SampleRng, Transform};
use crate::{Error, Result};

/// Rotation about the image's centre by an angle drawn uniformly from
/// `[-degrees, degrees]` (counter-clockwise for a positive angle),
/// torchvision's `RandomRotation(degrees)` with its defaults: nearest
/// neighbour sampling, the same size, uncovered corners filled with 0.
///
/// Each output pixel takes the input pixel its centre maps back to, with
/// torchvision's arithmetic (the inverse rotation about `((W-1)/2, (H-1)/2)`
/// in float32, rounded half to even).
///
/// ```
/// use nncore::data::SampleRng;
/// use nncore::data::transforms::{Image, RandomRotation, Transform};
/// // A 90-degree range always turns a 1x1 image into itself.
/// let rotate = RandomRotation::new(90.0)?;
/// let out = rotate.apply(Image::new(1, 1, 1, vec![7u8])?, &mut SampleRng::for_sample(0, 0, 0));
/// assert_eq!(out.data, [7]);
/// let err = RandomRotation::new(-5.0).unwrap_err();
/// assert_eq!(err.to_string(), "RandomRotation: invalid degrees: must be a finite number of degrees, at least 0, got -5");
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RandomRotation {
    degrees: f64,
}

impl RandomRotation {
    /// Angles from `-degrees` to `degrees`; fails with
    /// [`Error::InvalidOption`] for a negative or non-finite value (as
    /// torchvision refuses a negative single number).
    pub fn new(degrees: f64) -> Result<Self> {
        if !(degrees.is_finite() && degrees >= 0.0) {
            return Err(Error::option(
                "RandomRotation",
                "degrees",
                format!("must be a finite number of degrees, at least 0, got {degrees}"),
            ));
        }
        Ok(RandomRotation { degrees })
    }

    /// `input` rotated by `angle` degrees counter-clockwise.
    pub(crate) fn rotate<P: Pixel>(input: &Image<P>, angle: f64) -> Image<P> {
        let (sin, cos) = (angle.to_radians() as f32).sin_cos();
        let (h, w) = (input.height, input.width);
        let (cy, cx) = ((h as f32 - 1.0) * 0.5, (w as f32 - 1.0) * 0.5);
        Image::from_fn(input.size(), |c, y, x| {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let sx = (cos * dx - sin * dy + cx).round_ties_even();
            let sy = (sin * dx + cos * dy + cy).round_ties_even();
            if (0.0..w as f32).contains(&sx) && (0.0..h as f32).contains(&sy) {
                input.at(c, sy as usize, sx as usize)
            } else {
                P::default()
            }
        })
    }
}

impl<P: Pixel> Transform<Image<P>> for RandomRotation {
    type Output = Image<P>;

    fn output_size(&self, input: ImageSize) -> Result<ImageSize> {
        Ok(input)
    }

    fn apply(&self, input: Image<P>, rng: &mut SampleRng) -> Image<P> {
        let angle = rng.uniform(-self.degrees, self.degrees);
        Self::rotate(&input, angle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A quarter turn counter-clockwise moves the top-right corner to the
    /// top-left, as `torchvision.transforms.functional.rotate(img, 90)`.
    #[test]
    fn quarter_turn() {
        let image = Image::new(1, 2, 3, vec![1u8, 2, 3, 4, 5, 6]).unwrap();
        let square = Image::new(1, 3, 3, (1..=9).collect::<Vec<u8>>()).unwrap();
        assert_eq!(
            RandomRotation::rotate(&square, 90.0).data,
            [3, 6, 9, 2, 5, 8, 1, 4, 7]
        );
        assert_eq!(RandomRotation::rotate(&image, 0.0).data, image.data);
        assert_eq!(
            RandomRotation::rotate(&square, 180.0).data,
            [9, 8, 7, 6, 5, 4, 3, 2, 1]
        );
    }
}
