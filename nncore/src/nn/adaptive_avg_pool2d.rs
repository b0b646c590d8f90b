//! `nn.AdaptiveAvgPool2d` with the output size given as types.

use super::dynamic::OptValue;
use super::module::training_flag;
use super::spec::{Args, LayerSpec, RunSpec};
use super::{DynForward, Forward, Module, fmt_module};
use crate::ops::adaptive_avg_pool2d;
use crate::shape::{AdaptiveAvgPool2dOut, AdaptiveAvgPool2dRule, StaticDim};
use crate::{DynTensor, Element, Result, Tensor};
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
/// let x = Tensor::<(Dyn, U3, U7, U7)>::zeros((Dyn(2), U3::default(), U7::default(), U7::default())).unwrap();
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
        // An int when both sides are equal, as `nn.AdaptiveAvgPool2d(n)`.
        let output_size = if OH::USIZE == OW::USIZE {
            AdaptiveSize::One(OH::USIZE)
        } else {
            AdaptiveSize::Pair(Some(OH::USIZE), Some(OW::USIZE))
        };
        AdaptiveAvgPool2dSpec { output_size }.extra_repr()
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

/// `AdaptiveAvgPool2d`'s `output_size` as given: an int, or a pair whose
/// sides may be `None` (keep the input's size).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdaptiveSize {
    /// One size for both sides.
    One(usize),
    /// (height, width); `None` keeps the input's.
    Pair(Option<usize>, Option<usize>),
}

/// `nn.AdaptiveAvgPool2d(output_size)`'s argument: what
/// [`AdaptiveAvgPool2d`] prints and a layer built at run time parses and runs.
///
/// ```
/// use nncore::nn::{AdaptiveAvgPool2dSpec, AdaptiveSize};
/// use nncore::nn::spec::LayerSpec;
/// let spec = AdaptiveAvgPool2dSpec { output_size: AdaptiveSize::Pair(None, Some(3)) };
/// assert_eq!(spec.extra_repr(), "output_size=(None, 3)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdaptiveAvgPool2dSpec {
    /// `output_size`.
    pub output_size: AdaptiveSize,
}

impl LayerSpec for AdaptiveAvgPool2dSpec {
    const NAME: &'static str = "AdaptiveAvgPool2d";
    fn parse(a: &Args<'_>) -> Result<Self> {
        let item = |v: &OptValue| match v {
            OptValue::None => Ok(None),
            OptValue::Int(i) if *i >= 0 => Ok(Some(*i as usize)),
            other => Err(a.error(
                "output_size",
                format!("{} is not a size or None", other.py_repr()),
            )),
        };
        let output_size = match a.value("output_size")? {
            OptValue::Tuple(pair) if pair.len() == 2 => {
                AdaptiveSize::Pair(item(&pair[0])?, item(&pair[1])?)
            }
            OptValue::Int(i) if i >= 0 => AdaptiveSize::One(i as usize),
            other => {
                return Err(a.error(
                    "output_size",
                    format!("{} is not a size or a pair", other.py_repr()),
                ));
            }
        };
        Ok(AdaptiveAvgPool2dSpec { output_size })
    }
    fn extra_repr(&self) -> String {
        let side = |s: Option<usize>| s.map_or("None".to_string(), |s| s.to_string());
        match self.output_size {
            AdaptiveSize::One(n) => format!("output_size={n}"),
            AdaptiveSize::Pair(h, w) => format!("output_size=({}, {})", side(h), side(w)),
        }
    }
}

impl RunSpec for AdaptiveAvgPool2dSpec {
    fn run<E: Element>(
        &self,
        x: &DynTensor<E>,
        _: Option<&DynTensor<E>>,
        _: Option<&DynTensor<E>>,
        _training: bool,
    ) -> Result<DynTensor<E>> {
        let size = match self.output_size {
            AdaptiveSize::One(n) => (Some(n), Some(n)),
            AdaptiveSize::Pair(h, w) => (h, w),
        };
        adaptive_avg_pool2d(x, size)
    }
}
