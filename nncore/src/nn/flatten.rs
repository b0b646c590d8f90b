//! `nn.Flatten`: all dimensions after the batch into one.

use super::module::training_flag;
use super::{DynForward, Forward, Module, fmt_module};
use crate::shape::{FlattenOut, FlattenRule};
use crate::{DynTensor, Result, Tensor};
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
        "start_dim=1, end_dim=-1".into()
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
