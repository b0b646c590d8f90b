//! What a [`DynLayer`](super::DynLayer) computes: each runnable PyTorch
//! type's options read into the functional op's option struct, its
//! parameters created as PyTorch creates them, and its forward.

use super::value::{LayerOptions, OptValue};
use crate::nn::Parameter;
use crate::nn::conv_common::conv_parameters;
use crate::ops::{
    AvgPool2dOptions, Conv1dOptions, Conv2dOptions, ConvPadding, ConvTranspose2dOptions,
    GeluApproximate, MaxPool2dOptions, adaptive_avg_pool2d, avg_pool2d, conv_transpose2d, conv1d,
    conv2d, dropout, linear, max_pool2d,
};
use crate::{DynTensor, Error, Result};

/// A runnable layer's operation and its options.
#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Linear,
    Conv1d(Conv1dOptions),
    Conv2d(Conv2dOptions),
    ConvTranspose2d(ConvTranspose2dOptions),
    MaxPool2d(MaxPool2dOptions),
    AvgPool2d(AvgPool2dOptions),
    AdaptiveAvgPool2d(Option<usize>, Option<usize>),
    ReLU,
    LeakyReLU(f64),
    Elu(f64),
    Gelu(GeluApproximate),
    SiLU,
    Sigmoid,
    Tanh,
    Softplus(f64, f64),
    Hardtanh(f64, f64),
    Flatten(isize, isize),
    Softmax(isize),
    LogSoftmax(isize),
    Dropout(f64),
}

/// A layer's parameters: the weight (if any) and the bias (if any).
pub(super) type Parameters = (Option<Parameter>, Option<Parameter>);

/// Whether [`Kind::build`] can run this type with these options (the
/// others are described only).
pub(super) fn runnable(t: &str, o: &LayerOptions) -> bool {
    let zeros_padding_mode = || {
        o.get("padding_mode")
            .is_none_or(|m| *m == OptValue::from("zeros"))
    };
    match t {
        "MaxPool2d" => o.get("return_indices") != Some(&OptValue::Bool(true)),
        "Linear" | "AvgPool2d" | "AdaptiveAvgPool2d" | "ReLU" | "LeakyReLU" | "ELU" | "GELU"
        | "SiLU" | "Sigmoid" | "Tanh" | "Softplus" | "Hardtanh" | "Flatten" | "Dropout" => true,
        "Conv2d" => !matches!(o.get("padding"), Some(OptValue::Str(_))) && zeros_padding_mode(),
        "Conv1d" | "ConvTranspose2d" => zeros_padding_mode(),
        "Softmax" | "LogSoftmax" => matches!(o.get("dim"), Some(OptValue::Int(_))),
        _ => false,
    }
}

impl Kind {
    /// Reads the options of a runnable type `t` and creates its parameters.
    pub(super) fn build(t: &'static str, o: &LayerOptions) -> Result<(Kind, Parameters)> {
        let none = (None, None);
        let float = |name: &'static str, default: f64| float_option(t, o, name, default);
        Ok(match t {
            "Linear" => {
                let (i, out) = (o.size(t, "in_features")?, o.size(t, "out_features")?);
                let params = init(&[out, i], out, o.flag(t, "bias", true)?);
                (Kind::Linear, params)
            }
            "Conv1d" => {
                let (cin, cout, groups) = channels(t, o)?;
                let kernel = single(t, o, "kernel_size", None)?;
                let padding = match o.get("padding") {
                    Some(OptValue::Str(s)) if s == "same" => ConvPadding::Same,
                    Some(OptValue::Str(s)) if s == "valid" => ConvPadding::Valid,
                    Some(OptValue::Str(s)) => {
                        return Err(Error::option(
                            t,
                            "padding",
                            format!("'{s}' is not 'same', 'valid' or a size"),
                        ));
                    }
                    _ => ConvPadding::Explicit(0, single(t, o, "padding", Some(0))?),
                };
                let options = Conv1dOptions {
                    stride: single(t, o, "stride", Some(1))?,
                    padding,
                    dilation: single(t, o, "dilation", Some(1))?,
                    groups,
                };
                let params = init(
                    &[cout, cin / groups, kernel],
                    cout,
                    o.flag(t, "bias", true)?,
                );
                (Kind::Conv1d(options), params)
            }
            "Conv2d" => {
                let (cin, cout, groups) = channels(t, o)?;
                let (kh, kw) = o.pair(t, "kernel_size", 1)?;
                let options = Conv2dOptions {
                    stride: o.pair(t, "stride", 1)?,
                    padding: o.pair(t, "padding", 0)?,
                    dilation: o.pair(t, "dilation", 1)?,
                    groups,
                };
                let params = init(
                    &[cout, cin / groups, kh, kw],
                    cout,
                    o.flag(t, "bias", true)?,
                );
                (Kind::Conv2d(options), params)
            }
            "ConvTranspose2d" => {
                let (cin, cout, groups) = channels(t, o)?;
                let (kh, kw) = o.pair(t, "kernel_size", 1)?;
                let options = ConvTranspose2dOptions {
                    stride: o.pair(t, "stride", 1)?,
                    padding: o.pair(t, "padding", 0)?,
                    output_padding: o.pair(t, "output_padding", 0)?,
                    dilation: o.pair(t, "dilation", 1)?,
                    groups,
                };
                // PyTorch's transposed weight is [in, out / groups, kh, kw];
                // its fan-in is read from that shape (dim 1 x kernel area).
                let params = init(
                    &[cin, cout / groups, kh, kw],
                    cout,
                    o.flag(t, "bias", true)?,
                );
                (Kind::ConvTranspose2d(options), params)
            }
            "MaxPool2d" => {
                let kernel_size = o.pair(t, "kernel_size", 1)?;
                let options = MaxPool2dOptions {
                    kernel_size,
                    stride: stride_or_kernel(t, o, kernel_size)?,
                    padding: o.pair(t, "padding", 0)?,
                    dilation: o.pair(t, "dilation", 1)?,
                    ceil_mode: o.flag(t, "ceil_mode", false)?,
                };
                (Kind::MaxPool2d(options), none)
            }
            "AvgPool2d" => {
                let kernel_size = o.pair(t, "kernel_size", 1)?;
                let divisor_override = match o.get("divisor_override") {
                    None | Some(OptValue::None) => None,
                    Some(_) => Some(o.size(t, "divisor_override")?),
                };
                let options = AvgPool2dOptions {
                    kernel_size,
                    stride: stride_or_kernel(t, o, kernel_size)?,
                    padding: o.pair(t, "padding", 0)?,
                    ceil_mode: o.flag(t, "ceil_mode", false)?,
                    count_include_pad: o.flag(t, "count_include_pad", true)?,
                    divisor_override,
                };
                (Kind::AvgPool2d(options), none)
            }
            "AdaptiveAvgPool2d" => {
                let (h, w) = adaptive_output_size(t, o)?;
                (Kind::AdaptiveAvgPool2d(h, w), none)
            }
            "ReLU" => (Kind::ReLU, none),
            "LeakyReLU" => (Kind::LeakyReLU(float("negative_slope", 0.01)?), none),
            "ELU" => (Kind::Elu(float("alpha", 1.0)?), none),
            "GELU" => {
                let approximate = match o.or("approximate", "none".into()) {
                    OptValue::Str(s) if s == "none" => GeluApproximate::None,
                    OptValue::Str(s) if s == "tanh" => GeluApproximate::Tanh,
                    other => {
                        return Err(Error::option(
                            t,
                            "approximate",
                            format!("{} is not 'none' or 'tanh'", other.py_repr()),
                        ));
                    }
                };
                (Kind::Gelu(approximate), none)
            }
            "SiLU" => (Kind::SiLU, none),
            "Sigmoid" => (Kind::Sigmoid, none),
            "Tanh" => (Kind::Tanh, none),
            "Softplus" => (
                Kind::Softplus(float("beta", 1.0)?, float("threshold", 20.0)?),
                none,
            ),
            "Hardtanh" => {
                let (min_val, max_val) = (float("min_val", -1.0)?, float("max_val", 1.0)?);
                if max_val <= min_val {
                    return Err(Error::option(
                        t,
                        "max_val",
                        format!("{max_val} must be greater than min_val ({min_val})"),
                    ));
                }
                (Kind::Hardtanh(min_val, max_val), none)
            }
            "Flatten" => (
                Kind::Flatten(
                    o.int(t, "start_dim", 1)? as isize,
                    o.int(t, "end_dim", -1)? as isize,
                ),
                none,
            ),
            "Softmax" => (Kind::Softmax(o.int(t, "dim", 0)? as isize), none),
            "LogSoftmax" => (Kind::LogSoftmax(o.int(t, "dim", 0)? as isize), none),
            "Dropout" => {
                let p = float("p", 0.5)?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(Error::option(
                        t,
                        "p",
                        format!(
                            "dropout probability has to be between 0 and 1, but got {}",
                            crate::py_float(p)
                        ),
                    ));
                }
                (Kind::Dropout(p), none)
            }
            other => unreachable!("`{other}` passed `runnable`"),
        })
    }

    /// Runs the operation on the parameters [`Kind::build`] created.
    pub(super) fn forward(
        self,
        x: &DynTensor,
        weight: Option<&DynTensor>,
        bias: Option<&DynTensor>,
        training: bool,
    ) -> Result<DynTensor> {
        let weight = || weight.expect("kinds with a weight were built with one");
        match self {
            Kind::Linear => linear(x, weight(), bias),
            Kind::Conv1d(options) => conv1d(x, weight(), bias, options),
            Kind::Conv2d(options) => conv2d(x, weight(), bias, options),
            Kind::ConvTranspose2d(options) => conv_transpose2d(x, weight(), bias, options),
            Kind::MaxPool2d(options) => max_pool2d(x, options),
            Kind::AvgPool2d(options) => avg_pool2d(x, options),
            Kind::AdaptiveAvgPool2d(h, w) => adaptive_avg_pool2d(x, (h, w)),
            Kind::ReLU => Ok(x.relu()),
            Kind::LeakyReLU(slope) => Ok(x.leaky_relu(slope)),
            Kind::Elu(alpha) => Ok(x.elu(alpha)),
            Kind::Gelu(approximate) => Ok(x.gelu(approximate)),
            Kind::SiLU => Ok(x.silu()),
            Kind::Sigmoid => Ok(x.sigmoid()),
            Kind::Tanh => Ok(x.tanh()),
            Kind::Softplus(beta, threshold) => Ok(x.softplus(beta, threshold)),
            Kind::Hardtanh(min_val, max_val) => Ok(x.hardtanh(min_val, max_val)),
            Kind::Flatten(start, end) => x.flatten(start, end),
            Kind::Softmax(dim) => x.softmax(dim),
            Kind::LogSoftmax(dim) => x.log_softmax(dim),
            Kind::Dropout(p) => dropout(x, p, training),
        }
    }
}

/// `in_channels`, `out_channels` and a `groups` that divides both.
fn channels(t: &'static str, o: &LayerOptions) -> Result<(usize, usize, usize)> {
    let (cin, cout) = (o.size(t, "in_channels")?, o.size(t, "out_channels")?);
    let groups = o.int(t, "groups", 1)?;
    if groups < 1 || cin % groups as usize != 0 || cout % groups as usize != 0 {
        return Err(Error::option(
            t,
            "groups",
            format!(
                "{groups} must be positive and divide in_channels ({cin}) and out_channels ({cout})"
            ),
        ));
    }
    Ok((cin, cout, groups as usize))
}

/// A 1-D size given as an int or a 1-tuple; `default: None` = required.
fn single(
    t: &'static str,
    o: &LayerOptions,
    name: &'static str,
    default: Option<usize>,
) -> Result<usize> {
    let value = match o.get(name) {
        Some(OptValue::Tuple(items)) if items.len() == 1 => Some(&items[0]),
        other => other,
    };
    match (value, default) {
        (None, Some(d)) => Ok(d),
        (None, None) => Err(Error::option(t, name, "is required")),
        (Some(OptValue::Int(v)), _) if *v >= 0 => Ok(*v as usize),
        (Some(v), _) => Err(Error::option(
            t,
            name,
            format!("{} is not a size", v.py_repr()),
        )),
    }
}

/// A pooling stride: PyTorch's `stride=None` means the kernel size.
fn stride_or_kernel(
    t: &'static str,
    o: &LayerOptions,
    kernel: (usize, usize),
) -> Result<(usize, usize)> {
    match o.get("stride") {
        None | Some(OptValue::None) => Ok(kernel),
        Some(_) => o.pair(t, "stride", 1),
    }
}

/// A float option; PyTorch accepts an int where it documents a float.
fn float_option(
    t: &'static str,
    o: &LayerOptions,
    name: &'static str,
    default: f64,
) -> Result<f64> {
    match o.get(name) {
        None => Ok(default),
        Some(v @ (OptValue::Int(_) | OptValue::Float(_))) => {
            Ok(v.as_f64().expect("ints and floats convert"))
        }
        Some(other) => Err(Error::option(
            t,
            name,
            format!("{} is not a number", other.py_repr()),
        )),
    }
}

/// `AdaptiveAvgPool2d`'s `output_size`: an int, or a pair whose items are
/// sizes or `None` (keep the input's size).
fn adaptive_output_size(
    t: &'static str,
    o: &LayerOptions,
) -> Result<(Option<usize>, Option<usize>)> {
    let item = |v: &OptValue| match v {
        OptValue::None => Ok(None),
        OptValue::Int(i) if *i >= 0 => Ok(Some(*i as usize)),
        other => Err(Error::option(
            t,
            "output_size",
            format!("{} is not a size or None", other.py_repr()),
        )),
    };
    match o.get("output_size") {
        None => Err(Error::option(t, "output_size", "is required")),
        Some(OptValue::Tuple(pair)) if pair.len() == 2 => Ok((item(&pair[0])?, item(&pair[1])?)),
        Some(v @ OptValue::Int(_)) => {
            let size = item(v)?;
            Ok((size, size))
        }
        Some(other) => Err(Error::option(
            t,
            "output_size",
            format!("{} is not a size or a pair", other.py_repr()),
        )),
    }
}

/// PyTorch's Linear/Conv initialisation (see [`default_init`](crate::nn::default_init)),
/// with a bias of `bias_len` entries.
fn init(shape: &[usize], bias_len: usize, bias: bool) -> Parameters {
    let (weight, bias) = conv_parameters(shape, bias_len, bias);
    (Some(weight), bias)
}
