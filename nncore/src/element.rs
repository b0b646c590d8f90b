//! The element types a tensor can hold.

use std::fmt::{Debug, Display};

/// A floating-point element: `f32` (the default, what models train in) or
/// `f64` (what gradient checks and PyTorch's float64 conformance cases need).
///
/// Kernels are generic over `Element` and nothing else, so each kernel is
/// compiled at most twice whatever the model.
///
/// ```
/// use nncore::Element;
/// fn sum<E: Element>(xs: &[E]) -> E { xs.iter().fold(E::zero(), |a, &b| a + b) }
/// assert_eq!(sum(&[1.0f32, 2.0]), 3.0);
/// ```
pub trait Element:
    num_traits::Float
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
