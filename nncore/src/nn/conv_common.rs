//! What the convolution layers share: their parameters with PyTorch's
//! initialisation, and PyTorch's `_ConvNd.extra_repr`.

use super::{Parameter, default_init};

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

/// The sizes `_ConvNd.extra_repr` prints, each the same along every one
/// of `dims` spatial axes.
pub(crate) struct ConvRepr {
    pub dims: usize,
    pub in_channels: usize,
    pub out_channels: usize,
    pub kernel_size: usize,
    pub stride: usize,
    pub padding: usize,
    pub dilation: usize,
    pub output_padding: usize,
    pub groups: usize,
    pub bias: bool,
}

impl ConvRepr {
    /// PyTorch's `_ConvNd.extra_repr`: sizes as tuples (`(3,)`, `(3, 3)`),
    /// padding, dilation, output padding, groups and `bias=False` only
    /// when not at their defaults.
    pub(crate) fn extra_repr(&self) -> String {
        let tuple = |v: usize| match self.dims {
            1 => format!("({v},)"),
            n => format!("({})", vec![v.to_string(); n].join(", ")),
        };
        let mut repr = format!(
            "{}, {}, kernel_size={}, stride={}",
            self.in_channels,
            self.out_channels,
            tuple(self.kernel_size),
            tuple(self.stride)
        );
        if self.padding != 0 {
            repr.push_str(&format!(", padding={}", tuple(self.padding)));
        }
        if self.dilation != 1 {
            repr.push_str(&format!(", dilation={}", tuple(self.dilation)));
        }
        if self.output_padding != 0 {
            repr.push_str(&format!(", output_padding={}", tuple(self.output_padding)));
        }
        if self.groups != 1 {
            repr.push_str(&format!(", groups={}", self.groups));
        }
        if !self.bias {
            repr.push_str(", bias=False");
        }
        repr
    }
}
