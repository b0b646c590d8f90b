//! Activation layers: modules without parameters that apply an
//! elementwise function.

use super::module::training_flag;
use super::spec::{Args, LayerSpec, RunSpec};
use super::{DynForward, Forward, Module, fmt_module};
use crate::shape::Shape;
use crate::{DynTensor, Element, Result, Tensor};
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
    spec: ReLUSpec,
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
            spec: ReLUSpec::default(),
            training: true,
        }
    }

    /// PyTorch's `inplace` flag. Kiln never overwrites an op's input, so
    /// the flag only changes the printout (the result is the same).
    pub fn inplace(mut self, inplace: bool) -> Self {
        self.spec.inplace = inplace;
        self
    }
}

impl Module for ReLU {
    training_flag!();
    fn type_name(&self) -> &str {
        "ReLU"
    }
    fn extra_repr(&self) -> String {
        self.spec.extra_repr()
    }
}

impl DynForward for ReLU {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        self.spec.run(x, None, None, self.training)
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

/// `nn.ReLU(inplace=False)`'s argument: what [`ReLU`] holds, prints and
/// runs, and a `ReLU` built at run time parses.
///
/// ```
/// use nncore::nn::ReLUSpec;
/// use nncore::nn::spec::LayerSpec;
/// assert_eq!(ReLUSpec { inplace: true }.extra_repr(), "inplace=True");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReLUSpec {
    /// `inplace`: Kiln never overwrites an op's input, so it only changes
    /// the printout.
    pub inplace: bool,
}

impl LayerSpec for ReLUSpec {
    const NAME: &'static str = "ReLU";
    fn parse(a: &Args<'_>) -> Result<Self> {
        Ok(ReLUSpec {
            inplace: a.flag("inplace")?,
        })
    }
    fn extra_repr(&self) -> String {
        super::spec::inplace_only(self.inplace)
    }
}

impl RunSpec for ReLUSpec {
    fn run<E: Element>(
        &self,
        x: &DynTensor<E>,
        _: Option<&DynTensor<E>>,
        _: Option<&DynTensor<E>>,
        _training: bool,
    ) -> Result<DynTensor<E>> {
        Ok(x.relu())
    }
}
