//! `nn.AdaptiveAvgPool2d` with the output size given as types.

use super::module::training_flag;
use super::{DynForward, Forward, Module, fmt_module};
use crate::ops::adaptive_avg_pool2d;
use crate::shape::{AdaptiveAvgPool2dOut, AdaptiveAvgPool2dRule, StaticDim};
use crate::{DynTensor, Result, Tensor};
use std::fmt;
use std::marker::PhantomData;

/// Average pooling to a fixed `OH`×`OW` output whatever the input size,
/// like `nn.AdaptiveAvgPool2d((OH, OW))` (`OW` defaults to `OH`).
/// Input `(N, C, H, W)`, output `(N, C, OH, OW)`.
///
/// ```
/// use nncore::nn::{AdaptiveAvgPool2d, Forward};
/// use nncore::shape::{Dyn, U1, U3, U7};
/// use nncore::Tensor;
/// let pool = AdaptiveAvgPool2d::<U1>::new();
/// let x = Tensor::<(Dyn, U3, U7, U7)>::zeros((Dyn(2), U3::default(), U7::default(), U7::default()));
/// assert_eq!(pool.forward(x).dims().as_slice(), &[2, 3, 1, 1]);
/// assert_eq!(pool.to_string(), "AdaptiveAvgPool2d(output_size=1)");
/// assert_eq!(AdaptiveAvgPool2d::<U1, U3>::new().to_string(), "AdaptiveAvgPool2d(output_size=(1, 3))");
/// ```
pub struct AdaptiveAvgPool2d<OH, OW = OH> {
    training: bool,
    sizes: PhantomData<fn() -> (OH, OW)>,
}

impl<OH: StaticDim, OW: StaticDim> AdaptiveAvgPool2d<OH, OW> {
    /// The layer with the output size of its type.
    pub fn new() -> Self {
        AdaptiveAvgPool2d {
            training: true,
            sizes: PhantomData,
        }
    }
}

impl<OH: StaticDim, OW: StaticDim> Default for AdaptiveAvgPool2d<OH, OW> {
    fn default() -> Self {
        Self::new()
    }
}

impl<OH: StaticDim, OW: StaticDim> Module for AdaptiveAvgPool2d<OH, OW> {
    training_flag!();
    fn type_name(&self) -> &str {
        "AdaptiveAvgPool2d"
    }
    fn extra_repr(&self) -> String {
        // PyTorch prints the argument as given; an int when both are equal.
        if OH::USIZE == OW::USIZE {
            format!("output_size={}", OH::USIZE)
        } else {
            format!("output_size=({}, {})", OH::USIZE, OW::USIZE)
        }
    }
}

impl<OH: StaticDim, OW: StaticDim> DynForward for AdaptiveAvgPool2d<OH, OW> {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        adaptive_avg_pool2d(x, (Some(OH::USIZE), Some(OW::USIZE)))
    }
}

impl<OH: StaticDim, OW: StaticDim, S: AdaptiveAvgPool2dRule<OH, OW>> Forward<Tensor<S>>
    for AdaptiveAvgPool2d<OH, OW>
{
    type Output = Tensor<AdaptiveAvgPool2dOut<S, OH, OW>>;
    /// # Panics
    /// Never for a valid layer (`OH`, `OW` and the input sizes positive).
    fn forward(&self, x: Tensor<S>) -> Self::Output {
        let shape = x.shape().adaptive_avg_pool2d_output();
        let y = self
            .forward_dyn(x.as_dyn())
            .unwrap_or_else(|e| panic!("{e}"));
        Tensor::from_raw_unchecked(y, shape)
    }
}

impl<OH: StaticDim, OW: StaticDim> fmt::Display for AdaptiveAvgPool2d<OH, OW> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}
