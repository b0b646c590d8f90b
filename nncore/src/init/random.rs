//! The initialisers that fill a tensor: constants and random draws.

use super::fan::{FanMode, Nonlinearity, calculate_fan_in_and_fan_out, calculate_gain, fan};
use crate::{DynTensor, Element, Result, rng};
use rand_distr::{Distribution, Normal, Uniform};

fn fill_with<E: Element>(
    tensor: &DynTensor<E>,
    mut draw: impl FnMut(&mut crate::rng::GlobalRng) -> f64,
) {
    let mut data = tensor.data_mut();
    rng::with_rng(|r| data.iter_mut().for_each(|x| *x = E::of(draw(r))));
}

/// Fills with draws from U(low, high), like `uniform_`.
///
/// ```
/// use nncore::{init::uniform_, DynTensor};
/// let t = DynTensor::<f32>::zeros(&[100]).unwrap();
/// uniform_(&t, -0.5, 0.5);
/// assert!(t.to_vec().iter().all(|v| (-0.5..=0.5).contains(v)));
/// ```
#[nnmacro::__compiled_once]
pub fn uniform_<E: Element>(tensor: &DynTensor<E>, low: f64, high: f64) {
    if low >= high {
        tensor.data_mut().iter_mut().for_each(|x| *x = E::of(low));
        return;
    }
    let dist = Uniform::new(low, high).expect("low < high checked above");
    fill_with(tensor, |r| dist.sample(r));
}

/// Fills with draws from N(mean, std²), like `normal_`.
#[nnmacro::__compiled_once]
pub fn normal_<E: Element>(tensor: &DynTensor<E>, mean: f64, std: f64) {
    match Normal::new(mean, std) {
        Ok(dist) => fill_with(tensor, |r| dist.sample(r)),
        Err(_) => tensor.data_mut().iter_mut().for_each(|x| *x = E::of(mean)),
    }
}

/// Fills with one value, like `constant_`.
#[nnmacro::__compiled_once]
pub fn constant_<E: Element>(tensor: &DynTensor<E>, value: f64) {
    tensor.data_mut().iter_mut().for_each(|x| *x = E::of(value));
}

/// Fills with zeros, like `zeros_`.
#[nnmacro::__compiled_once]
pub fn zeros_<E: Element>(tensor: &DynTensor<E>) {
    constant_(tensor, 0.0);
}

/// Fills with ones, like `ones_`.
#[nnmacro::__compiled_once]
pub fn ones_<E: Element>(tensor: &DynTensor<E>) {
    constant_(tensor, 1.0);
}

/// He initialisation from U(-b, b) with b = gain·√(3 / fan), like
/// `kaiming_uniform_(tensor, a, mode, nonlinearity)`. PyTorch's default for
/// Linear and Conv weights is `a = √5`, fan_in, leaky_relu, which gives
/// b = 1/√fan_in.
///
/// ```
/// use nncore::{init::{kaiming_uniform_, FanMode, Nonlinearity}, DynTensor};
/// let w = DynTensor::<f32>::zeros(&[10, 25]).unwrap();
/// kaiming_uniform_(&w, FanMode::FanIn, Nonlinearity::LeakyRelu(5f64.sqrt())).unwrap();
/// assert!(w.to_vec().iter().all(|v| v.abs() <= 0.2));
/// ```
#[nnmacro::__compiled_once]
pub fn kaiming_uniform_<E: Element>(
    tensor: &DynTensor<E>,
    mode: FanMode,
    nonlinearity: Nonlinearity,
) -> Result<()> {
    let fan = fan(tensor.shape(), mode)?;
    let bound = if fan == 0 {
        0.0
    } else {
        calculate_gain(nonlinearity) * (3.0 / fan as f64).sqrt()
    };
    uniform_(tensor, -bound, bound);
    Ok(())
}

/// He initialisation from N(0, std²) with std = gain/√fan, like
/// `kaiming_normal_`.
#[nnmacro::__compiled_once]
pub fn kaiming_normal_<E: Element>(
    tensor: &DynTensor<E>,
    mode: FanMode,
    nonlinearity: Nonlinearity,
) -> Result<()> {
    let fan = fan(tensor.shape(), mode)?;
    let std = if fan == 0 {
        0.0
    } else {
        calculate_gain(nonlinearity) / (fan as f64).sqrt()
    };
    normal_(tensor, 0.0, std);
    Ok(())
}

/// Glorot initialisation from U(-b, b) with b = gain·√(6 / (fan_in + fan_out)),
/// like `xavier_uniform_`.
#[nnmacro::__compiled_once]
pub fn xavier_uniform_<E: Element>(tensor: &DynTensor<E>, gain: f64) -> Result<()> {
    let (fan_in, fan_out) = calculate_fan_in_and_fan_out(tensor.shape())?;
    let bound = gain * (6.0 / (fan_in + fan_out).max(1) as f64).sqrt();
    uniform_(tensor, -bound, bound);
    Ok(())
}

/// Glorot initialisation from N(0, std²) with std = gain·√(2 / (fan_in + fan_out)),
/// like `xavier_normal_`.
#[nnmacro::__compiled_once]
pub fn xavier_normal_<E: Element>(tensor: &DynTensor<E>, gain: f64) -> Result<()> {
    let (fan_in, fan_out) = calculate_fan_in_and_fan_out(tensor.shape())?;
    normal_(
        tensor,
        0.0,
        gain * (2.0 / (fan_in + fan_out).max(1) as f64).sqrt(),
    );
    Ok(())
}
