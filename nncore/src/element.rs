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

    /// `1 / (1 + exp(-x))` in a form the compiler can vectorise: the
    /// recurrent layers' gate kernels apply it to every gate of every step,
    /// where a call into libm per element would cost more than the matrix
    /// products. `f32` uses a polynomial `exp` (within 2 ulp of the exact
    /// sigmoid); `f64` is exact to rounding, as the unary `Sigmoid`.
    ///
    /// ```
    /// use nncore::Element;
    /// assert_eq!(0.0f32.fast_sigmoid(), 0.5);
    /// assert!((2.0f32.fast_sigmoid() - 0.880_797_1).abs() < 1e-7);
    /// ```
    fn fast_sigmoid(self) -> Self;

    /// `tanh(x)`, vectorisable like [`fast_sigmoid`](Element::fast_sigmoid):
    /// `f32` within 4 ulp (a polynomial near 0, `1 - 2 / (exp(2x) + 1)`
    /// beyond), `f64` std's `tanh`.
    ///
    /// ```
    /// use nncore::Element;
    /// assert!((1.0f32.fast_tanh() - 0.761_594_2).abs() < 1e-7);
    /// assert_eq!((-0.0f32).fast_tanh().to_bits(), (-0.0f32).to_bits());
    /// ```
    fn fast_tanh(self) -> Self;
}

/// `exp(x)` for `f32` without a libm call, so that a loop over it
/// vectorises: Cephes' `expf` (range reduction by `ln 2` in two parts, a
/// degree-6 polynomial, the power of two built in the exponent bits).
/// Inputs are clamped to `[-87.3, 88]`, where the result is a normal
/// number (the sigmoid and tanh built on it saturate long before); NaN
/// stays NaN. Within 2 ulp of the exact value.
#[inline(always)]
fn exp_f32(x: f32) -> f32 {
    // 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits.
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.336_55, 88.0);
    let shifted = x * std::f32::consts::LOG2_E + ROUND;
    let n = shifted - ROUND;
    let r = x - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let mut p = 1.987_569_1e-4f32;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let y = p * r * r + r + 1.0;
    // n + 127 in the exponent field: n is in [-126, 127] after the clamp.
    let bits = shifted
        .to_bits()
        .wrapping_sub(ROUND.to_bits())
        .wrapping_add(127)
        << 23;
    y * f32::from_bits(bits)
}

#[inline(always)]
fn tanh_f32(x: f32) -> f32 {
    let a = x.abs();
    // Below 0.3 the odd Taylor series to x^13 is exact to 1e-10; above it
    // 1 - 2 / (e^2a + 1) loses no more than a few ulp to cancellation.
    let s = a * a;
    let mut p = 21_844.0 / 6_081_075.0f32;
    p = p * s - 1_382.0 / 155_925.0;
    p = p * s + 62.0 / 2_835.0;
    p = p * s - 17.0 / 315.0;
    p = p * s + 2.0 / 15.0;
    p = p * s - 1.0 / 3.0;
    let small = a + a * s * p;
    let big = 1.0 - 2.0 / (exp_f32(2.0 * a) + 1.0);
    let t = if a < 0.3 { small } else { big };
    t.copysign(x)
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
    #[inline(always)]
    fn fast_sigmoid(self) -> Self {
        1.0 / (1.0 + exp_f32(-self))
    }
    #[inline(always)]
    fn fast_tanh(self) -> Self {
        tanh_f32(self)
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
    #[inline(always)]
    fn fast_sigmoid(self) -> Self {
        1.0 / (1.0 + (-self).exp())
    }
    #[inline(always)]
    fn fast_tanh(self) -> Self {
        self.tanh()
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
    use super::*;

    /// Every 97th f32 in [-100, 100] and the edges: the fast forms stay
    /// within a few ulp of the exact (f64) values, and NaN stays NaN.
    #[test]
    fn fast_f32_sigmoid_and_tanh_are_within_a_few_ulp() {
        let ulps = |got: f32, want: f64| {
            let want32 = want as f32;
            (got.to_bits() as i64 - want32.to_bits() as i64).unsigned_abs()
        };
        let (mut worst_sigmoid, mut worst_tanh) = (0, 0);
        let mut bits = (-100.0f32).to_bits();
        let edges = [
            0.0f32,
            -0.0,
            0.3,
            -0.3,
            0.299_999_98,
            1e-30,
            87.0,
            -87.0,
            100.0,
        ];
        let mut xs: Vec<f32> = edges.to_vec();
        while f32::from_bits(bits) < 0.0 {
            xs.push(f32::from_bits(bits));
            bits -= 97;
        }
        bits = 0;
        while f32::from_bits(bits) < 100.0 {
            xs.push(f32::from_bits(bits));
            bits += 97;
        }
        for x in xs {
            let e = f64::from(x);
            // Below -87 the exact sigmoid is denormal; the clamp keeps a
            // normal number there (checked below).
            if x > -87.0 {
                worst_sigmoid = worst_sigmoid.max(ulps(x.fast_sigmoid(), 1.0 / (1.0 + (-e).exp())));
            }
            worst_tanh = worst_tanh.max(ulps(x.fast_tanh(), e.tanh()));
        }
        assert!(worst_sigmoid <= 2, "sigmoid: {worst_sigmoid} ulp");
        assert!(worst_tanh <= 4, "tanh: {worst_tanh} ulp");
        assert!(f32::NAN.fast_sigmoid().is_nan() && f32::NAN.fast_tanh().is_nan());
        assert_eq!(f32::INFINITY.fast_tanh(), 1.0);
        assert_eq!(f32::INFINITY.fast_sigmoid(), 1.0);
        assert!((0.0..1e-38).contains(&f32::NEG_INFINITY.fast_sigmoid()));
    }

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
