//! Gradient clipping, like `torch.nn.utils.clip_grad_norm_` and
//! `torch.nn.utils.clip_grad_value_`: called between `backward()` and
//! `step()`, they rewrite the parameters' `.grad` in place.
//!
//! The semantics are PyTorch's (torch/nn/utils/clip_grad.py), including its
//! edge cases:
//! - parameters whose gradient is `None` are skipped (not counted, not changed);
//! - the total norm is the `norm_type`-norm of the per-parameter
//!   `norm_type`-norms (for `p = 0` that counts the parameters with a
//!   non-zero gradient, as PyTorch's does);
//! - the scale is `clamp(max_norm / (total_norm + 1e-6), max = 1)` and is
//!   always applied, so a NaN or infinite total norm turns the gradients into
//!   NaN (or 0 where finite, for an infinite norm) unless
//!   `error_if_nonfinite` asks for an error instead.
//!
//! Norms are accumulated in `f64` and returned as `f32` (PyTorch accumulates
//! in the gradient's dtype; the difference is within `f32` rounding).

use super::Parameter;
use crate::{Error, Result};

/// Scales the gradients of `params` so that their total `norm_type`-norm is
/// at most `max_norm`; returns the total norm before clipping.
///
/// `norm_type` is any `p` (`2.0` for the Euclidean norm, `f64::INFINITY` for
/// the largest absolute value, `1.0`, `0.0`, ...). With
/// `error_if_nonfinite`, a NaN or infinite total norm is an
/// [`Error::NonFinite`] and no gradient is changed.
///
/// ```
/// use nncore::nn::{Parameter, clip_grad_norm_};
///
/// let w = Parameter::new(vec![0.0, 0.0], &[2]);
/// *w.grad_lock() = Some(vec![3.0, 4.0]); // as after loss.backward()
/// let total = clip_grad_norm_(std::slice::from_ref(&w), 1.0, 2.0, false)?;
/// assert_eq!(total, 5.0);
/// let g = w.grad().unwrap(); // scaled by 1 / (5 + 1e-6)
/// assert!((g[0] - 0.6).abs() < 1e-6 && (g[1] - 0.8).abs() < 1e-6);
/// # Ok::<(), nncore::Error>(())
/// ```
pub fn clip_grad_norm_(
    params: &[Parameter],
    max_norm: f32,
    norm_type: f64,
    error_if_nonfinite: bool,
) -> Result<f32> {
    let total = total_norm(params, norm_type);
    if error_if_nonfinite && !total.is_finite() {
        return Err(Error::NonFinite {
            op: "clip_grad_norm_",
            detail: format!(
                "The total norm of order {} for gradients from `parameters` is non-finite, so it \
                 cannot be clipped. To disable this error and scale the gradients by the \
                 non-finite norm anyway, set `error_if_nonfinite=False`",
                crate::py_float(norm_type)
            ),
        });
    }
    // PyTorch: clip_coef = max_norm / (total_norm + 1e-6), clamped to at most 1.
    let coef = max_norm / (total + 1e-6);
    let coef = if coef.is_nan() { coef } else { coef.min(1.0) };
    for p in params {
        if let Some(g) = p.grad_lock().as_mut() {
            g.iter_mut().for_each(|x| *x *= coef);
        }
    }
    Ok(total)
}

/// Clamps every gradient of `params` to `[-clip_value, clip_value]`, like
/// `torch.nn.utils.clip_grad_value_`. Parameters without a gradient are
/// skipped; NaN gradients stay NaN (a NaN `clip_value` makes every gradient
/// NaN, and a negative one sets every gradient to `clip_value`, as
/// PyTorch's `clamp_min` then `clamp_max` do).
///
/// ```
/// use nncore::nn::{Parameter, clip_grad_value_};
///
/// let w = Parameter::new(vec![0.0; 3], &[3]);
/// *w.grad_lock() = Some(vec![-2.0, 0.5, 7.0]);
/// clip_grad_value_(std::slice::from_ref(&w), 1.0);
/// assert_eq!(w.grad().unwrap(), vec![-1.0, 0.5, 1.0]);
/// ```
pub fn clip_grad_value_(params: &[Parameter], clip_value: f32) {
    for p in params {
        if let Some(g) = p.grad_lock().as_mut() {
            for x in g.iter_mut() {
                *x = clamp_max(clamp_min(*x, -clip_value), clip_value);
            }
        }
    }
}

/// `torch.clamp_min`: NaN in either argument gives NaN.
fn clamp_min(x: f32, lo: f32) -> f32 {
    if x.is_nan() || lo.is_nan() {
        f32::NAN
    } else {
        x.max(lo)
    }
}

/// `torch.clamp_max`: NaN in either argument gives NaN.
fn clamp_max(x: f32, hi: f32) -> f32 {
    if x.is_nan() || hi.is_nan() {
        f32::NAN
    } else {
        x.min(hi)
    }
}

/// The `norm_type`-norm of the per-parameter norms; 0 without gradients.
fn total_norm(params: &[Parameter], norm_type: f64) -> f32 {
    let norms: Vec<f64> = params
        .iter()
        .filter_map(|p| {
            p.grad_lock()
                .as_ref()
                .map(|g| vector_norm(g.iter().map(|&x| f64::from(x)), norm_type))
        })
        .collect();
    if norms.is_empty() {
        return 0.0;
    }
    vector_norm(norms.into_iter(), norm_type) as f32
}

/// `torch.linalg.vector_norm(x, ord)`: max/min of `|x|` for `±inf`, the
/// count of non-zeros for 0, `(Σ|x|^p)^(1/p)` otherwise. NaN propagates.
fn vector_norm(values: impl Iterator<Item = f64>, ord: f64) -> f64 {
    let abs = values.map(f64::abs);
    if ord == f64::INFINITY {
        abs.fold(0.0, |m, x| if x.is_nan() || x > m { x } else { m })
    } else if ord == f64::NEG_INFINITY {
        abs.fold(
            f64::INFINITY,
            |m, x| if x.is_nan() || x < m { x } else { m },
        )
    } else if ord == 0.0 {
        abs.map(|x| if x == 0.0 { 0.0 } else { 1.0 }).sum()
    } else if ord == 1.0 {
        abs.sum()
    } else if ord == 2.0 {
        abs.map(|x| x * x).sum::<f64>().sqrt()
    } else {
        abs.map(|x| x.powf(ord)).sum::<f64>().powf(1.0 / ord)
    }
}

#[cfg(test)]
#[path = "clip_grad_tests.rs"]
mod tests;
