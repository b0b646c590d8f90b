//! PyTorch's checks of optimizer options, each an error naming the
//! optimizer and the option with PyTorch's message (numbers in Python's
//! spelling, [`py_float`]).

use crate::{Error, Result, py_float};

/// `0.0 <= lr`.
pub fn lr(op: &'static str, lr: f64) -> Result<()> {
    at_least_zero(op, "lr", lr, "Invalid learning rate")
}

/// `0.0 <= eps`.
pub fn eps(op: &'static str, eps: f64) -> Result<()> {
    at_least_zero(op, "eps", eps, "Invalid epsilon value")
}

/// `0.0 <= weight_decay`.
pub fn weight_decay(op: &'static str, wd: f64) -> Result<()> {
    at_least_zero(op, "weight_decay", wd, "Invalid weight_decay value")
}

/// `0.0 <= value` with PyTorch's `{what}: {value}` message.
pub fn at_least_zero(op: &'static str, option: &'static str, value: f64, what: &str) -> Result<()> {
    if non_negative(value) {
        Ok(())
    } else {
        Err(Error::option(
            op,
            option,
            format!("{what}: {}", py_float(value)),
        ))
    }
}

/// `0.0 <= beta < 1.0` for both betas.
pub fn betas(op: &'static str, betas: (f64, f64)) -> Result<()> {
    for (i, b) in [betas.0, betas.1].into_iter().enumerate() {
        if !(0.0..1.0).contains(&b) {
            return Err(Error::option(
                op,
                "betas",
                format!("Invalid beta parameter at index {i}: {}", py_float(b)),
            ));
        }
    }
    Ok(())
}

/// Whether an option is a number >= 0 (NaN is not), as PyTorch checks
/// `0.0 <= lr`.
pub(crate) fn non_negative(value: f64) -> bool {
    value >= 0.0
}
