//! `nn.ReLU6`: `min(max(0, x), 6)`, PyTorch's `Hardtanh(0, 6)` under its
//! own name.

use super::activation_layers::{activation_layer, elementwise_run};
use super::module::training_flag;
use super::spec::{Args, LayerSpec, RunSpec, inplace_only};
use super::{DynForward, Forward, Module, fmt_module};
use crate::shape::Shape;
use crate::{DynTensor, Element, Result, Tensor};
use std::fmt;

/// `nn.ReLU6(inplace=False)`'s argument: what [`ReLU6`] holds, prints and
/// runs, and a `ReLU6` built at run time parses.
///
/// ```
/// use nncore::nn::ReLU6Spec;
/// use nncore::nn::spec::LayerSpec;
/// assert_eq!(ReLU6Spec { inplace: true }.extra_repr(), "inplace=True");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReLU6Spec {
    /// `inplace`: Kiln never overwrites an op's input, so it only changes
    /// the printout.
    pub inplace: bool,
}

impl LayerSpec for ReLU6Spec {
    const NAME: &'static str = "ReLU6";
    fn parse(a: &Args<'_>) -> Result<Self> {
        Ok(ReLU6Spec {
            inplace: a.flag("inplace")?,
        })
    }
    fn extra_repr(&self) -> String {
        inplace_only(self.inplace)
    }
}

elementwise_run!(ReLU6Spec, |_s, x| Ok(x.hardtanh(0.0, 6.0)));

/// `nn.ReLU6()`: `min(max(0, x), 6)`; the gradient is 1 strictly inside
/// (0, 6) and 0 elsewhere, as PyTorch's `HardtanhBackward`.
///
/// ```
/// use nncore::nn::{DynForward, ReLU6};
/// use nncore::DynTensor;
/// let y = ReLU6::new().forward_dyn(&DynTensor::from_vec(vec![-1.0, 3.0, 7.0], &[3])?)?;
/// assert_eq!(y.to_vec(), vec![0.0, 3.0, 6.0]);
/// assert_eq!(ReLU6::new().to_string(), "ReLU6()");
/// assert_eq!(ReLU6::new().inplace(true).to_string(), "ReLU6(inplace=True)");
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ReLU6 {
    spec: ReLU6Spec,
    training: bool,
}

impl ReLU6 {
    /// `nn.ReLU6()`.
    pub fn new() -> Self {
        ReLU6 {
            spec: ReLU6Spec::default(),
            training: true,
        }
    }

    /// PyTorch's `inplace` flag: Kiln never overwrites an op's input, so it
    /// only changes the printout.
    pub fn inplace(mut self, inplace: bool) -> Self {
        self.spec.inplace = inplace;
        self
    }
}

impl Default for ReLU6 {
    fn default() -> Self {
        Self::new()
    }
}

activation_layer!(ReLU6, "ReLU6");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::dynamic::{LayerOptions, build_layer};
    use crate::nn::module_repr;

    /// PyTorch 2.15: `nn.ReLU6()(tensor([-1., 3., 7.]))` is `[0., 3., 6.]`,
    /// printed `ReLU6()`; built at run time from its class name the same.
    #[test]
    fn clamps_to_0_6_and_builds_at_run_time() {
        let x = DynTensor::<f32>::from_vec(vec![-1.0, 0.5, 3.0, 7.0], &[4]).unwrap();
        let layer = build_layer("ReLU6", &LayerOptions::new().with("inplace", true)).unwrap();
        assert_eq!(module_repr(layer.as_ref()), "ReLU6(inplace=True)");
        let y = layer.forward_dyn(&x).unwrap();
        assert_eq!(y.to_vec(), vec![0.0, 0.5, 3.0, 6.0]);
        assert_eq!(ReLU6::new().forward_dyn(&x).unwrap().to_vec(), y.to_vec());
    }
}
