//! `nn.Flatten`: all dimensions after the batch into one.

use super::module::training_flag;
use super::spec::{Args, LayerSpec, RunSpec, pytorch_default};
use super::{DynForward, Forward, Module, fmt_module};
use crate::shape::{FlattenOut, FlattenRule};
use crate::{DynTensor, Element, Result, Tensor};
use std::fmt;

/// Flattens `(N, C, H, W)` (or `(N, A, B)`, `(N, A)`) into `(N, C·H·W)`,
/// like `nn.Flatten()` (start_dim = 1, end_dim = -1). The product is
/// computed by the compiler, so the following Linear's `in_features` is
/// checked.
///
/// ```
/// use nncore::nn::{Flatten, Forward};
/// use nncore::shape::{Dyn, consts::{U16, U5}};
/// use nncore::Tensor;
/// let x = Tensor::<(Dyn, U16, U5, U5)>::zeros((Dyn(2), U16::default(), U5::default(), U5::default())).unwrap();
/// let y = Flatten::new().forward(x);
/// assert_eq!(y.dims().as_slice(), &[2, 400]);
/// assert_eq!(Flatten::new().to_string(), "Flatten(start_dim=1, end_dim=-1)");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Flatten {
    training: bool,
}

impl Default for Flatten {
    fn default() -> Self {
        Self::new()
    }
}

impl Flatten {
    /// `nn.Flatten()`.
    pub fn new() -> Self {
        Flatten { training: true }
    }
}

impl Module for Flatten {
    training_flag!();
    fn type_name(&self) -> &str {
        "Flatten"
    }
    fn extra_repr(&self) -> String {
        FlattenSpec::default().extra_repr()
    }
}

impl DynForward for Flatten {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        x.flatten(1, -1)
    }
}

impl<S: FlattenRule> Forward<Tensor<S>> for Flatten {
    type Output = Tensor<FlattenOut<S>>;
    fn forward(&self, x: Tensor<S>) -> Self::Output {
        let out_shape = x.shape().flatten_output();
        let y = self
            .forward_dyn(x.as_dyn())
            .unwrap_or_else(|e| panic!("{e}"));
        Tensor::from_raw_unchecked(y, out_shape)
    }
}

impl fmt::Display for Flatten {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}

/// `nn.Flatten(start_dim=1, end_dim=-1)`'s arguments. The static
/// [`Flatten`] is PyTorch's default (the compiler computes its output
/// shape); a `Flatten` built at run time takes any dims.
///
/// ```
/// use nncore::nn::FlattenSpec;
/// use nncore::nn::spec::LayerSpec;
/// assert_eq!(FlattenSpec::default().extra_repr(), "start_dim=1, end_dim=-1");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlattenSpec {
    /// `start_dim`.
    pub start_dim: i64,
    /// `end_dim`.
    pub end_dim: i64,
}

impl Default for FlattenSpec {
    fn default() -> Self {
        pytorch_default()
    }
}

impl LayerSpec for FlattenSpec {
    const NAME: &'static str = "Flatten";
    fn parse(a: &Args<'_>) -> Result<Self> {
        Ok(FlattenSpec {
            start_dim: a.int("start_dim")?,
            end_dim: a.int("end_dim")?,
        })
    }
    fn extra_repr(&self) -> String {
        format!("start_dim={}, end_dim={}", self.start_dim, self.end_dim)
    }
}

impl RunSpec for FlattenSpec {
    fn run<E: Element>(
        &self,
        x: &DynTensor<E>,
        _: Option<&DynTensor<E>>,
        _: Option<&DynTensor<E>>,
        _training: bool,
    ) -> Result<DynTensor<E>> {
        x.flatten(self.start_dim as isize, self.end_dim as isize)
    }
}
