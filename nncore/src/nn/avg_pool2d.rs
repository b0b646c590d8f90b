//! `nn.AvgPool2d` with square window, stride and padding given as types,
//! so the compiler computes the output size; the layer types are written by
//! [`avg_pool2d_layer!`], which `AvgPool2dCeil` shares.

use super::spec::{Args, IntOrPair, LayerSpec, RunSpec};
use super::{DynForward, Forward};
use crate::ops::{AvgPool2dOptions, avg_pool2d};
use crate::shape::{AvgPool2dOut, AvgPool2dRule, StaticDim};
use crate::{DynTensor, Element, Result, Tensor};

/// Writes an average-pooling layer type over `K`×`K` windows, its sizes as
/// types: the struct, `new`, the `count_include_pad` and
/// `divisor_override` builders, `options`, `Default`, `Module` (PyTorch's
/// printout, which shows no `ceil_mode`), `DynForward` and `Display`.
/// `AvgPool2d` and `AvgPool2dCeil` differ only in `ceil_mode` and in their
/// `Forward` (whose bound is the shape rule), written out beside each so
/// that a shape error points at plain code.
macro_rules! avg_pool2d_layer {
    (
        $(#[$doc:meta])*
        $name:ident, ceil_mode = $ceil:literal
    ) => {
        $(#[$doc])*
        pub struct $name<K, S = K, P = $crate::shape::U0> {
            count_include_pad: bool,
            divisor_override: Option<usize>,
            training: bool,
            /// The sizes, only in the type (`fn() -> T` keeps the layer `Send + Sync`).
            sizes: ::std::marker::PhantomData<fn() -> (K, S, P)>,
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim> $name<K, S, P> {
            /// The layer with the sizes of the type (padding zeros counted
            /// in the divisor, no divisor override).
            pub fn new() -> Self {
                $name {
                    count_include_pad: true,
                    divisor_override: None,
                    training: true,
                    sizes: ::std::marker::PhantomData,
                }
            }

            /// `count_include_pad`: whether the padding zeros count in the divisor.
            pub fn count_include_pad(mut self, count: bool) -> Self {
                self.count_include_pad = count;
                self
            }

            /// `divisor_override`: divide every window's sum by this instead.
            pub fn divisor_override(mut self, divisor: Option<usize>) -> Self {
                self.divisor_override = divisor;
                self
            }

            /// The runtime options of the functional
            /// [`avg_pool2d`]($crate::ops::avg_pool2d).
            pub fn options(&self) -> $crate::ops::AvgPool2dOptions {
                self.spec().options()
            }

            /// The arguments of the type and the builders, as
            /// `nn.AvgPool2d` takes them.
            pub fn spec(&self) -> $crate::nn::AvgPool2dSpec {
                $crate::nn::AvgPool2dSpec {
                    count_include_pad: self.count_include_pad,
                    divisor_override: self.divisor_override,
                    ..$crate::nn::AvgPool2dSpec::square(K::USIZE, S::USIZE, P::USIZE, $ceil)
                }
            }
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim> Default for $name<K, S, P> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim> $crate::nn::Module for $name<K, S, P> {
            $crate::nn::module::training_flag!();
            fn type_name(&self) -> &str {
                "AvgPool2d"
            }
            fn extra_repr(&self) -> String {
                $crate::nn::spec::LayerSpec::extra_repr(&self.spec())
            }
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim> $crate::nn::DynForward for $name<K, S, P> {
            fn forward_dyn(&self, x: &$crate::DynTensor) -> $crate::Result<$crate::DynTensor> {
                $crate::ops::avg_pool2d(x, self.options())
            }
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim> ::std::fmt::Display for $name<K, S, P> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::nn::fmt_module(self, f)
            }
        }
    };
}

pub(super) use avg_pool2d_layer;

/// `nn.AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False,
/// count_include_pad=True, divisor_override=None)`'s arguments, each size
/// kept as given (an int or a pair). [`AvgPool2d`] and
/// [`AvgPool2dCeil`](super::AvgPool2dCeil) print through it; a layer built
/// at run time parses and runs it.
///
/// ```
/// use nncore::nn::AvgPool2dSpec;
/// use nncore::nn::spec::{LayerSpec, parse};
/// use nncore::nn::dynamic::LayerOptions;
/// let spec: AvgPool2dSpec = parse(&LayerOptions::new().with("kernel_size", 3).with("ceil_mode", true))?;
/// // PyTorch's AvgPool2d.extra_repr shows only these three.
/// assert_eq!(spec.extra_repr(), "kernel_size=3, stride=3, padding=0");
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AvgPool2dSpec {
    /// `kernel_size`.
    pub kernel_size: IntOrPair,
    /// `stride` (PyTorch's `None` is the kernel size).
    pub stride: IntOrPair,
    /// `padding`.
    pub padding: IntOrPair,
    /// `ceil_mode`.
    pub ceil_mode: bool,
    /// `count_include_pad`: whether the padding zeros count in the divisor.
    pub count_include_pad: bool,
    /// `divisor_override`.
    pub divisor_override: Option<usize>,
}

impl AvgPool2dSpec {
    /// A static layer's arguments: square sizes given as ints, PyTorch's
    /// defaults otherwise.
    pub(crate) fn square(k: usize, s: usize, p: usize, ceil_mode: bool) -> Self {
        AvgPool2dSpec {
            kernel_size: IntOrPair::One(k),
            stride: IntOrPair::One(s),
            padding: IntOrPair::One(p),
            ceil_mode,
            count_include_pad: true,
            divisor_override: None,
        }
    }

    /// The options of the functional [`avg_pool2d`].
    pub fn options(&self) -> AvgPool2dOptions {
        AvgPool2dOptions {
            kernel_size: self.kernel_size.hw(),
            stride: self.stride.hw(),
            padding: self.padding.hw(),
            ceil_mode: self.ceil_mode,
            count_include_pad: self.count_include_pad,
            divisor_override: self.divisor_override,
        }
    }
}

impl LayerSpec for AvgPool2dSpec {
    const NAME: &'static str = "AvgPool2d";
    fn parse(a: &Args<'_>) -> Result<Self> {
        let divisor_override = match a.opt_int("divisor_override")? {
            None => None,
            Some(_) => Some(a.size("divisor_override")?),
        };
        Ok(AvgPool2dSpec {
            kernel_size: a.int_or_pair("kernel_size")?,
            stride: a.int_or_pair("stride")?,
            padding: a.int_or_pair("padding")?,
            ceil_mode: a.flag("ceil_mode")?,
            count_include_pad: a.flag("count_include_pad")?,
            divisor_override,
        })
    }
    fn extra_repr(&self) -> String {
        format!(
            "kernel_size={}, stride={}, padding={}",
            self.kernel_size, self.stride, self.padding
        )
    }
}

impl RunSpec for AvgPool2dSpec {
    fn run<E: Element>(
        &self,
        x: &DynTensor<E>,
        _: Option<&DynTensor<E>>,
        _: Option<&DynTensor<E>>,
        _training: bool,
    ) -> Result<DynTensor<E>> {
        avg_pool2d(x, self.options())
    }
}

avg_pool2d_layer! {
/// Average pooling over `K`×`K` windows with stride `S` (PyTorch's
/// default: the window size) and zero padding `P`, like
/// `nn.AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False,
/// count_include_pad=True, divisor_override=None)`. Input `(N, C, H, W)`,
/// output `(N, C, Ho, Wo)` with `Ho = (H + 2P - K) / S + 1`, computed at
/// compile time.
///
/// `count_include_pad` and `divisor_override` change only the values, so
/// they are runtime builder options. `ceil_mode=True` is
/// [`AvgPool2dCeil`](super::AvgPool2dCeil).
///
/// ```
/// use nncore::nn::{AvgPool2d, Forward};
/// use nncore::shape::{Dyn, U1, U2, U3, U4, U7};
/// use nncore::Tensor;
/// // nn.AvgPool2d(3, stride=2, padding=1): 7x7 becomes 4x4.
/// let pool = AvgPool2d::<U3, U2, U1>::new().count_include_pad(false);
/// let x = Tensor::<(Dyn, U3, U7, U7)>::zeros((Dyn(2), U3::default(), U7::default(), U7::default())).unwrap();
/// let y: Tensor<(Dyn, U3, U4, U4)> = pool.forward(x);
/// assert_eq!(y.dims().as_slice(), &[2, 3, 4, 4]);
/// assert_eq!(pool.to_string(), "AvgPool2d(kernel_size=3, stride=2, padding=1)");
/// ```
    AvgPool2d, ceil_mode = false
}

impl<K, S, P, X> Forward<Tensor<X>> for AvgPool2d<K, S, P>
where
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    X: AvgPool2dRule<K, S, P>,
{
    type Output = Tensor<AvgPool2dOut<X, K, S, P>>;

    /// # Panics
    /// When a runtime (`Dyn`) spatial size is too small for the window;
    /// static sizes are checked at compile time.
    fn forward(&self, x: Tensor<X>) -> Self::Output {
        let out_shape = x.shape().pool2d_output();
        let y = self
            .forward_dyn(x.as_dyn())
            .unwrap_or_else(|e| panic!("{e}"));
        Tensor::from_raw_unchecked(y, out_shape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::{Dyn, U1, U2, U3, U4, U7};

    /// PyTorch: `nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)`
    /// on `arange(49).reshape(1, 1, 7, 7)`, the first output row.
    #[test]
    fn values_and_sizes_are_pytorchs() {
        let pool = AvgPool2d::<U3, U2, U1>::new().count_include_pad(false);
        let data: Vec<f32> = (0..49).map(|v| v as f32).collect();
        let x =
            Tensor::<(Dyn, U1, U7, U7)>::from_vec(data, (Dyn(1), U1::new(), U7::new(), U7::new()))
                .unwrap();
        let y: Tensor<(Dyn, U1, U4, U4)> = pool.forward(x);
        assert_eq!(&y.as_dyn().to_vec()[..4], &[4.0, 5.5, 7.5, 9.0]);
        let x = Tensor::<(Dyn, U1, Dyn, Dyn)>::zeros((Dyn(1), U1::new(), Dyn(7), Dyn(7))).unwrap();
        assert_eq!(pool.forward(x).dims().as_slice(), &[1, 1, 4, 4]);
    }
}
