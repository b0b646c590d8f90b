//! `nn.Conv1d` with kernel, stride, padding, dilation and groups given as
//! types, so the compiler computes the output length.

use super::conv_common::{Conv1dSpec, conv_own_parameters, conv_parameters};
use super::module::training_flag;
use super::spec::LayerSpec;
use super::{DynForward, Forward, Module, Parameter, fmt_module};
use crate::ops::{Conv1dOptions, ConvPadding, conv1d};
use crate::shape::{Conv1dOut, Conv1dRule, ConvGroupsRule, StaticDim, U0, U1};
use crate::{DynTensor, Result, Tensor};
use std::fmt;
use std::marker::PhantomData;

/// The sizes the layer carries only in its type (`fn() -> T` keeps it
/// `Send + Sync`).
type Sizes<Cin, Cout, K, S, P, D, G> = fn() -> (Cin, Cout, K, S, P, D, G);

/// A 1-D convolution from `Cin` to `Cout` channels with a kernel of `K`,
/// stride `S`, zero padding `P`, dilation `D` and `G` groups, like
/// `nn.Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0,
/// dilation=1, groups=1, bias=True)`. Input `(N, Cin, L)`, output
/// `(N, Cout, Lo)` with `Lo = (L + 2P - D(K-1) - 1) / S + 1`, computed at
/// compile time; the compiler also checks that `G` divides both channel
/// counts.
///
/// PyTorch's `padding="valid"` is `P = U0`; `padding="same"` is
/// `P = D(K-1)/2` for an odd kernel (it prints as that number), and for
/// any kernel the functional [`conv1d`] with [`ConvPadding::Same`].
///
/// Initialised as PyTorch does (kaiming_uniform a=√5 on the weight
/// `[Cout, Cin/G, K]`, the bias from U(-1/√fan_in, 1/√fan_in)).
///
/// ```
/// use nncore::nn::{Conv1d, Forward};
/// use nncore::shape::{Dyn, U1, U2, U3, U4, U5, U6, U10};
/// use nncore::Tensor;
/// // nn.Conv1d(3, 6, 3, stride=2): a length of 10 becomes 4.
/// let conv = Conv1d::<U3, U6, U3, U2>::new();
/// let x = Tensor::<(Dyn, U3, U10)>::zeros((Dyn(2), U3::default(), U10::default())).unwrap();
/// let y: Tensor<(Dyn, U6, U4)> = conv.forward(x);
/// assert_eq!(y.dims().as_slice(), &[2, 6, 4]);
/// assert_eq!(conv.to_string(), "Conv1d(3, 6, kernel_size=(3,), stride=(2,))");
/// // A depthwise convolution that keeps the length (padding 2 = "same" for K = 5).
/// let dw = Conv1d::<U4, U4, U5, U1, U2, U1, U4>::with_bias(false);
/// assert_eq!(dw.weight().shape(), &[4, 1, 5]);
/// assert_eq!(dw.to_string(), "Conv1d(4, 4, kernel_size=(5,), stride=(1,), padding=(2,), groups=4, bias=False)");
/// ```
pub struct Conv1d<Cin, Cout, K, S = U1, P = U0, D = U1, G = U1> {
    weight: Parameter,
    bias: Option<Parameter>,
    training: bool,
    sizes: PhantomData<Sizes<Cin, Cout, K, S, P, D, G>>,
}

/// The `impl` header shared by the blocks below: all seven sizes static.
macro_rules! impl_sizes {
    ($($item:tt)*) => {
        impl<
            Cin: StaticDim,
            Cout: StaticDim,
            K: StaticDim,
            S: StaticDim,
            P: StaticDim,
            D: StaticDim,
            G: StaticDim,
        > $($item)*
    };
}

impl_sizes! {
    Conv1d<Cin, Cout, K, S, P, D, G> {
        /// The layer with a bias, initialised as PyTorch does. `G` must
        /// divide both channel counts (checked by the compiler).
        pub fn new() -> Self
        where
            G: ConvGroupsRule<Cin, Cout>,
        {
            Self::with_bias(true)
        }

        /// The layer with or without a bias (`bias=False`).
        pub fn with_bias(bias: bool) -> Self
        where
            G: ConvGroupsRule<Cin, Cout>,
        {
            let (cin, cout, k) = (Cin::USIZE / G::USIZE.max(1), Cout::USIZE, K::USIZE);
            let (weight, bias) = conv_parameters(&[cout, cin, k], cout, bias);
            Conv1d {
                weight,
                bias,
                training: true,
                sizes: PhantomData,
            }
        }

        /// The weight, `[out_channels, in_channels / groups, K]`.
        pub fn weight(&self) -> &Parameter {
            &self.weight
        }

        /// The bias, `[out_channels]`, if any.
        pub fn bias(&self) -> Option<&Parameter> {
            self.bias.as_ref()
        }

        /// The runtime options of the functional [`conv1d`].
        pub fn options(&self) -> Conv1dOptions {
            Conv1dOptions {
                stride: S::USIZE,
                padding: ConvPadding::Explicit(0, P::USIZE),
                dilation: D::USIZE,
                groups: G::USIZE,
            }
        }
    }
}

impl<
    Cin: StaticDim,
    Cout: StaticDim,
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    D: StaticDim,
    G: StaticDim + ConvGroupsRule<Cin, Cout>,
> Default for Conv1d<Cin, Cout, K, S, P, D, G>
{
    fn default() -> Self {
        Self::new()
    }
}

impl_sizes! {
    Module for Conv1d<Cin, Cout, K, S, P, D, G> {
        training_flag!();
        fn type_name(&self) -> &str {
            "Conv1d"
        }
        fn extra_repr(&self) -> String {
            Conv1dSpec::square(
            (Cin::USIZE, Cout::USIZE),
            K::USIZE,
            S::USIZE,
            P::USIZE,
            D::USIZE,
            0,
            G::USIZE,
            self.bias.is_some(),
        )
        .extra_repr()
        }
        fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
            conv_own_parameters(&self.weight, &self.bias)
        }
    }
}

impl_sizes! {
    DynForward for Conv1d<Cin, Cout, K, S, P, D, G> {
        fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
            conv1d(x, &self.weight, self.bias.as_deref(), self.options())
        }
    }
}

impl<Cin, Cout, K, S, P, D, G, X> Forward<Tensor<X>> for Conv1d<Cin, Cout, K, S, P, D, G>
where
    Cin: StaticDim,
    Cout: StaticDim,
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    D: StaticDim,
    G: StaticDim,
    X: Conv1dRule<Cin, Cout, K, S, P, D>,
{
    type Output = Tensor<Conv1dOut<X, Cin, Cout, K, S, P, D>>;

    /// # Panics
    /// When a runtime (`Dyn`) channel count or length does not fit; static
    /// sizes are checked at compile time.
    fn forward(&self, x: Tensor<X>) -> Self::Output {
        let out_shape = x.shape().conv1d_output();
        let y = self
            .forward_dyn(x.as_dyn())
            .unwrap_or_else(|e| panic!("{e}"));
        Tensor::from_raw_unchecked(y, out_shape)
    }
}

impl_sizes! {
    fmt::Display for Conv1d<Cin, Cout, K, S, P, D, G> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt_module(self, f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::{Dyn, U2, U3, U6, U11};

    /// The typed output length is the runtime op's, for a static and a
    /// `Dyn` input (`(11 + 2·1 - 2·(3-1) - 1) / 2 + 1 = 5`).
    #[test]
    fn typed_length_matches_the_runtime_op() {
        let conv = Conv1d::<U6, U3, U3, U2, U1, U2, U3>::new();
        let x = Tensor::<(Dyn, U6, U11)>::zeros((Dyn(2), U6::new(), U11::new())).unwrap();
        let y: Tensor<(Dyn, U3, crate::shape::U5)> = conv.forward(x);
        assert_eq!(y.as_dyn().shape(), &[2, 3, 5]);
        let x = Tensor::<(Dyn, U6, Dyn)>::zeros((Dyn(1), U6::new(), Dyn(11))).unwrap();
        let y = conv.forward(x);
        assert_eq!(y.dims().as_slice(), y.as_dyn().shape());
        assert_eq!(y.dims().as_slice(), &[1, 3, 5]);
    }

    /// PyTorch: `nn.Conv1d(6, 3, 3, stride=2, padding=1, dilation=2,
    /// groups=3)`.
    #[test]
    fn repr_is_pytorchs() {
        let conv = Conv1d::<U6, U3, U3, U2, U1, U2, U3>::new();
        assert_eq!(
            conv.to_string(),
            "Conv1d(6, 3, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), groups=3)"
        );
        assert_eq!(conv.weight().shape(), &[3, 2, 3]);
    }
}
