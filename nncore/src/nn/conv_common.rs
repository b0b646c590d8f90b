//! What the convolution layers share: their parameters with PyTorch's
//! initialisation, and their arguments ([`ConvSpec`], PyTorch's `_ConvNd`:
//! defaults, checks, `extra_repr`, the runtime forward).

use super::dynamic::OptValue;
use super::spec::{Args, LayerSpec, RunSpec, py_tuple, weight_of};
use super::{Parameter, default_init};
use crate::ops::{
    Conv1dOptions, Conv2dOptions, ConvPadding, ConvTranspose2dOptions, conv_transpose2d, conv1d,
    conv2d_padded,
};
use crate::{DynTensor, Element, Result};

/// A convolution's weight of `weight_shape` and, if `bias`, a bias of
/// `out_channels`, initialised as PyTorch's `_ConvNd.reset_parameters`
/// does (through [`default_init`], fan_in from the weight's shape).
pub(crate) fn conv_parameters(
    weight_shape: &[usize],
    out_channels: usize,
    bias: bool,
) -> (Parameter, Option<Parameter>) {
    let weight = Parameter::new(vec![0.0; weight_shape.iter().product()], weight_shape);
    let bias = bias.then(|| Parameter::new(vec![0.0; out_channels], &[out_channels]));
    default_init(&weight, bias.as_deref()).expect("a convolution weight always has fans");
    (weight, bias)
}

/// `weight` then `bias` (if any), PyTorch's parameter order.
pub(crate) fn conv_own_parameters<'a>(
    weight: &'a Parameter,
    bias: &'a Option<Parameter>,
) -> Vec<(&'a str, &'a Parameter)> {
    let mut params = vec![("weight", weight)];
    if let Some(b) = bias {
        params.push(("bias", b));
    }
    params
}

/// PyTorch's `padding` of a convolution: sizes, `'same'` or `'valid'`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvPaddingArg<const N: usize> {
    /// Zeros on each side of each axis.
    Sizes([usize; N]),
    /// `padding='same'`: the output keeps the input's size (stride 1).
    Same,
    /// `padding='valid'`: no padding.
    Valid,
}

impl<const N: usize> ConvPaddingArg<N> {
    /// As the functional op takes it (height, width; a 1-D size as the
    /// width, with no height padding).
    pub fn to_op(self) -> ConvPadding {
        match self {
            ConvPaddingArg::Sizes(p) if N == 1 => ConvPadding::Explicit(0, p[0]),
            ConvPaddingArg::Sizes(p) => ConvPadding::Explicit(p[0], p[N - 1]),
            ConvPaddingArg::Same => ConvPadding::Same,
            ConvPaddingArg::Valid => ConvPadding::Valid,
        }
    }
}

/// The padding modes PyTorch's `_ConvNd` accepts.
const PADDING_MODES: [&str; 4] = ["zeros", "reflect", "replicate", "circular"];

/// `nn.Conv1d`, `nn.Conv2d` and `nn.ConvTranspose2d`'s arguments (PyTorch's
/// `_ConvNd`): `N` spatial axes, `TRANSPOSED` for the transposed
/// convolution. The static layers ([`Conv2d`](super::Conv2d), ...) print
/// through it, and a layer built at run time parses and runs it.
///
/// ```
/// use nncore::nn::Conv2dSpec;
/// use nncore::nn::spec::{LayerSpec, parse};
/// use nncore::nn::dynamic::LayerOptions;
/// let o = LayerOptions::new().with("in_channels", 3).with("out_channels", 6).with("kernel_size", 5);
/// let spec: Conv2dSpec = parse(&o.clone().with("padding", "same"))?;
/// assert_eq!(spec.extra_repr(), "3, 6, kernel_size=(5, 5), stride=(1, 1), padding=same");
/// let err = parse::<Conv2dSpec>(&o.with("padding", "same").with("stride", 2)).unwrap_err();
/// assert_eq!(err.to_string(), "Conv2d: invalid padding: padding='same' is not supported for strided convolutions");
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ConvSpec<const N: usize, const TRANSPOSED: bool> {
    /// `in_channels`.
    pub in_channels: usize,
    /// `out_channels`.
    pub out_channels: usize,
    /// `kernel_size`, per axis.
    pub kernel_size: [usize; N],
    /// `stride`, per axis.
    pub stride: [usize; N],
    /// `padding`.
    pub padding: ConvPaddingArg<N>,
    /// `dilation`, per axis.
    pub dilation: [usize; N],
    /// `output_padding` (transposed only; zeros otherwise).
    pub output_padding: [usize; N],
    /// `groups`.
    pub groups: usize,
    /// `bias`.
    pub bias: bool,
    /// `padding_mode`: `zeros`, `reflect`, `replicate` or `circular`.
    pub padding_mode: &'static str,
}

/// `nn.Conv1d`'s arguments.
pub type Conv1dSpec = ConvSpec<1, false>;
/// `nn.Conv2d`'s arguments.
pub type Conv2dSpec = ConvSpec<2, false>;
/// `nn.ConvTranspose2d`'s arguments.
pub type ConvTranspose2dSpec = ConvSpec<2, true>;

impl<const N: usize, const TRANSPOSED: bool> ConvSpec<N, TRANSPOSED> {
    /// A static layer's arguments: each size the same along every axis,
    /// numeric padding, zeros padding mode.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn square(
        (in_channels, out_channels): (usize, usize),
        kernel_size: usize,
        stride: usize,
        padding: usize,
        dilation: usize,
        output_padding: usize,
        groups: usize,
        bias: bool,
    ) -> Self {
        ConvSpec {
            in_channels,
            out_channels,
            kernel_size: [kernel_size; N],
            stride: [stride; N],
            padding: ConvPaddingArg::Sizes([padding; N]),
            dilation: [dilation; N],
            output_padding: [output_padding; N],
            groups,
            bias,
            padding_mode: "zeros",
        }
    }

    /// Reads and checks `_ConvNd`'s arguments, as its constructor does.
    fn parse_conv(a: &Args<'_>) -> Result<Self> {
        let (cin, cout) = (a.size("in_channels")?, a.size("out_channels")?);
        let groups = a.int("groups")?;
        if groups < 1 || cin % groups as usize != 0 || cout % groups as usize != 0 {
            return Err(a.error(
                "groups",
                format!(
                    "{groups} must be positive and divide in_channels ({cin}) and out_channels ({cout})"
                ),
            ));
        }
        let stride = a.sizes::<N>("stride")?;
        let padding = match a.value("padding")? {
            OptValue::Str(s) if s == "same" && !TRANSPOSED => ConvPaddingArg::Same,
            OptValue::Str(s) if s == "valid" && !TRANSPOSED => ConvPaddingArg::Valid,
            OptValue::Str(s) => {
                return Err(a.error("padding", format!("'{s}' is not 'same', 'valid' or a size")));
            }
            _ => ConvPaddingArg::Sizes(a.sizes::<N>("padding")?),
        };
        if padding == ConvPaddingArg::Same && stride.iter().any(|&s| s != 1) {
            return Err(a.error(
                "padding",
                "padding='same' is not supported for strided convolutions",
            ));
        }
        let text = a.text("padding_mode")?;
        let Some(padding_mode) = PADDING_MODES.into_iter().find(|m| *m == text) else {
            return Err(a.error(
                "padding_mode",
                format!(
                    "padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='{text}'"
                ),
            ));
        };
        if TRANSPOSED && padding_mode != "zeros" {
            return Err(a.error(
                "padding_mode",
                format!(
                    "Only \"zeros\" padding mode is supported for {}",
                    a.layer_name()
                ),
            ));
        }
        Ok(ConvSpec {
            in_channels: cin,
            out_channels: cout,
            kernel_size: a.sizes::<N>("kernel_size")?,
            stride,
            padding,
            dilation: a.sizes::<N>("dilation")?,
            output_padding: if TRANSPOSED {
                a.sizes::<N>("output_padding")?
            } else {
                [0; N]
            },
            groups: groups as usize,
            bias: a.flag("bias")?,
            padding_mode,
        })
    }

    /// PyTorch's `_ConvNd.extra_repr`: sizes as tuples (`(3,)`, `(3, 3)`),
    /// padding, dilation, output padding, groups, `bias=False` and the
    /// padding mode only when not at their defaults.
    fn conv_repr(&self) -> String {
        let mut repr = format!(
            "{}, {}, kernel_size={}, stride={}",
            self.in_channels,
            self.out_channels,
            py_tuple(&self.kernel_size),
            py_tuple(&self.stride)
        );
        match self.padding {
            ConvPaddingArg::Sizes(p) if p == [0; N] => {}
            ConvPaddingArg::Sizes(p) => repr.push_str(&format!(", padding={}", py_tuple(&p))),
            ConvPaddingArg::Same => repr.push_str(", padding=same"),
            ConvPaddingArg::Valid => repr.push_str(", padding=valid"),
        }
        if self.dilation != [1; N] {
            repr.push_str(&format!(", dilation={}", py_tuple(&self.dilation)));
        }
        if self.output_padding != [0; N] {
            let op = py_tuple(&self.output_padding);
            repr.push_str(&format!(", output_padding={op}"));
        }
        if self.groups != 1 {
            repr.push_str(&format!(", groups={}", self.groups));
        }
        if !self.bias {
            repr.push_str(", bias=False");
        }
        if self.padding_mode != "zeros" {
            repr.push_str(&format!(", padding_mode={}", self.padding_mode));
        }
        repr
    }

    /// The weight (`[out, in / groups, k...]`, transposed
    /// `[in, out / groups, k...]`, whose fan-in PyTorch reads from dim 1
    /// too) and bias, initialised as PyTorch does.
    fn conv_parameters(&self) -> (Option<Parameter>, Option<Parameter>) {
        let (a, b) = if TRANSPOSED {
            (self.in_channels, self.out_channels)
        } else {
            (self.out_channels, self.in_channels)
        };
        let mut shape = vec![a, b / self.groups];
        shape.extend_from_slice(&self.kernel_size);
        let (weight, bias) = conv_parameters(&shape, self.out_channels, self.bias);
        (Some(weight), bias)
    }

    fn hw(v: [usize; N]) -> (usize, usize) {
        (v[0], v[N - 1])
    }
}

macro_rules! conv_spec {
    ($n:literal, $transposed:literal, $name:literal, |$s:ident, $x:ident, $w:ident, $b:ident| $run:expr) => {
        impl LayerSpec for ConvSpec<$n, $transposed> {
            const NAME: &'static str = $name;
            fn parse(a: &Args<'_>) -> Result<Self> {
                Self::parse_conv(a)
            }
            fn extra_repr(&self) -> String {
                self.conv_repr()
            }
        }

        impl RunSpec for ConvSpec<$n, $transposed> {
            fn runnable(&self) -> bool {
                self.padding_mode == "zeros"
            }
            fn parameters(&self) -> (Option<Parameter>, Option<Parameter>) {
                self.conv_parameters()
            }
            fn run<E: Element>(
                &self,
                $x: &DynTensor<E>,
                weight: Option<&DynTensor<E>>,
                $b: Option<&DynTensor<E>>,
                _training: bool,
            ) -> Result<DynTensor<E>> {
                let $w = weight_of($name, weight)?;
                let $s = self;
                $run
            }
        }
    };
}

conv_spec!(1, false, "Conv1d", |s, x, w, b| {
    let options = Conv1dOptions {
        stride: s.stride[0],
        padding: s.padding.to_op(),
        dilation: s.dilation[0],
        groups: s.groups,
    };
    conv1d(x, w, b, options)
});

conv_spec!(2, false, "Conv2d", |s, x, w, b| {
    let options = Conv2dOptions {
        stride: Self::hw(s.stride),
        padding: (0, 0),
        dilation: Self::hw(s.dilation),
        groups: s.groups,
    };
    conv2d_padded(x, w, b, options, s.padding.to_op())
});

conv_spec!(2, true, "ConvTranspose2d", |s, x, w, b| {
    let padding = match s.padding {
        ConvPaddingArg::Sizes(p) => Self::hw(p),
        _ => (0, 0),
    };
    let options = ConvTranspose2dOptions {
        stride: Self::hw(s.stride),
        padding,
        output_padding: Self::hw(s.output_padding),
        dilation: Self::hw(s.dilation),
        groups: s.groups,
    };
    conv_transpose2d(x, w, b, options)
});
