//! Chaining transforms, torchvision's `Compose`.

use super::{ImageSize, SampleRng, Transform};
use crate::Result;

/// Transforms applied one after the other, like torchvision's
/// `Compose([...])`, written as a tuple (of 1 to 8): each one's output is
/// the next one's input, checked by the compiler.
///
/// ```
/// use nncore::data::SampleRng;
/// use nncore::data::transforms::{Compose, Image, ImageSize, Normalize, Pad, ToTensor, Transform};
///
/// let t = Compose((Pad::new(1), ToTensor, Normalize::new(&[0.5], &[0.5])?));
/// assert_eq!(t.output_size(ImageSize::new(1, 2, 2))?, ImageSize::new(1, 4, 4));
/// let out = t.apply(Image::new(1, 1, 1, vec![255u8])?, &mut SampleRng::for_sample(0, 0, 0));
/// assert_eq!(out.data, [-1.0, -1.0, -1.0, -1.0, 1.0, -1.0, -1.0, -1.0, -1.0]);
/// # Ok::<(), nncore::Error>(())
/// ```
///
/// `Normalize` takes floats, so putting it before `ToTensor` does not compile:
///
/// ```compile_fail
/// use nncore::data::transforms::{Compose, Normalize, ToTensor, Transform, Image, ImageSize};
/// fn check<T: Transform<Image<u8>>>(_: T) {}
/// check(Compose((Normalize::new(&[0.5], &[0.5]).unwrap(), ToTensor)));
/// ```
#[derive(Debug, Clone)]
pub struct Compose<T>(pub T);

macro_rules! compose {
    ($first:ident $fi:tt $(, $t:ident $i:tt $prev:ident)*; $last:ident) => {
        impl<In, $first $(, $t)*> Transform<In> for Compose<($first, $($t,)*)>
        where
            $first: Transform<In>,
            $($t: Transform<$prev::Output>,)*
        {
            type Output = $last::Output;

            fn output_size(&self, size: ImageSize) -> Result<ImageSize> {
                let size = self.0.$fi.output_size(size)?;
                $(let size = self.0.$i.output_size(size)?;)*
                Ok(size)
            }

            fn apply(&self, input: In, rng: &mut SampleRng) -> Self::Output {
                let x = self.0.$fi.apply(input, rng);
                $(let x = self.0.$i.apply(x, rng);)*
                x
            }
        }
    };
}

compose!(A 0; A);
compose!(A 0, B 1 A; B);
compose!(A 0, B 1 A, C 2 B; C);
compose!(A 0, B 1 A, C 2 B, D 3 C; D);
compose!(A 0, B 1 A, C 2 B, D 3 C, E 4 D; E);
compose!(A 0, B 1 A, C 2 B, D 3 C, E 4 D, F 5 E; F);
compose!(A 0, B 1 A, C 2 B, D 3 C, E 4 D, F 5 E, G 6 F; G);
compose!(A 0, B 1 A, C 2 B, D 3 C, E 4 D, F 5 E, G 6 F, H 7 G; H);
