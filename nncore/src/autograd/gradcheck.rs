//! Finite-difference gradient checks in `f64`, like
//! `torch.autograd.gradcheck`.
//!
//! The check compares the analytic vector-Jacobian product of `f` (from
//! `backward`) with central differences `(f(x + h) - f(x - h)) / 2h`,
//! for a fixed pseudo-random output weighting so that every output element
//! contributes.

use super::backward_with;
use crate::{DynTensor, Result};

/// Options of [`gradcheck`]; the defaults are PyTorch's (`eps = 1e-6`,
/// `atol = 1e-5`, `rtol = 1e-3`).
#[derive(Clone, Copy, Debug)]
pub struct GradcheckOptions {
    /// The finite-difference step.
    pub eps: f64,
    /// Absolute tolerance.
    pub atol: f64,
    /// Relative tolerance.
    pub rtol: f64,
}

impl Default for GradcheckOptions {
    fn default() -> Self {
        GradcheckOptions {
            eps: 1e-6,
            atol: 1e-5,
            rtol: 1e-3,
        }
    }
}

/// Checks the gradient of `f` with respect to every input that requires a
/// gradient. Returns a description of the first mismatch.
///
/// ```
/// use nncore::{autograd::gradcheck::{gradcheck, GradcheckOptions}, DynTensor};
/// let x = DynTensor::<f64>::from_vec(vec![0.3, -1.2, 2.0], &[3]).unwrap().requires_grad_(true);
/// gradcheck(|xs| Ok(xs[0].mul(&xs[0])?), &[x], GradcheckOptions::default()).unwrap();
/// ```
pub fn gradcheck(
    f: impl Fn(&[DynTensor<f64>]) -> Result<DynTensor<f64>>,
    inputs: &[DynTensor<f64>],
    options: GradcheckOptions,
) -> std::result::Result<(), String> {
    let out = f(inputs).map_err(|e| format!("forward failed: {e}"))?;
    let weights: Vec<f64> = (0..out.numel())
        .map(|i| 0.5 + ((i * 7919) % 13) as f64 / 13.0)
        .collect();
    let objective = |xs: &[DynTensor<f64>]| -> std::result::Result<f64, String> {
        let y = f(xs).map_err(|e| format!("forward failed: {e}"))?;
        Ok(y.data().iter().zip(&weights).map(|(a, w)| a * w).sum())
    };
    for x in inputs {
        x.zero_grad();
    }
    if out.requires_grad() {
        backward_with(&out, weights.clone()).map_err(|e| format!("backward failed: {e}"))?;
    }
    for (which, x) in inputs.iter().enumerate() {
        if !x.requires_grad() {
            continue;
        }
        let analytic = x.grad().unwrap_or_else(|| vec![0.0; x.numel()]);
        for (i, &analytic_i) in analytic.iter().enumerate() {
            let original = x.data()[i];
            x.data_mut()[i] = original + options.eps;
            let plus = objective(inputs)?;
            x.data_mut()[i] = original - options.eps;
            let minus = objective(inputs)?;
            x.data_mut()[i] = original;
            let numeric = (plus - minus) / (2.0 * options.eps);
            if (analytic_i - numeric).abs() > options.atol + options.rtol * numeric.abs() {
                return Err(format!(
                    "input {which} element {i}: analytic gradient {analytic_i} but finite difference {numeric}"
                ));
            }
        }
    }
    Ok(())
}
