//! `nn.Conv2d` with square kernel, stride, padding and dilation given as
//! types, so the compiler computes the output size.

use super::conv_common::{Conv2dSpec, conv_own_parameters, conv_parameters};
use super::module::training_flag;
use super::spec::LayerSpec;
use super::{DynForward, Forward, Module, Parameter, fmt_module};
use crate::ops::{Conv2dOptions, conv2d};
use crate::shape::{Conv2dOut, Conv2dRule, ConvGroupsRule, StaticDim, U0, U1};
use crate::{DynTensor, Result, Tensor};
use std::fmt;
use std::marker::PhantomData;

/// The sizes a `Conv2d` carries only in its type (`fn() -> T` keeps the
/// layer `Send + Sync` whatever `T` is).
type ConvSizes<Cin, Cout, K, S, P, D, G> = fn() -> (Cin, Cout, K, S, P, D, G);

/// A 2-D convolution from `Cin` to `Cout` channels with a `K`×`K` kernel,
/// stride `S`, zero padding `P`, dilation `D` and `G` groups, like
/// `nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True)`.
///
/// `groups` is a type parameter so that the compiler checks that it
/// divides both channel counts (the weight is `[Cout, Cin/G, K, K]`).
/// PyTorch's `padding="valid"` is `P = U0`; `padding="same"` (stride 1)
/// is `P = D(K-1)/2` for an odd kernel, and for any kernel on the
/// functional path ([`conv2d_padded`](crate::ops::conv2d_padded) with
/// [`ConvPadding::Same`](crate::ops::ConvPadding)), whose output size is
/// the input's.
/// Input `(N, Cin, H, W)`, output `(N, Cout, Ho, Wo)` with
/// `Ho = (H + 2P - D(K-1) - 1) / S + 1`, computed at compile time.
///
/// Initialised as PyTorch does: kaiming_uniform with a = √5 for the weight,
/// U(-1/√fan_in, 1/√fan_in) for the bias (fan_in = Cin·K·K).
///
/// ```
/// use nncore::nn::{Conv2d, Forward};
/// use nncore::shape::{Dyn, U1, U2, U3, U4, U28, U5, U6};
/// use nncore::Tensor;
/// let conv = Conv2d::<U1, U6, U5, U1, U2>::new();
/// let x = Tensor::<(Dyn, U1, U28, U28)>::zeros((Dyn(4), U1::default(), U28::default(), U28::default())).unwrap();
/// let y = conv.forward(x);
/// assert_eq!(y.dims().as_slice(), &[4, 6, 28, 28]);
/// assert_eq!(conv.to_string(), "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))");
/// // A depthwise convolution: 4 groups of one channel.
/// let dw = Conv2d::<U4, U4, U3, U1, U1, U1, U4>::new();
/// assert_eq!(dw.weight().shape(), &[4, 1, 3, 3]);
/// assert_eq!(dw.to_string(), "Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=4)");
/// ```
pub struct Conv2d<Cin, Cout, K, S = U1, P = U0, D = U1, G = U1> {
    weight: Parameter,
    bias: Option<Parameter>,
    training: bool,
    sizes: PhantomData<ConvSizes<Cin, Cout, K, S, P, D, G>>,
}

impl<
    Cin: StaticDim,
    Cout: StaticDim,
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    D: StaticDim,
    G: StaticDim,
> Conv2d<Cin, Cout, K, S, P, D, G>
{
    /// A convolution with a bias, initialised as PyTorch does. `G` must
    /// divide both channel counts (checked by the compiler).
    pub fn new() -> Self
    where
        G: ConvGroupsRule<Cin, Cout>,
    {
        Self::with_bias(true)
    }

    /// A convolution with or without a bias (`bias=False`).
    pub fn with_bias(bias: bool) -> Self
    where
        G: ConvGroupsRule<Cin, Cout>,
    {
        let (cin, cout, k) = (Cin::USIZE / G::USIZE.max(1), Cout::USIZE, K::USIZE);
        let (weight, bias) = conv_parameters(&[cout, cin, k, k], cout, bias);
        Conv2d {
            weight,
            bias,
            training: true,
            sizes: PhantomData,
        }
    }

    /// The weight, `[out_channels, in_channels / groups, K, K]`.
    pub fn weight(&self) -> &Parameter {
        &self.weight
    }

    /// The bias, `[out_channels]`, if any.
    pub fn bias(&self) -> Option<&Parameter> {
        self.bias.as_ref()
    }

    /// The runtime options of the functional `conv2d`.
    pub fn options(&self) -> Conv2dOptions {
        Conv2dOptions::default()
            .stride(S::USIZE)
            .padding(P::USIZE)
            .dilation(D::USIZE)
            .groups(G::USIZE)
    }
}

impl<
    Cin: StaticDim,
    Cout: StaticDim,
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    D: StaticDim,
    G: StaticDim,
> Default for Conv2d<Cin, Cout, K, S, P, D, G>
where
    G: ConvGroupsRule<Cin, Cout>,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<
    Cin: StaticDim,
    Cout: StaticDim,
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    D: StaticDim,
    G: StaticDim,
> Module for Conv2d<Cin, Cout, K, S, P, D, G>
{
    training_flag!();
    fn type_name(&self) -> &str {
        "Conv2d"
    }
    fn extra_repr(&self) -> String {
        Conv2dSpec::square(
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

impl<
    Cin: StaticDim,
    Cout: StaticDim,
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    D: StaticDim,
    G: StaticDim,
> DynForward for Conv2d<Cin, Cout, K, S, P, D, G>
{
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        conv2d(x, &self.weight, self.bias.as_deref(), self.options())
    }
}

impl<Cin, Cout, K, S, P, D, G, X> Forward<Tensor<X>> for Conv2d<Cin, Cout, K, S, P, D, G>
where
    G: StaticDim,
    Cin: StaticDim,
    Cout: StaticDim,
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    D: StaticDim,
    X: Conv2dRule<Cin, Cout, K, S, P, D>,
{
    type Output = Tensor<Conv2dOut<X, Cin, Cout, K, S, P, D>>;

    /// # Panics
    /// When a runtime (`Dyn`) channel or spatial size does not fit; static
    /// sizes are checked at compile time.
    fn forward(&self, x: Tensor<X>) -> Self::Output {
        let out_shape = x.shape().conv2d_output();
        let y = self
            .forward_dyn(x.as_dyn())
            .unwrap_or_else(|e| panic!("{e}"));
        Tensor::from_raw_unchecked(y, out_shape)
    }
}

impl<
    Cin: StaticDim,
    Cout: StaticDim,
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    D: StaticDim,
    G: StaticDim,
> fmt::Display for Conv2d<Cin, Cout, K, S, P, D, G>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}
