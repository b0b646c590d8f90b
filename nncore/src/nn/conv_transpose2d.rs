//! `nn.ConvTranspose2d` with its channel counts and kernel as types and
//! the other options as runtime values.

use super::module::training_flag;
use super::{DynForward, Forward, Module, Parameter, default_init, fmt_module};
use crate::ops::{ConvTranspose2dOptions, conv_transpose2d};
use crate::shape::{Dim, Dyn, StaticDim};
use crate::{DynTensor, Result, Tensor};
use std::fmt;
use std::marker::PhantomData;

/// The sizes the layer carries only in its type (`fn() -> T` keeps it
/// `Send + Sync`).
type Sizes<Cin, Cout, K> = fn() -> (Cin, Cout, K);

/// A transposed 2-D convolution from `Cin` to `Cout` channels with a
/// `K`×`K` kernel, like `nn.ConvTranspose2d(in_channels, out_channels,
/// kernel_size, stride=1, padding=0, output_padding=0, groups=1,
/// bias=True, dilation=1)`; the other options are a
/// [`ConvTranspose2dOptions`]. Output size
/// `(H-1)·stride - 2·padding + dilation·(K-1) + output_padding + 1`,
/// computed at the call (the typed output's spatial sizes are `Dyn`; the
/// channel count is checked at run time).
///
/// Initialised as PyTorch does (kaiming_uniform a=√5 on the weight
/// `[Cin, Cout/groups, K, K]`, whose fan_in is `Cout/groups·K²`).
///
/// ```
/// use nncore::nn::{ConvTranspose2d, Forward};
/// use nncore::ops::ConvTranspose2dOptions;
/// use nncore::shape::{Dyn, U3, U4, U8};
/// use nncore::Tensor;
/// let up = ConvTranspose2d::<U8, U4, U3>::new(ConvTranspose2dOptions::default().stride(2).padding(1).output_padding(1)).unwrap();
/// let x = Tensor::<(Dyn, U8, U4, U4)>::zeros((Dyn(1), U8::default(), U4::default(), U4::default()));
/// assert_eq!(up.forward(x).dims().as_slice(), &[1, 4, 8, 8]);
/// assert_eq!(up.to_string(), "ConvTranspose2d(8, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))");
/// assert!(ConvTranspose2d::<U8, U4, U3>::new(ConvTranspose2dOptions::default().groups(3)).is_err());
/// ```
pub struct ConvTranspose2d<Cin, Cout, K> {
    weight: Parameter,
    bias: Option<Parameter>,
    options: ConvTranspose2dOptions,
    training: bool,
    sizes: PhantomData<Sizes<Cin, Cout, K>>,
}

impl<Cin: StaticDim, Cout: StaticDim, K: StaticDim> ConvTranspose2d<Cin, Cout, K> {
    /// The layer with a bias; `groups` must divide both channel counts.
    pub fn new(options: ConvTranspose2dOptions) -> Result<Self> {
        Self::with_bias(options, true)
    }

    /// The layer with or without a bias.
    pub fn with_bias(options: ConvTranspose2dOptions, bias: bool) -> Result<Self> {
        let (cin, cout, k, g) = (Cin::USIZE, Cout::USIZE, K::USIZE, options.groups);
        if g == 0 || !cin.is_multiple_of(g) || !cout.is_multiple_of(g) {
            return Err(crate::Error::option(
                "ConvTranspose2d",
                "groups",
                format!(
                    "groups={g} must divide both in_channels ({cin}) and out_channels ({cout})"
                ),
            ));
        }
        let weight = Parameter::new(vec![0.0; cin * (cout / g) * k * k], &[cin, cout / g, k, k]);
        let bias = bias.then(|| Parameter::new(vec![0.0; cout], &[cout]));
        default_init(&weight, bias.as_deref())?;
        Ok(ConvTranspose2d {
            weight,
            bias,
            options,
            training: true,
            sizes: PhantomData,
        })
    }

    /// The weight, `[in_channels, out_channels / groups, K, K]`.
    pub fn weight(&self) -> &Parameter {
        &self.weight
    }

    /// The bias, if any.
    pub fn bias(&self) -> Option<&Parameter> {
        self.bias.as_ref()
    }
}

impl<Cin: StaticDim, Cout: StaticDim, K: StaticDim> Module for ConvTranspose2d<Cin, Cout, K> {
    training_flag!();
    fn type_name(&self) -> &str {
        "ConvTranspose2d"
    }
    fn extra_repr(&self) -> String {
        let o = &self.options;
        let pair = |(a, b): (usize, usize)| format!("({a}, {b})");
        let k = K::USIZE;
        let mut s = format!(
            "{}, {}, kernel_size=({k}, {k}), stride={}",
            Cin::USIZE,
            Cout::USIZE,
            pair(o.stride)
        );
        if o.padding != (0, 0) {
            s.push_str(&format!(", padding={}", pair(o.padding)));
        }
        if o.dilation != (1, 1) {
            s.push_str(&format!(", dilation={}", pair(o.dilation)));
        }
        if o.output_padding != (0, 0) {
            s.push_str(&format!(", output_padding={}", pair(o.output_padding)));
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

impl<Cin: StaticDim, Cout: StaticDim, K: StaticDim> DynForward for ConvTranspose2d<Cin, Cout, K> {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        conv_transpose2d(x, &self.weight, self.bias.as_deref(), self.options)
    }
}

impl<Cin: StaticDim, Cout: StaticDim, K: StaticDim, N: Dim, C: Dim, H: Dim, W: Dim>
    Forward<Tensor<(N, C, H, W)>> for ConvTranspose2d<Cin, Cout, K>
{
    type Output = Tensor<(N, Cout, Dyn, Dyn)>;
    /// # Panics
    /// When the input's channels are not `Cin` or the output would be
    /// empty (the runtime form returns the error).
    fn forward(&self, x: Tensor<(N, C, H, W)>) -> Self::Output {
        let n = x.shape().0;
        let y = self
            .forward_dyn(x.as_dyn())
            .unwrap_or_else(|e| panic!("{e}"));
        let (h, w) = (Dyn(y.shape()[2]), Dyn(y.shape()[3]));
        Tensor::from_raw_unchecked(y, (n, Cout::default(), h, w))
    }
}

impl<Cin: StaticDim, Cout: StaticDim, K: StaticDim> fmt::Display for ConvTranspose2d<Cin, Cout, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}
