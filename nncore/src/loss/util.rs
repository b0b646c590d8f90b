//! Checks and helpers shared by the losses.

use crate::{DynTensor, Element, Error, Result};

/// PyTorch's `EPSILON = 1e-12` of its loss kernels (the floor of BCE's
/// gradient denominator, the guard of cosine embedding's norms), which
/// reaches them as an `f32`: 9.999999960041972e-13, also in `f64`. At a
/// probability of exactly 0 or 1, or a zero vector, the difference shows
/// (±1.000000004e12 rather than ±1e12; `tests/loss_extremes_torch.rs`).
pub(crate) const TORCH_EPSILON: f64 = 1e-12_f32 as f64;

/// Fails unless `target` has exactly the input's shape, naming the loss and
/// the argument.
pub(crate) fn expect_same<E: Element>(
    op: &'static str,
    what: &str,
    input: &DynTensor<E>,
    other: &DynTensor<E>,
) -> Result<()> {
    if input.shape() != other.shape() {
        return Err(Error::shape(
            op,
            format!("{what} of the input's shape {:?}", input.shape()),
            format!("{:?}", other.shape()),
        ));
    }
    Ok(())
}

/// A constant (no-gradient) tensor of `f(value)` for every element of
/// `like`: masks such as `target == 1`.
pub(crate) fn mask_where<E: Element>(
    like: &DynTensor<E>,
    keep: impl Fn(f64) -> bool,
) -> DynTensor<E> {
    let data = like
        .data()
        .iter()
        .map(|v| {
            if keep(v.as_f64()) {
                E::one()
            } else {
                E::zero()
            }
        })
        .collect();
    DynTensor::from_vec(data, like.shape()).expect("same length as `like`")
}

/// Fails on a negative or non-finite option, naming it.
pub(crate) fn expect_non_negative(op: &'static str, option: &'static str, v: f64) -> Result<()> {
    if !(v >= 0.0 && v.is_finite()) {
        return Err(Error::option(
            op,
            option,
            format!("{v} is not a non-negative finite number"),
        ));
    }
    Ok(())
}
