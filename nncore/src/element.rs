//! The element types a tensor can hold.

use std::any::Any;
use std::fmt::{Debug, Display};

/// A floating-point element: `f32` (the default, what models train in) or
/// `f64` (what gradient checks and PyTorch's float64 conformance cases need).
///
/// Kernels are generic over `Element` and nothing else, so each kernel is
/// compiled at most twice whatever the model; the entry points a model
/// calls are compiled in `nncore` itself (`#[nnmacro::__compiled_once]`),
/// so a crate using Kiln does not compile them again.
///
/// ```
/// use nncore::Element;
/// fn sum<E: Element>(xs: &[E]) -> E { xs.iter().fold(E::zero(), |a, &b| a + b) }
/// assert_eq!(sum(&[1.0f32, 2.0]), 3.0);
/// ```
pub trait Element:
    sealed::Sealed
    + num_traits::Float
    + num_traits::NumAssign
    + std::iter::Sum
    + Default
    + Debug
    + Display
    + Send
    + Sync
    + 'static
{
    /// The dtype name PyTorch uses (`float32`, `float64`), for files and messages.
    const DTYPE: &'static str;

    /// Converts from `f64`, rounding to nearest for `f32`. (Named `of`, not
    /// `from_f64`, so it never collides with `num_traits`' fallible casts.)
    fn of(x: f64) -> Self;
    /// Widens to `f64` exactly.
    fn as_f64(self) -> f64;
}

/// Kiln's kernels are written for `f32` and `f64` and compiled once for
/// each (see [`per_element`]), so no other type can be an `Element`.
mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

impl Element for f32 {
    const DTYPE: &'static str = "float32";
    #[inline]
    fn of(x: f64) -> Self {
        x as f32
    }
    #[inline]
    fn as_f64(self) -> f64 {
        self as f64
    }
}

impl Element for f64 {
    const DTYPE: &'static str = "float64";
    #[inline]
    fn of(x: f64) -> Self {
        x
    }
    #[inline]
    fn as_f64(self) -> f64 {
        self
    }
}

/// The instance of a function for `E`, picked from its `f32` and `f64`
/// instances by type: what `#[nnmacro::__compiled_once]` calls, so that a
/// crate using an `nncore` entry point compiles this choice (folded to a
/// direct call by the optimiser) instead of the entry point's body.
///
/// (Never fails: `Element` is sealed, so `Wanted` is one of the two.)
#[inline]
pub(crate) fn per_element<Wanted: Any + Copy, ForF32: Any + Copy, ForF64: Any + Copy>(
    for_f32: ForF32,
    for_f64: ForF64,
) -> Wanted {
    let instances: [&dyn Any; 2] = [&for_f32, &for_f64];
    instances
        .into_iter()
        .find_map(|instance| instance.downcast_ref::<Wanted>().copied())
        .expect("Element is sealed: it is f32 or f64, and both instances are given")
}

#[cfg(test)]
mod tests {
    use super::per_element;

    fn double_f32(x: f32) -> f32 {
        2.0 * x
    }
    fn double_f64(x: f64) -> f64 {
        2.0 * x
    }

    #[test]
    fn per_element_picks_the_instance_of_the_wanted_type() {
        let f64_entry =
            per_element::<fn(f64) -> f64, fn(f32) -> f32, fn(f64) -> f64>(double_f32, double_f64);
        assert_eq!(f64_entry(1.5), 3.0);
        let f32_entry =
            per_element::<fn(f32) -> f32, fn(f32) -> f32, fn(f64) -> f64>(double_f32, double_f64);
        assert_eq!(f32_entry(0.25), 0.5);
    }
}
