//! Unary activations through one small trait.
//!
//! An activation is a [`UnaryKernel`]: a scalar `f` and its derivative `df`
//! (given both the input and the output, so `Sigmoid` and `Tanh` reuse the
//! output and `ReLU` never recomputes). One generic driver,
//! [`unary_forward`] / [`unary_backward`], runs it over slices in chunks of
//! [`CHUNK`] elements through [`simd::dispatch`], in parallel on large
//! slices. A new activation is a struct and ~15 lines. Each chunk body
//! (`*_chunk`) is a separate `#[inline(always)]` function so the tests can
//! run it at every [`simd::Level`] against the naive twins.
//!
//! Formulas are PyTorch's, including its choices at the edges (ReLU's
//! gradient is 0 at 0; Softplus is linear above its threshold; Hardtanh's
//! gradient is 0 at the limits; NaN propagates through ReLU and Hardtanh).

use super::{CHUNK, check_lens, parallel};
use crate::Element;
use crate::kernels::erf::erf;
use crate::kernels::simd;
use rayon::prelude::*;

/// A scalar activation and its derivative.
pub trait UnaryKernel: Sync {
    /// The activation `y = f(x)`.
    fn f<E: Element>(&self, x: E) -> E;
    /// The derivative `dy/dx` at `x`, where `y = f(x)` is given too.
    fn df<E: Element>(&self, x: E, y: E) -> E;
}

/// `y[i] = k.f(x[i])`. **Overwrites** `y`.
///
/// # Panics
/// If `x` and `y` differ in length.
pub fn unary_forward<K: UnaryKernel, E: Element>(k: &K, x: &[E], y: &mut [E]) {
    check_lens(&[x.len(), y.len()]);
    let run = |(y, x): (&mut [E], &[E])| {
        simd::dispatch(
            #[inline(always)]
            || forward_chunk(k, x, y),
        )
    };
    if parallel(x.len()) {
        crate::threads::install(|| {
            y.par_chunks_mut(CHUNK)
                .zip(x.par_chunks(CHUNK))
                .for_each(run)
        });
    } else {
        y.chunks_mut(CHUNK).zip(x.chunks(CHUNK)).for_each(run);
    }
}

/// The loop of [`unary_forward`] on one chunk. `#[inline(always)]` so that
/// [`simd::dispatch`] compiles it (and `k.f`) for each instruction set.
#[inline(always)]
pub(in crate::kernels) fn forward_chunk<K: UnaryKernel, E: Element>(k: &K, x: &[E], y: &mut [E]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = k.f(x);
    }
}

/// `grad_x[i] = grad_y[i] * k.df(x[i], y[i])`, where `y` is the forward
/// output. **Overwrites** `grad_x`.
///
/// # Panics
/// If the slices differ in length.
pub fn unary_backward<K: UnaryKernel, E: Element>(
    k: &K,
    x: &[E],
    y: &[E],
    grad_y: &[E],
    grad_x: &mut [E],
) {
    check_lens(&[x.len(), y.len(), grad_y.len(), grad_x.len()]);
    let run = |gx: &mut [E], x: &[E], y: &[E], gy: &[E]| {
        simd::dispatch(
            #[inline(always)]
            || backward_chunk(k, x, y, gy, gx),
        )
    };
    if parallel(x.len()) {
        let inputs = x
            .par_chunks(CHUNK)
            .zip(y.par_chunks(CHUNK))
            .zip(grad_y.par_chunks(CHUNK));
        crate::threads::install(|| {
            grad_x
                .par_chunks_mut(CHUNK)
                .zip(inputs)
                .for_each(|(gx, ((x, y), gy))| run(gx, x, y, gy))
        });
    } else {
        let inputs = x
            .chunks(CHUNK)
            .zip(y.chunks(CHUNK))
            .zip(grad_y.chunks(CHUNK));
        grad_x
            .chunks_mut(CHUNK)
            .zip(inputs)
            .for_each(|(gx, ((x, y), gy))| run(gx, x, y, gy));
    }
}

/// The loop of [`unary_backward`] on one chunk (inlined like
/// [`forward_chunk`]).
#[inline(always)]
pub(in crate::kernels) fn backward_chunk<K: UnaryKernel, E: Element>(
    k: &K,
    x: &[E],
    y: &[E],
    grad_y: &[E],
    grad_x: &mut [E],
) {
    for (((gx, &x), &y), &gy) in grad_x.iter_mut().zip(x).zip(y).zip(grad_y) {
        *gx = gy * k.df(x, y);
    }
}

/// Reference twin of [`unary_forward`]: one plain loop.
pub fn unary_forward_naive<K: UnaryKernel, E: Element>(k: &K, x: &[E], y: &mut [E]) {
    check_lens(&[x.len(), y.len()]);
    for i in 0..x.len() {
        y[i] = k.f(x[i]);
    }
}

/// Reference twin of [`unary_backward`].
pub fn unary_backward_naive<K: UnaryKernel, E: Element>(
    k: &K,
    x: &[E],
    y: &[E],
    grad_y: &[E],
    grad_x: &mut [E],
) {
    check_lens(&[x.len(), y.len(), grad_y.len(), grad_x.len()]);
    for i in 0..x.len() {
        grad_x[i] = grad_y[i] * k.df(x[i], y[i]);
    }
}

/// `max(x, 0)`; NaN stays NaN. Gradient 1 where `x > 0`, else 0.
#[derive(Clone, Copy, Debug, Default)]
pub struct Relu;
impl UnaryKernel for Relu {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        if x < E::zero() { E::zero() } else { x }
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        if x > E::zero() { E::one() } else { E::zero() }
    }
}

/// `1 / (1 + exp(-x))`; gradient `y * (1 - y)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sigmoid;
impl UnaryKernel for Sigmoid {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        E::one() / (E::one() + (-x).exp())
    }
    #[inline(always)]
    fn df<E: Element>(&self, _x: E, y: E) -> E {
        y * (E::one() - y)
    }
}

/// `tanh(x)`; gradient `1 - y²`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tanh;
impl UnaryKernel for Tanh {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        x.tanh()
    }
    #[inline(always)]
    fn df<E: Element>(&self, _x: E, y: E) -> E {
        E::one() - y * y
    }
}

/// `x` if `x > 0` else `slope * x` (PyTorch's default slope is 0.01).
#[derive(Clone, Copy, Debug)]
pub struct LeakyRelu {
    /// Slope for negative inputs.
    pub slope: f64,
}
impl UnaryKernel for LeakyRelu {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        if x > E::zero() {
            x
        } else {
            x * E::of(self.slope)
        }
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        if x > E::zero() {
            E::one()
        } else {
            E::of(self.slope)
        }
    }
}

/// `x` if `x > 0` else `alpha * (exp(x) - 1)` (PyTorch's default alpha is 1).
#[derive(Clone, Copy, Debug)]
pub struct Elu {
    /// Scale of the negative part.
    pub alpha: f64,
}
impl UnaryKernel for Elu {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        if x > E::zero() {
            x
        } else {
            E::of(self.alpha) * x.exp_m1()
        }
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        if x > E::zero() {
            E::one()
        } else {
            E::of(self.alpha) * x.exp()
        }
    }
}

/// Exact GELU, PyTorch's `approximate='none'`: `x * Φ(x) = 0.5 x (1 + erf(x/√2))`.
/// Computed in `f64` (with a full-precision [`erf`]) and rounded.
#[derive(Clone, Copy, Debug, Default)]
pub struct Gelu;
impl UnaryKernel for Gelu {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        let x = x.as_f64();
        E::of(0.5 * x * (1.0 + erf(x * std::f64::consts::FRAC_1_SQRT_2)))
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        let x = x.as_f64();
        let cdf = 0.5 * (1.0 + erf(x * std::f64::consts::FRAC_1_SQRT_2));
        let pdf = (-0.5 * x * x).exp()
            * (std::f64::consts::FRAC_2_SQRT_PI * std::f64::consts::FRAC_1_SQRT_2 * 0.5);
        E::of(cdf + x * pdf)
    }
}

/// GELU with PyTorch's `approximate='tanh'`:
/// `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))`.
#[derive(Clone, Copy, Debug, Default)]
pub struct GeluTanh;
const GELU_BETA: f64 = std::f64::consts::SQRT_2 * std::f64::consts::FRAC_2_SQRT_PI * 0.5;
const GELU_KAPPA: f64 = 0.044715;
impl UnaryKernel for GeluTanh {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        let (b, k, half) = (E::of(GELU_BETA), E::of(GELU_KAPPA), E::of(0.5));
        half * x * (E::one() + (b * (x + k * x * x * x)).tanh())
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        let (b, k, half) = (E::of(GELU_BETA), E::of(GELU_KAPPA), E::of(0.5));
        let t = (b * (x + k * x * x * x)).tanh();
        let inner_derivative = b * (E::one() + E::of(3.0) * k * x * x);
        half * (E::one() + t) + half * x * (E::one() - t * t) * inner_derivative
    }
}

/// SiLU (swish): `x * sigmoid(x)`; gradient `s (1 + x (1 - s))`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silu;
impl UnaryKernel for Silu {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        x / (E::one() + (-x).exp())
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        let s = E::one() / (E::one() + (-x).exp());
        s * (E::one() + x * (E::one() - s))
    }
}

/// `log(1 + exp(beta x)) / beta`, and `x` itself where `beta x > threshold`
/// (PyTorch's defaults: beta 1, threshold 20).
#[derive(Clone, Copy, Debug)]
pub struct Softplus {
    /// Sharpness.
    pub beta: f64,
    /// Above `beta * x > threshold` the function is the identity.
    pub threshold: f64,
}
impl UnaryKernel for Softplus {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        let (b, t) = (E::of(self.beta), E::of(self.threshold));
        if x * b > t {
            x
        } else {
            (x * b).exp().ln_1p() / b
        }
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        let (b, t) = (E::of(self.beta), E::of(self.threshold));
        if x * b > t {
            E::one()
        } else {
            let z = (x * b).exp();
            z / (z + E::one())
        }
    }
}

/// `clamp(x, min, max)` (PyTorch's defaults −1, 1); NaN stays NaN; gradient
/// 0 at and beyond the limits.
#[derive(Clone, Copy, Debug)]
pub struct Hardtanh {
    /// Lower limit.
    pub min: f64,
    /// Upper limit.
    pub max: f64,
}
impl UnaryKernel for Hardtanh {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        let (lo, hi) = (E::of(self.min), E::of(self.max));
        if x < lo {
            lo
        } else if x > hi {
            hi
        } else {
            x
        }
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        if x <= E::of(self.min) || x >= E::of(self.max) {
            E::zero()
        } else {
            E::one()
        }
    }
}
