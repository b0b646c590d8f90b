//! `nn.ConvTranspose2d` with square kernel, stride, padding, output
//! padding, groups and dilation given as types, so the compiler computes
//! the output size.

use super::conv_common::{ConvTranspose2dSpec, conv_own_parameters, conv_parameters};
use super::module::training_flag;
use super::spec::LayerSpec;
use super::{DynForward, Forward, Module, Parameter, fmt_module};
use crate::ops::{ConvTranspose2dOptions, conv_transpose2d};
use crate::shape::{ConvGroupsRule, ConvTranspose2dOut, ConvTranspose2dRule, StaticDim, U0, U1};
use crate::{DynTensor, Result, Tensor};
use std::fmt;
use std::marker::PhantomData;

/// The sizes the layer carries only in its type (`fn() -> T` keeps it
/// `Send + Sync`).
type Sizes<Cin, Cout, K, S, P, OP, G, D> = PhantomData<fn() -> (Cin, Cout, K, S, P, OP, G, D)>;

/// A transposed 2-D convolution from `Cin` to `Cout` channels with a
/// `K`×`K` kernel, stride `S`, padding `P`, output padding `OP`, `G`
/// groups and dilation `D`, like `nn.ConvTranspose2d(in_channels,
/// out_channels, kernel_size, stride=1, padding=0, output_padding=0,
/// groups=1, bias=True, dilation=1)` (the type parameters are in
/// PyTorch's argument order).
///
/// Input `(N, Cin, H, W)`, output `(N, Cout, Ho, Wo)` with
/// `Ho = (H-1)S - 2P + D(K-1) + OP + 1`, computed at compile time; the
/// compiler also checks that `OP` is smaller than `S` or `D` and that `G`
/// divides both channel counts. The functional form with runtime options
/// is [`conv_transpose2d`] (see [`options`](Self::options)).
///
/// Initialised as PyTorch does (kaiming_uniform a=√5 on the weight
/// `[Cin, Cout/G, K, K]`, whose fan_in is `Cout/G·K²`).
///
/// ```
/// use nncore::nn::{ConvTranspose2d, Forward};
/// use nncore::shape::{Dyn, U0, U1, U2, U3, U4, U8};
/// use nncore::Tensor;
/// // ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1) doubles the size.
/// let up = ConvTranspose2d::<U8, U4, U3, U2, U1, U1>::new();
/// let x = Tensor::<(Dyn, U8, U4, U4)>::zeros((Dyn(1), U8::default(), U4::default(), U4::default())).unwrap();
/// let y: Tensor<(Dyn, U4, U8, U8)> = up.forward(x);
/// assert_eq!(y.dims().as_slice(), &[1, 4, 8, 8]);
/// assert_eq!(up.to_string(), "ConvTranspose2d(8, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))");
/// // Two groups, no bias.
/// let grouped = ConvTranspose2d::<U4, U8, U3, U1, U0, U0, U2>::with_bias(false);
/// assert_eq!(grouped.weight().shape(), &[4, 4, 3, 3]);
/// assert_eq!(grouped.to_string(), "ConvTranspose2d(4, 8, kernel_size=(3, 3), stride=(1, 1), groups=2, bias=False)");
/// ```
pub struct ConvTranspose2d<Cin, Cout, K, S = U1, P = U0, OP = U0, G = U1, D = U1> {
    weight: Parameter,
    bias: Option<Parameter>,
    training: bool,
    sizes: Sizes<Cin, Cout, K, S, P, OP, G, D>,
}

/// The `impl` header shared by every block below: all eight sizes static.
macro_rules! impl_sizes {
    ($($item:tt)*) => {
        impl<
            Cin: StaticDim,
            Cout: StaticDim,
            K: StaticDim,
            S: StaticDim,
            P: StaticDim,
            OP: StaticDim,
            G: StaticDim,
            D: StaticDim,
        > $($item)*
    };
}

impl_sizes! {
    ConvTranspose2d<Cin, Cout, K, S, P, OP, G, D> {
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
            let (cin, cout, k) = (Cin::USIZE, Cout::USIZE / G::USIZE.max(1), K::USIZE);
            let (weight, bias) = conv_parameters(&[cin, cout, k, k], Cout::USIZE, bias);
            ConvTranspose2d {
                weight,
                bias,
                training: true,
                sizes: PhantomData,
            }
        }

        /// The weight, `[in_channels, out_channels / groups, K, K]`.
        pub fn weight(&self) -> &Parameter {
            &self.weight
        }

        /// The bias, `[out_channels]`, if any.
        pub fn bias(&self) -> Option<&Parameter> {
            self.bias.as_ref()
        }

        /// The runtime options of the functional [`conv_transpose2d`].
        pub fn options(&self) -> ConvTranspose2dOptions {
            ConvTranspose2dOptions::default()
                .stride(S::USIZE)
                .padding(P::USIZE)
                .output_padding(OP::USIZE)
                .dilation(D::USIZE)
                .groups(G::USIZE)
        }
    }
}

impl<
    Cin: StaticDim,
    Cout: StaticDim,
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    OP: StaticDim,
    G: StaticDim + ConvGroupsRule<Cin, Cout>,
    D: StaticDim,
> Default for ConvTranspose2d<Cin, Cout, K, S, P, OP, G, D>
{
    fn default() -> Self {
        Self::new()
    }
}

impl_sizes! {
    Module for ConvTranspose2d<Cin, Cout, K, S, P, OP, G, D> {
        training_flag!();
        fn type_name(&self) -> &str {
            "ConvTranspose2d"
        }
        fn extra_repr(&self) -> String {
            ConvTranspose2dSpec::square(
            (Cin::USIZE, Cout::USIZE),
            K::USIZE,
            S::USIZE,
            P::USIZE,
            D::USIZE,
            OP::USIZE,
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
    DynForward for ConvTranspose2d<Cin, Cout, K, S, P, OP, G, D> {
        fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
            conv_transpose2d(x, &self.weight, self.bias.as_deref(), self.options())
        }
    }
}

impl<Cin, Cout, K, S, P, OP, G, D, X> Forward<Tensor<X>>
    for ConvTranspose2d<Cin, Cout, K, S, P, OP, G, D>
where
    Cin: StaticDim,
    Cout: StaticDim,
    K: StaticDim,
    S: StaticDim,
    P: StaticDim,
    OP: StaticDim,
    G: StaticDim,
    D: StaticDim,
    X: ConvTranspose2dRule<Cin, Cout, K, S, P, OP, D>,
{
    type Output = Tensor<ConvTranspose2dOut<X, Cin, Cout, K, S, P, OP, D>>;

    /// # Panics
    /// When a runtime (`Dyn`) channel or spatial size does not fit; static
    /// sizes are checked at compile time.
    fn forward(&self, x: Tensor<X>) -> Self::Output {
        let out_shape = x.shape().conv_transpose2d_output();
        let y = self
            .forward_dyn(x.as_dyn())
            .unwrap_or_else(|e| panic!("{e}"));
        Tensor::from_raw_unchecked(y, out_shape)
    }
}

impl_sizes! {
    fmt::Display for ConvTranspose2d<Cin, Cout, K, S, P, OP, G, D> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt_module(self, f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::{Dyn, U2, U3, U4, U5, U6};

    /// The typed output sizes are the runtime op's, for static and `Dyn`
    /// inputs (`(5-1)·2 - 2·2 + 2·(3-1) + 1 + 1 = 10`).
    #[test]
    fn typed_sizes_match_the_runtime_op() {
        let layer = ConvTranspose2d::<U6, U4, U3, U2, U2, U1, U2, U2>::new();
        let x =
            Tensor::<(Dyn, U6, U5, U3)>::zeros((Dyn(2), U6::new(), U5::new(), U3::new())).unwrap();
        let y = layer.forward(x);
        assert_eq!(y.dims().as_slice(), &[2, 4, 10, 6]);
        assert_eq!(y.as_dyn().shape(), &[2, 4, 10, 6]);
        let x = Tensor::<(Dyn, U6, Dyn, Dyn)>::zeros((Dyn(1), U6::new(), Dyn(5), Dyn(3))).unwrap();
        let y = layer.forward(x);
        assert_eq!(y.dims().as_slice(), y.as_dyn().shape());
        assert_eq!(y.dims().as_slice(), &[1, 4, 10, 6]);
    }

    /// PyTorch: `nn.ConvTranspose2d(6, 4, 3, stride=2, padding=2,
    /// output_padding=1, groups=2, dilation=2, bias=False)`.
    #[test]
    fn repr_is_pytorchs() {
        let layer = ConvTranspose2d::<U6, U4, U3, U2, U2, U1, U2, U2>::with_bias(false);
        assert_eq!(
            layer.to_string(),
            "ConvTranspose2d(6, 4, kernel_size=(3, 3), stride=(2, 2), padding=(2, 2), \
             dilation=(2, 2), output_padding=(1, 1), groups=2, bias=False)"
        );
        assert_eq!(layer.weight().shape(), &[6, 2, 3, 3]);
    }

    /// A runtime size that leaves no output panics with the op's error.
    #[test]
    #[should_panic(expected = "the output height would be empty")]
    fn dyn_size_too_small_panics() {
        let layer = ConvTranspose2d::<U4, U4, U1, U1, U2>::new();
        let x = Tensor::<(Dyn, U4, Dyn, Dyn)>::zeros((Dyn(1), U4::new(), Dyn(2), Dyn(2))).unwrap();
        let _ = layer.forward(x);
    }
}
