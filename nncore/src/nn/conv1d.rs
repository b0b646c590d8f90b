//! `nn.Conv1d` with its channel counts and kernel as types and the other
//! options (including `padding="same"`) as runtime values.

use super::module::training_flag;
use super::{DynForward, Forward, Module, Parameter, default_init, fmt_module};
use crate::ops::{Conv1dOptions, ConvPadding, conv1d};
use crate::shape::{Dim, Dyn, StaticDim};
use crate::{DynTensor, Error, Result, Tensor};
use std::fmt;
use std::marker::PhantomData;

/// The sizes the layer carries only in its type (`fn() -> T` keeps it
/// `Send + Sync`).
type Sizes<Cin, Cout, K> = fn() -> (Cin, Cout, K);

/// A 1-D convolution from `Cin` to `Cout` channels with a kernel of `K`,
/// like `nn.Conv1d(in_channels, out_channels, kernel_size, stride=1,
/// padding=0, dilation=1, groups=1, bias=True)`; the other options are a
/// [`Conv1dOptions`] (with `padding` `same`/`valid` too). Input
/// `(N, Cin, L)`, output `(N, Cout, L_out)` with `L_out` computed at the
/// call (`Dyn` in the typed output).
///
/// ```
/// use nncore::nn::{Conv1d, Forward};
/// use nncore::ops::{Conv1dOptions, ConvPadding};
/// use nncore::shape::{Dyn, U3, U4, U5, U10};
/// use nncore::Tensor;
/// let conv = Conv1d::<U4, U4, U5>::new(Conv1dOptions::default().padding_mode(ConvPadding::Same).groups(4)).unwrap();
/// let x = Tensor::<(Dyn, U4, U10)>::zeros((Dyn(2), U4::default(), U10::default()));
/// assert_eq!(conv.forward(x).dims().as_slice(), &[2, 4, 10]);
/// assert_eq!(conv.to_string(), "Conv1d(4, 4, kernel_size=(5,), stride=(1,), padding=same, groups=4)");
/// assert!(Conv1d::<U3, U4, U5>::new(Conv1dOptions::default().groups(2)).is_err());
/// ```
pub struct Conv1d<Cin, Cout, K> {
    weight: Parameter,
    bias: Option<Parameter>,
    options: Conv1dOptions,
    training: bool,
    sizes: PhantomData<Sizes<Cin, Cout, K>>,
}

impl<Cin: StaticDim, Cout: StaticDim, K: StaticDim> Conv1d<Cin, Cout, K> {
    /// The layer with a bias; `groups` must divide both channel counts,
    /// and `padding="same"` needs stride 1.
    pub fn new(options: Conv1dOptions) -> Result<Self> {
        Self::with_bias(options, true)
    }

    /// The layer with or without a bias.
    pub fn with_bias(options: Conv1dOptions, bias: bool) -> Result<Self> {
        let (cin, cout, k, g) = (Cin::USIZE, Cout::USIZE, K::USIZE, options.groups);
        if g == 0 || !cin.is_multiple_of(g) || !cout.is_multiple_of(g) {
            return Err(Error::option(
                "Conv1d",
                "groups",
                format!(
                    "groups={g} must divide both in_channels ({cin}) and out_channels ({cout})"
                ),
            ));
        }
        if options.padding == ConvPadding::Same && options.stride != 1 {
            return Err(Error::option(
                "Conv1d",
                "padding",
                "padding='same' is not supported for strided convolutions",
            ));
        }
        let weight = Parameter::new(vec![0.0; cout * (cin / g) * k], &[cout, cin / g, k]);
        let bias = bias.then(|| Parameter::new(vec![0.0; cout], &[cout]));
        default_init(&weight, bias.as_deref())?;
        Ok(Conv1d {
            weight,
            bias,
            options,
            training: true,
            sizes: PhantomData,
        })
    }

    /// The weight, `[out_channels, in_channels / groups, K]`.
    pub fn weight(&self) -> &Parameter {
        &self.weight
    }
}

impl<Cin: StaticDim, Cout: StaticDim, K: StaticDim> Module for Conv1d<Cin, Cout, K> {
    training_flag!();
    fn type_name(&self) -> &str {
        "Conv1d"
    }
    fn extra_repr(&self) -> String {
        let o = &self.options;
        let mut s = format!(
            "{}, {}, kernel_size=({},), stride=({},)",
            Cin::USIZE,
            Cout::USIZE,
            K::USIZE,
            o.stride
        );
        match o.padding {
            ConvPadding::Explicit(_, 0) => {}
            ConvPadding::Explicit(_, p) => s.push_str(&format!(", padding=({p},)")),
            other => s.push_str(&format!(", padding={other}")),
        }
        if o.dilation != 1 {
            s.push_str(&format!(", dilation=({},)", o.dilation));
        }
        if o.groups != 1 {
            s.push_str(&format!(", groups={}", o.groups));
        }
        if self.bias.is_none() {
            s.push_str(", bias=False");
        }
        s
    }
    fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
        let mut p = vec![("weight", &self.weight)];
        if let Some(b) = &self.bias {
            p.push(("bias", b));
        }
        p
    }
}

impl<Cin: StaticDim, Cout: StaticDim, K: StaticDim> DynForward for Conv1d<Cin, Cout, K> {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        conv1d(x, &self.weight, self.bias.as_deref(), self.options)
    }
}

impl<Cin: StaticDim, Cout: StaticDim, K: StaticDim, N: Dim, C: Dim, L: Dim>
    Forward<Tensor<(N, C, L)>> for Conv1d<Cin, Cout, K>
{
    type Output = Tensor<(N, Cout, Dyn)>;
    /// # Panics
    /// When the input's channels are not `Cin` or the kernel does not fit
    /// (the runtime form returns the error).
    fn forward(&self, x: Tensor<(N, C, L)>) -> Self::Output {
        let n = x.shape().0;
        let y = self
            .forward_dyn(x.as_dyn())
            .unwrap_or_else(|e| panic!("{e}"));
        let l = Dyn(y.shape()[2]);
        Tensor::from_raw_unchecked(y, (n, Cout::default(), l))
    }
}

impl<Cin: StaticDim, Cout: StaticDim, K: StaticDim> fmt::Display for Conv1d<Cin, Cout, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}
