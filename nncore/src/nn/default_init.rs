//! PyTorch's `reset_parameters` for Linear and the convolutions, shared by
//! the layers (and the conformance runner, which checks it in f64).

use crate::init::{
    FanMode, Nonlinearity, calculate_fan_in_and_fan_out, kaiming_uniform_, uniform_,
};
use crate::{DynTensor, Element, Result};

/// Initialises a weight `[out, in/groups, k...]` (or `[out, in]`) and its
/// bias as PyTorch's Linear, ConvNd and ConvTransposeNd do: the weight from
/// `kaiming_uniform_(a=√5)` (U(-1/√fan_in, 1/√fan_in)), the bias from
/// U(-1/√fan_in, 1/√fan_in), fan_in computed from the weight's shape.
///
/// ```
/// use nncore::{nn::default_init, DynTensor};
/// let w = DynTensor::<f64>::zeros(&[4, 2, 3, 3]).unwrap();
/// let b = DynTensor::<f64>::zeros(&[4]).unwrap();
/// default_init(&w, Some(&b)).unwrap();
/// let bound = 1.0 / 18f64.sqrt();
/// assert!(w.to_vec().iter().chain(&b.to_vec()).all(|v| v.abs() <= bound));
/// ```
#[nnmacro::__compiled_once]
pub fn default_init<E: Element>(weight: &DynTensor<E>, bias: Option<&DynTensor<E>>) -> Result<()> {
    kaiming_uniform_(weight, FanMode::FanIn, Nonlinearity::LeakyRelu(5f64.sqrt()))?;
    if let Some(b) = bias {
        let (fan_in, _) = calculate_fan_in_and_fan_out(weight.shape())?;
        let bound = if fan_in > 0 {
            1.0 / (fan_in as f64).sqrt()
        } else {
            0.0
        };
        uniform_(b, -bound, bound);
    }
    Ok(())
}
