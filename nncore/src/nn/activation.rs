//! Activation layers: modules without parameters that apply an
//! elementwise function.

use super::module::training_flag;
use super::{DynForward, Forward, Module, fmt_module};
use crate::shape::Shape;
use crate::{DynTensor, Result, Tensor};
use std::fmt;

/// `nn.ReLU`: `max(x, 0)` elementwise; any shape.
///
/// ```
/// use nncore::nn::ReLU;
/// assert_eq!(ReLU::new().to_string(), "ReLU()");
/// assert_eq!(ReLU::new().inplace(true).to_string(), "ReLU(inplace=True)");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ReLU {
    inplace: bool,
    training: bool,
}

impl Default for ReLU {
    fn default() -> Self {
        Self::new()
    }
}

impl ReLU {
    /// `nn.ReLU()`.
    pub fn new() -> Self {
        ReLU {
            inplace: false,
            training: true,
        }
    }

    /// PyTorch's `inplace` flag. Kiln never overwrites an op's input, so
    /// the flag only changes the printout (the result is the same).
    pub fn inplace(mut self, inplace: bool) -> Self {
        self.inplace = inplace;
        self
    }
}

impl Module for ReLU {
    training_flag!();
    fn type_name(&self) -> &str {
        "ReLU"
    }
    fn extra_repr(&self) -> String {
        if self.inplace {
            "inplace=True".into()
        } else {
            String::new()
        }
    }
}

impl DynForward for ReLU {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        Ok(x.relu())
    }
}

impl<S: Shape> Forward<Tensor<S>> for ReLU {
    type Output = Tensor<S>;
    fn forward(&self, x: Tensor<S>) -> Tensor<S> {
        x.relu()
    }
}

impl fmt::Display for ReLU {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}
