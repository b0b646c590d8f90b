//! Comparing Kiln's numbers with PyTorch's, as FORMAT.md defines it.

use super::case::{Case, TensorData, number};

/// `|actual - expected| <= atol + rtol * |expected|` elementwise; NaN equals
/// NaN, and an infinity equals the same infinity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance {
    /// Relative tolerance.
    pub rtol: f64,
    /// Absolute tolerance.
    pub atol: f64,
}

impl Tolerance {
    /// The case's stated tolerance (for a float64 computation).
    pub fn of(case: &Case) -> Tolerance {
        let t = case.raw.get("tolerance");
        let get = |k: &str, d: f64| t.and_then(|t| t.get(k)).and_then(number).unwrap_or(d);
        Tolerance {
            rtol: get("rtol", 1e-6),
            atol: get("atol", 1e-8),
        }
    }
}

/// Compares `actual` (shape and values) with `expected`; on a mismatch says
/// what differs: the shapes, or the largest error and where.
pub fn compare(
    what: &str,
    actual_shape: &[usize],
    actual: &[f64],
    expected: &TensorData,
    tol: Tolerance,
) -> Result<(), String> {
    if actual_shape != expected.shape.as_slice() {
        return Err(format!(
            "{what}: shape {actual_shape:?}, expected {:?}",
            expected.shape
        ));
    }
    let mut worst: Option<(usize, f64)> = None;
    for (i, (&a, &e)) in actual.iter().zip(&expected.data).enumerate() {
        let ok = if e.is_nan() || a.is_nan() {
            e.is_nan() && a.is_nan()
        } else if e.is_infinite() || a.is_infinite() {
            a == e
        } else {
            (a - e).abs() <= tol.atol + tol.rtol * e.abs()
        };
        if !ok {
            let err = if (a - e).is_nan() {
                f64::INFINITY
            } else {
                (a - e).abs()
            };
            if worst.is_none_or(|(_, w)| err > w) {
                worst = Some((i, err));
            }
        }
    }
    match worst {
        None => Ok(()),
        Some((i, err)) => Err(format!(
            "{what}: largest error {err:.3e} at index {i} (got {}, expected {})",
            actual[i], expected.data[i]
        )),
    }
}
