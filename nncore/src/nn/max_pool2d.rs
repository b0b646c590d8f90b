//! `nn.MaxPool2d` with square window, stride, padding and dilation given
//! as types, so the compiler computes the output size; the layer types are
//! written by [`max_pool2d_layer!`], which `MaxPool2dCeil` shares.

use super::{DynForward, Forward};
use crate::Tensor;
use crate::shape::{MaxPool2dOut, MaxPool2dRule};

/// Writes a max-pooling layer type over `K`×`K` windows, its sizes as
/// types: the struct, `new`, `options`, `Default`, `Module` (PyTorch's
/// printout with the given `ceil_mode`), `DynForward` and `Display`.
/// `MaxPool2d` and `MaxPool2dCeil` differ only in `ceil_mode` and in their
/// `Forward` (whose bound is the shape rule), written out beside each so
/// that a shape error points at plain code.
macro_rules! max_pool2d_layer {
    (
        $(#[$doc:meta])*
        $name:ident, ceil_mode = $ceil:literal
    ) => {
        $(#[$doc])*
        pub struct $name<K, S = K, P = $crate::shape::U0, D = $crate::shape::U1> {
            training: bool,
            /// The sizes, only in the type (`fn() -> T` keeps the layer `Send + Sync`).
            sizes: ::std::marker::PhantomData<fn() -> (K, S, P, D)>,
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> $name<K, S, P, D> {
            /// The layer with the sizes of the type.
            pub fn new() -> Self {
                $name {
                    training: true,
                    sizes: ::std::marker::PhantomData,
                }
            }

            /// The runtime options of the functional
            /// [`max_pool2d`]($crate::ops::max_pool2d).
            pub fn options(&self) -> $crate::ops::MaxPool2dOptions {
                self.spec().options()
            }

            /// The arguments of the type, as `nn.MaxPool2d` takes them.
            pub fn spec(&self) -> $crate::nn::MaxPool2dSpec {
                $crate::nn::MaxPool2dSpec::square(K::USIZE, S::USIZE, P::USIZE, D::USIZE, $ceil)
            }
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> Default for $name<K, S, P, D> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> $crate::nn::Module
            for $name<K, S, P, D>
        {
            $crate::nn::module::training_flag!();
            fn type_name(&self) -> &str {
                "MaxPool2d"
            }
            fn extra_repr(&self) -> String {
                $crate::nn::spec::LayerSpec::extra_repr(&self.spec())
            }
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> $crate::nn::DynForward
            for $name<K, S, P, D>
        {
            fn forward_dyn(&self, x: &$crate::DynTensor) -> $crate::Result<$crate::DynTensor> {
                $crate::ops::max_pool2d(x, self.options())
            }
        }

        impl<K: StaticDim, S: StaticDim, P: StaticDim, D: StaticDim> ::std::fmt::Display
            for $name<K, S, P, D>
        {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::nn::fmt_module(self, f)
            }
        }
    };
}

use super::spec::{Args, IntOrPair, LayerSpec, RunSpec, py_bool};
use crate::ops::{MaxPool2dOptions, max_pool2d};
use crate::shape::StaticDim;
use crate::{DynTensor, Element, Result};
pub(super) use max_pool2d_layer;

/// `nn.MaxPool2d(kernel_size, stride=None, padding=0, dilation=1,
/// return_indices=False, ceil_mode=False)`'s arguments, each size kept as
/// given (an int or a pair), as PyTorch prints it. [`MaxPool2d`] and
/// [`MaxPool2dCeil`](super::MaxPool2dCeil) print through it; a layer
/// built at run time parses and runs it.
///
/// ```
/// use nncore::nn::MaxPool2dSpec;
/// use nncore::nn::spec::{LayerSpec, parse};
/// use nncore::nn::dynamic::LayerOptions;
/// let spec: MaxPool2dSpec = parse(&LayerOptions::new().with("kernel_size", 3))?;
/// assert_eq!(spec.extra_repr(), "kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False");
/// let pair: MaxPool2dSpec = parse(&LayerOptions::new().with("kernel_size", 2).with("stride", 1).with("ceil_mode", true))?;
/// assert_eq!(pair.extra_repr(), "kernel_size=2, stride=1, padding=0, dilation=1, ceil_mode=True");
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxPool2dSpec {
    /// `kernel_size`.
    pub kernel_size: IntOrPair,
    /// `stride` (PyTorch's `None` is the kernel size).
    pub stride: IntOrPair,
    /// `padding`.
    pub padding: IntOrPair,
    /// `dilation`.
    pub dilation: IntOrPair,
    /// `return_indices` (Kiln cannot run it yet: described only).
    pub return_indices: bool,
    /// `ceil_mode`.
    pub ceil_mode: bool,
}

impl MaxPool2dSpec {
    /// A static layer's arguments: square sizes given as ints.
    pub(crate) fn square(k: usize, s: usize, p: usize, d: usize, ceil_mode: bool) -> Self {
        MaxPool2dSpec {
            kernel_size: IntOrPair::One(k),
            stride: IntOrPair::One(s),
            padding: IntOrPair::One(p),
            dilation: IntOrPair::One(d),
            return_indices: false,
            ceil_mode,
        }
    }

    /// The options of the functional [`max_pool2d`].
    pub fn options(&self) -> MaxPool2dOptions {
        MaxPool2dOptions {
            kernel_size: self.kernel_size.hw(),
            stride: self.stride.hw(),
            padding: self.padding.hw(),
            dilation: self.dilation.hw(),
            ceil_mode: self.ceil_mode,
        }
    }
}

impl LayerSpec for MaxPool2dSpec {
    const NAME: &'static str = "MaxPool2d";
    fn parse(a: &Args<'_>) -> Result<Self> {
        Ok(MaxPool2dSpec {
            kernel_size: a.int_or_pair("kernel_size")?,
            stride: a.int_or_pair("stride")?,
            padding: a.int_or_pair("padding")?,
            dilation: a.int_or_pair("dilation")?,
            return_indices: a.flag("return_indices")?,
            ceil_mode: a.flag("ceil_mode")?,
        })
    }
    fn extra_repr(&self) -> String {
        format!(
            "kernel_size={}, stride={}, padding={}, dilation={}, ceil_mode={}",
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            py_bool(self.ceil_mode)
        )
    }
}

impl RunSpec for MaxPool2dSpec {
    fn runnable(&self) -> bool {
        !self.return_indices
    }
    fn run<E: Element>(
        &self,
        x: &DynTensor<E>,
        _: Option<&DynTensor<E>>,
        _: Option<&DynTensor<E>>,
        _training: bool,
    ) -> Result<DynTensor<E>> {
        max_pool2d(x, self.options())
    }
}

max_pool2d_layer! {
/// Max pooling over `K`×`K` windows with stride `S` (PyTorch's default:
/// the window size), padding `P` and dilation `D`, like
/// `nn.MaxPool2d(kernel_size, stride=None, padding=0, dilation=1)`.
/// Input `(N, C, H, W)`, output `(N, C, Ho, Wo)` with
/// `Ho = (H + 2P - D(K-1) - 1) / S + 1`.
///
/// ```
/// use nncore::nn::{Forward, MaxPool2d};
/// use nncore::shape::{Dyn, U2, U6, U28};
/// use nncore::Tensor;
/// let pool = MaxPool2d::<U2>::new();
/// let x = Tensor::<(Dyn, U6, U28, U28)>::zeros((Dyn(1), U6::default(), U28::default(), U28::default())).unwrap();
/// assert_eq!(pool.forward(x).dims().as_slice(), &[1, 6, 14, 14]);
/// assert_eq!(pool.to_string(), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
/// ```
    MaxPool2d, ceil_mode = false
}

impl<K, S, P, D, X> Forward<Tensor<X>> for MaxPool2d<K, S, P, D>
where
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    D: StaticDim,
    X: MaxPool2dRule<K, S, P, D>,
{
    type Output = Tensor<MaxPool2dOut<X, K, S, P, D>>;

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
